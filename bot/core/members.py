"""The Teams roster call (who is this user: name and e-mail address), remembered for a while.

Forms prefill name and e-mail from the user's Teams profile (`TeamsInfo.get_member`, a call to the Bot
Connector). A user who starts a form again (another registration, an offer after a registration, a form
restarted after a cancel) gets the same answer: this keeps it in memory, per service URL, conversation and
user, for `ttl` seconds (an hour), at most `size` users (the oldest go first). Nothing is stored in the
database: the profile stays Teams' (a restart asks again), and a failed call is not remembered.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import ChannelAccount

DEFAULT_TTL = 3600.0
DEFAULT_SIZE = 10_000


class TeamsMembers:
    def __init__(self, *, ttl: float = DEFAULT_TTL, size: int = DEFAULT_SIZE, now: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._size = size
        self._now = now
        self._known: OrderedDict[tuple[str, str, str], tuple[ChannelAccount, float]] = OrderedDict()
        self.calls = 0  # roster calls made (tests, benchmarks)

    async def get(self, turn_context: TurnContext, user_id: str) -> ChannelAccount:
        """The member `user_id` of this conversation (raises what the roster call raises)."""
        activity = turn_context.activity
        key = (activity.service_url or "", activity.conversation.id if activity.conversation else "", user_id)
        known = self._known.get(key)
        if known is not None and self._now() - known[1] < self.ttl:
            return known[0]
        self.calls += 1
        member = await TeamsInfo.get_member(turn_context, user_id)
        self._known[key] = (member, self._now())
        self._known.move_to_end(key)
        while len(self._known) > self._size:
            self._known.popitem(last=False)
        return member

    def forget(self) -> None:
        self._known.clear()
