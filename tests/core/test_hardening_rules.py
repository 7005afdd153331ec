"""Rules that hold against hostile or unlucky input: blocks on every route, unknown messages,
bounded searches and bodies with nothing to see. Each refusal leaves the store as it was."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.core import inbox, members, messaging, moderation, search
from app.core.errors import BadInput, NotFound, Refused
from app.store.db import SCHEMA_VERSION, open_store
from app.store.models import ALL_MODELS, Block, ConversationState, Message, Meta, Withheld

T0 = datetime(2026, 3, 2, 9, 0)


def snapshot() -> dict:
    """Every row of every table: equal snapshots mean nothing changed."""
    return {model.__name__: sorted(map(repr, model.select().tuples())) for model in ALL_MODELS}


def view(member_id: int, conversation_id: int) -> ConversationState:
    return ConversationState.get(
        (ConversationState.member == member_id) & (ConversationState.conversation == conversation_id)
    )


@pytest.fixture
def group(store):
    """Maya, Ben and Cleo, all connected, in one group that Maya started."""
    maya = members.add_member("maya", "Maya Chen", now=T0).id
    ben = members.add_member("ben", "Ben Okafor", now=T0).id
    cleo = members.add_member("cleo", "Cleo Park", now=T0).id
    for a, b in (("maya", "ben"), ("maya", "cleo"), ("ben", "cleo")):
        members.connect(a, b, now=T0)
    conversation = messaging.send(maya, ["ben", "cleo"], "Hello both", now=T0).conversation
    moderation.apply(maya, "read", [conversation])
    return maya, ben, cleo, conversation


# ---- blocks and reports hold on every route, groups included ----------------------------------------


def test_a_blocked_members_group_messages_do_not_reach_the_blocker(group):
    maya, ben, cleo, conversation = group
    members.block(maya, "ben")
    moderation.apply(maya, "archive", [conversation])
    before = view(maya, conversation)
    messaging.reply(ben, conversation, "Still here", now=T0 + timedelta(hours=1))
    after = view(maya, conversation)
    assert (after.unread, after.has_unread, after.archived, after.last_at) == (0, False, True, before.last_at)
    assert inbox.counts(maya)["unread"] == 0
    assert view(cleo, conversation).unread == 2  # everyone else still gets it


def test_a_blockers_group_messages_do_not_reach_the_member_they_blocked(group):
    maya, ben, cleo, conversation = group
    members.block(ben, "maya")
    messaging.reply(ben, conversation, "Not to you", now=T0 + timedelta(hours=1))
    assert view(maya, conversation).unread == 0
    assert view(cleo, conversation).unread == 2


def test_a_reported_group_stays_in_spam_when_its_author_writes_again(group):
    maya, ben, cleo, conversation = group
    messaging.reply(ben, conversation, "Buy now at www.example.com", now=T0 + timedelta(hours=1))
    moderation.report(maya, conversation, "spam")
    messaging.reply(ben, conversation, "Still selling", now=T0 + timedelta(hours=2))
    assert view(maya, conversation).spam
    assert conversation in {row.id for row in inbox.page(maya, "spam")}


def test_reporting_a_group_blocks_the_author_of_its_latest_message_from_someone_else(group):
    maya, ben, cleo, conversation = group
    messaging.reply(ben, conversation, "First", now=T0 + timedelta(hours=1))
    messaging.reply(cleo, conversation, "Second", now=T0 + timedelta(hours=2))
    messaging.reply(maya, conversation, "Mine comes last", now=T0 + timedelta(hours=3))
    moderation.report(maya, conversation, "harassment")
    assert members.blocked_either_among(maya, [ben, cleo]) == {cleo}


def test_a_reported_members_group_messages_no_longer_reach_the_reporter_after_not_spam(group):
    maya, ben, cleo, conversation = group
    messaging.reply(ben, conversation, "Hi", now=T0 + timedelta(hours=1))
    moderation.report(maya, conversation, "spam")
    moderation.apply(maya, "not-spam", [conversation])
    moderation.apply(maya, "archive", [conversation])
    moderation.apply(maya, "read", [conversation])
    messaging.reply(ben, conversation, "Back again", now=T0 + timedelta(hours=2))
    state = view(maya, conversation)
    assert (state.archived, state.spam, state.unread) == (True, False, 0)
    assert conversation in {row.id for row in inbox.page(maya, "archived")}


def test_a_blocked_members_group_message_is_not_in_the_blockers_thread_preview_or_search(group):
    maya, ben, cleo, conversation = group
    messaging.reply(cleo, conversation, "Ναι, τα λέμε την Τρίτη", now=T0 + timedelta(minutes=30))
    members.block(maya, "ben")
    messaging.reply(ben, conversation, "Тайное сообщение", now=T0 + timedelta(hours=1))
    shown = [m.body for m in inbox.messages(maya, conversation)]
    assert shown == ["Hello both", "Ναι, τα λέμε την Τρίτη"]
    (row,) = [r for r in inbox.page(maya, "all") if r.id == conversation]
    assert row.preview == "Ναι, τα λέμε την Τρίτη"
    assert inbox.page(maya, query="Тайное") == []
    # Cleo, who blocked no one, reads it everywhere.
    assert [m.body for m in inbox.messages(cleo, conversation)][-1] == "Тайное сообщение"
    assert [r.id for r in inbox.page(cleo, query="Тайное")] == [conversation]


def test_a_group_message_held_back_by_a_block_stays_unseen_after_the_unblock(group):
    maya, ben, cleo, conversation = group
    members.block(maya, "ben")
    held = messaging.reply(ben, conversation, "While blocked 🙈", now=T0 + timedelta(hours=1))
    members.unblock(maya, "ben")
    messaging.reply(ben, conversation, "After the unblock", now=T0 + timedelta(hours=2))
    assert [m.body for m in inbox.messages(maya, conversation)] == ["Hello both", "After the unblock"]
    with pytest.raises(NotFound, match=f"There is no message {held.message}\\."):
        messaging.recall(maya, held.message, now=T0 + timedelta(hours=1, minutes=1))


def test_messages_sent_before_a_block_stay_in_the_blockers_thread(group):
    maya, ben, cleo, conversation = group
    messaging.reply(ben, conversation, "Before the block", now=T0 + timedelta(minutes=10))
    members.block(maya, "ben")
    assert [m.body for m in inbox.messages(maya, conversation)] == ["Hello both", "Before the block"]


def test_opening_an_older_store_holds_back_group_messages_sent_across_a_block(group, store):
    maya, ben, cleo, conversation = group
    Block.create(blocker=maya, blocked=ben, at=T0 + timedelta(minutes=30))
    # As an older Parley wrote them: delivered to everyone, with nothing held back.
    messaging.reply(ben, conversation, "Before the block", now=T0 + timedelta(minutes=10))
    across = Message.create(conversation=conversation, sender=ben, body="Across the block",
                            sent_at=T0 + timedelta(hours=1))
    store.db.drop_tables([Withheld])
    Meta.update(value="5").where(Meta.key == "schema_version").execute()
    store.close()
    again = open_store(store.target)
    assert Meta.get(Meta.key == "schema_version").value == str(SCHEMA_VERSION)
    assert [(w.member_id, w.message_id) for w in Withheld.select()] == [(maya, across.id)]
    assert [m.body for m in inbox.messages(maya, conversation)] == ["Hello both", "Before the block"]
    assert [m.body for m in inbox.messages(cleo, conversation)][-1] == "Across the block"
    again.close()


# ---- recall: a message one cannot see is unknown -----------------------------------------------------


def test_recalling_a_message_in_a_conversation_you_are_not_in_answers_as_for_an_unknown_one(group):
    maya, ben, cleo, conversation = group
    outsider = members.add_member("olga", "Olga Stone", now=T0).id
    sent = Message.get(Message.conversation == conversation).id
    before = snapshot()
    with pytest.raises(NotFound) as unknown:
        messaging.recall(outsider, 9999)
    with pytest.raises(NotFound) as hidden:
        messaging.recall(outsider, sent)
    assert str(hidden.value) == str(unknown.value).replace("9999", str(sent)) == f"There is no message {sent}."
    # A participant still learns it is someone else's.
    with pytest.raises(Refused, match="You can only recall your own messages."):
        messaging.recall(ben, sent)
    assert snapshot() == before


# ---- bodies with nothing to see are empty ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["\u200b\u200b\u200b", "\u200b \u2060\ufeff", "\x00\x07\x1b", "\u202e\u200f", " \t\n\u3000", "\u2028\u2029"],
    ids=["zero-width-spaces", "format-characters", "controls", "bidi-controls", "white-space", "separators"],
)
def test_a_body_with_nothing_to_see_is_empty(group, body):
    maya, ben, cleo, conversation = group
    before = snapshot()
    with pytest.raises(BadInput, match="A message can't be empty."):
        messaging.send(maya, ["ben"], body)
    with pytest.raises(BadInput, match="A message can't be empty."):
        messaging.reply(ben, conversation, body)
    assert snapshot() == before


def test_a_body_with_one_visible_character_among_invisible_ones_is_sent(group):
    maya, ben, cleo, conversation = group
    sent = messaging.reply(ben, conversation, "\u200bok\u200b", now=T0 + timedelta(hours=1))
    assert Message.get_by_id(sent.message).body == "\u200bok\u200b"


# ---- searches are bounded ----------------------------------------------------------------------------


def test_a_search_with_too_many_terms_is_refused_with_a_sentence():
    with pytest.raises(BadInput, match="A search can have at most 20 words, phrases and operators."):
        search.parse(" ".join(['"budget"'] * 21))
    assert len(search.parse(" ".join(["word"] * 20)).phrases) == 20


def test_a_search_longer_than_its_limit_is_refused_with_a_sentence():
    with pytest.raises(BadInput, match="A search can be at most 500 characters long."):
        search.parse("a" * 501)
    assert search.parse("a" * 500).phrases


def test_a_bounded_search_is_refused_by_the_inbox_without_touching_the_store(group):
    maya, ben, cleo, conversation = group
    before = snapshot()
    with pytest.raises(BadInput, match="at most 20 words"):
        inbox.page(maya, query=" ".join(["hello"] * 30))
    assert snapshot() == before
