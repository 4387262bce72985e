"""Errors raised for unusable knowledge data."""

from __future__ import annotations

from collections.abc import Sequence


class KnowledgeDataError(ValueError):
    """The knowledge data is invalid; `problems` lists every problem found, one sentence each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid knowledge data:\n  - " + "\n  - ".join(self.problems))
