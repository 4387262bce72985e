"""Repositories on SQLite and PostgreSQL: idempotent claims, references, feedback, forwarded questions."""

from __future__ import annotations

from datetime import timedelta

from storage.repositories import ConversationReferences, Feedback, ForwardedQuestions, ProcessedActivities

LEASE = timedelta(seconds=30)


async def test_an_activity_is_claimed_once(db, clock):
    key = ProcessedActivities.key_for("msteams", "conv", "act-1")
    now = clock.now()
    async with db.transaction() as s:
        assert await ProcessedActivities(s).claim(key, now, now - LEASE) is True
    async with db.transaction() as s:
        assert await ProcessedActivities(s).claim(key, now, now - LEASE) is False
        assert await ProcessedActivities(s).is_finished(key) is False
        await ProcessedActivities(s).release(key)
    async with db.transaction() as s:
        assert await ProcessedActivities(s).claim(key, now, now - LEASE) is True


async def test_an_unfinished_claim_expires_and_a_finished_one_does_not(db, clock):
    now = clock.now()
    later = now + LEASE + timedelta(seconds=1)
    async with db.transaction() as s:
        assert await ProcessedActivities(s).claim("dead", now, now - LEASE)
        assert await ProcessedActivities(s).claim("done", now, now - LEASE)
        await ProcessedActivities(s).finish(["done"], now)
    async with db.transaction() as s:
        assert await ProcessedActivities(s).claim("dead", now + LEASE / 2, now - LEASE / 2) is False  # still leased
        assert await ProcessedActivities(s).claim("dead", later, later - LEASE) is True  # taken over
        assert await ProcessedActivities(s).claim("dead", later, later - LEASE) is False  # by one only
        assert await ProcessedActivities(s).claim("done", later, later - LEASE) is False
        assert await ProcessedActivities(s).is_finished("done") is True


async def test_old_claims_are_pruned(db, clock):
    now = clock.now()
    async with db.transaction() as s:
        await ProcessedActivities(s).claim("old", now - timedelta(days=3), now - LEASE)
        await ProcessedActivities(s).claim("new", now, now - LEASE)
        assert await ProcessedActivities(s).prune(clock.now() - timedelta(days=2)) == 1


async def test_conversation_reference_upsert_and_lookup(db, clock):
    async with db.transaction() as s:
        refs = ConversationReferences(s)
        for service_url in ("https://a/", "https://b/"):
            await refs.upsert(
                conversation_id="a:1", conversation_type="personal", user_id="29:x", aad_object_id="AAD-1",
                tenant_id="t", service_url=service_url, reference_json="{}", now=clock.now(),
            )
    async with db.transaction() as s:
        found = await ConversationReferences(s).personal_for("AAD-1")
        assert found is not None and found.service_url == "https://b/"
        await ConversationReferences(s).mark_removed("a:1", clock.now())
    async with db.transaction() as s:
        assert await ConversationReferences(s).personal_for("AAD-1") is None


async def test_feedback_is_one_per_user_and_answer_message(db, clock):
    async with db.transaction() as s:
        fb = Feedback(s)
        for helpful in (True, False):
            await fb.record(entry_id="session_date", helpful=helpful, user_key="aad:1", aad_object_id="1",
                            message_key="m1", language="nl", now=clock.now())
    async with db.transaction() as s:
        rows = await Feedback(s).for_user("aad:1")
        assert [(r.entry_id, r.helpful) for r in rows] == [("session_date", False)]


async def test_forwarded_question_is_stored_once(db, clock):
    kwargs = dict(language="nl", user_key="aad:1", aad_object_id="1", asker_name="Anna", tenant_id="t",
                  conversation_id="a:1", conversation_reference="{}", now=clock.now())
    async with db.transaction() as s:
        first, created = await ForwardedQuestions(s).add(question="Is er parkeergelegenheid?", **kwargs)
        assert created
    async with db.transaction() as s:
        again, created_again = await ForwardedQuestions(s).add(question="is er  parkeergelegenheid?", **kwargs)
        assert not created_again and again.id == first.id
        assert [q.question for q in await ForwardedQuestions(s).open_questions()] == ["Is er parkeergelegenheid?"]
