"""Sending, replies, recall, groups, spam, sponsored messages and drafts (SPEC §2, §4, §6)."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core import credits, messaging
from app.core import search as search_language
from app.core.errors import BadInput, NotFound, Refused
from app.core.members import add_member, block, connect, update_setting
from app.store import search
from app.store.models import (
    BOX_ARCHIVED,
    BOX_INBOX,
    BOX_SPAM,
    Change,
    Conversation,
    ConversationState,
    InMail,
    Message,
)

MB = 1024 * 1024


def person(handle: str, plan: str = "basic", **extra):
    return add_member(handle, handle.replace("-", " ").title(), plan=plan, **extra)


def state_of(member, conversation_id: int) -> ConversationState:
    return ConversationState.get(member=member.id, conversation=conversation_id)


def searchable(message_id: int) -> bool:
    """Its sender finds the message by searching for the first word of its body."""
    message = Message.get_by_id(message_id)
    first_word = search_language.words(message.body)[0]
    found = search.matching_messages(message.sender_id, [((first_word,), False)], boxes=[BOX_INBOX, BOX_ARCHIVED])
    return message_id in {row[0] for row in found}


@pytest.fixture
def pair(store):
    """Two connected members."""
    maya, ben = person("maya", "premium-career"), person("ben")
    connect("maya", "ben")
    return maya, ben


# ---- limits of §4 --------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_a_message_can_not_be_empty(pair, body):
    maya, _ = pair
    with pytest.raises(BadInput, match="A message can't be empty."):
        messaging.send(maya.id, ["ben"], body)


def test_an_inmail_needs_a_subject(store):
    maya, _ = person("maya", "premium-career"), person("ben")
    with pytest.raises(BadInput, match="An InMail needs a subject."):
        messaging.send(maya.id, ["ben"], "Hello")
    assert Message.select().count() == 0 and credits.balance(maya.id) == 5


def test_a_subject_is_at_most_200_characters(store):
    maya, _ = person("maya", "premium-career"), person("ben")
    with pytest.raises(BadInput, match="A subject can be at most 200 characters."):
        messaging.send(maya.id, ["ben"], "Hello", subject="s" * 201)
    assert messaging.send(maya.id, ["ben"], "Hello", subject="s" * 200).route == "inmail"


def test_an_inmail_body_is_at_most_2000_characters(store):
    maya, _ = person("maya", "premium-career"), person("ben")
    with pytest.raises(BadInput, match="An InMail can be at most 2,000 characters."):
        messaging.send(maya.id, ["ben"], "x" * 2001, subject="Hi")
    assert messaging.send(maya.id, ["ben"], "x" * 2000, subject="Hi").route == "inmail"


def test_a_message_is_at_most_28000_characters(pair):
    maya, _ = pair
    with pytest.raises(BadInput, match="A message can be at most 28,000 characters."):
        messaging.send(maya.id, ["ben"], "x" * 28001)
    sent = messaging.send(maya.id, ["ben"], "x" * 28000)
    assert len(Message.get_by_id(sent.message).body) == 28000


def test_text_is_stored_exactly_as_typed(pair):
    maya, _ = pair
    body = "[bold]Hi[/bold]\x1b[31m red\x07  \n  two spaces"
    sent = messaging.send(maya.id, ["ben"], body)
    assert Message.get_by_id(sent.message).body == body


def test_attachments_are_at_most_25_mb(pair):
    maya, _ = pair
    with pytest.raises(BadInput, match="big.pdf is larger than 25 MB"):
        messaging.send(maya.id, ["ben"], "See file", attachments=[("big.pdf", b"x" * (25 * MB + 1), "application/pdf")])


def test_inmail_attachments_are_at_most_5_mb(store):
    maya, _ = person("maya", "premium-career"), person("ben")
    with pytest.raises(BadInput, match="cv.pdf is larger than 5 MB, the most an InMail can carry."):
        messaging.send(maya.id, ["ben"], "Hi", subject="CV", attachments=[("cv.pdf", b"x" * (5 * MB + 1), "application/pdf")])


def test_an_unknown_recipient_is_not_found(pair):
    maya, _ = pair
    with pytest.raises(NotFound, match="There is no member 'nobody'."):
        messaging.send(maya.id, ["nobody"], "Hi")


# ---- delivery ----------------------------------------------------------------------------------


def test_delivery_updates_the_conversation_and_both_views(pair, clock):
    maya, ben = pair
    first = messaging.send(maya.id, ["ben"], "Hello Ben")
    ConversationState.update(archived=True, box=1).where(ConversationState.member == ben.id).execute()
    clock("2026-03-02T10:00:00Z")
    second = messaging.send(maya.id, ["ben"], "Are you there?  \n It's about the role.")
    assert first.conversation == second.conversation
    conversation = Conversation.get_by_id(second.conversation)
    assert (conversation.kind, conversation.message_count) == ("direct", 2)
    assert conversation.preview == "Are you there? It's about the role."
    assert conversation.last_at == datetime(2026, 3, 2, 10)
    theirs, mine = state_of(ben, second.conversation), state_of(maya, second.conversation)
    assert (theirs.unread, theirs.has_unread, theirs.archived, theirs.box) == (2, True, False, BOX_INBOX)
    assert (theirs.peer_id, theirs.connected, theirs.folder) == (maya.id, True, "focused")
    assert (mine.unread, mine.peer_id, mine.last_at) == (0, ben.id, datetime(2026, 3, 2, 10))
    assert searchable(second.message)
    assert Change.select().where(Change.conversation == second.conversation).count() >= 2


def test_one_conversation_per_pair_either_way(pair):
    maya, ben = pair
    a = messaging.send(maya.id, ["ben"], "Hi")
    b = messaging.send(ben.id, ["maya"], "Hi back")
    assert a.conversation == b.conversation
    assert Conversation.select().count() == 1


def test_open_profile_messages_land_in_other(store):
    maya, ben = person("maya"), person("ben", "premium-career", open_profile=True)
    sent = messaging.send(maya.id, ["ben"], "Hello")
    assert sent.route == "open-profile" and sent.credits_left == 0
    assert Conversation.get_by_id(sent.conversation).kind == "open_profile"
    assert state_of(ben, sent.conversation).folder == "other"


def test_inmail_lands_in_focused_marked_inmail(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Hello", subject="A role")
    conversation = Conversation.get_by_id(sent.conversation)
    assert (conversation.kind, conversation.subject) == ("inmail", "A role")
    state = state_of(ben, sent.conversation)
    assert (state.folder, state.inmail) == ("focused", True)
    assert InMail.get().status == "pending"
    assert sent.credits_left == 4


def test_a_new_inmail_goes_into_the_existing_thread(store):
    maya, ben = person("maya", "premium-career"), person("ben", "premium-career", open_profile=True)
    first = messaging.send(maya.id, ["ben"], "Hello via Open Profile")
    update_setting(ben.id, "allow-open-profile", False)
    second = messaging.send(maya.id, ["ben"], "A proper InMail", subject="A role")
    assert second.route == "inmail" and second.conversation == first.conversation
    assert Conversation.get_by_id(first.conversation).kind == "inmail"
    assert state_of(ben, first.conversation).inmail


def test_links_are_flagged(pair):
    maya, _ = pair
    plain = messaging.send(maya.id, ["ben"], "No links here, just a dot.com mention")
    linked = messaging.send(maya.id, ["ben"], "See www.example.com or HTTPS://example.org/x")
    assert not Message.get_by_id(plain.message).has_links
    assert Message.get_by_id(linked.message).has_links


# ---- replies and responses -------------------------------------------------------------------------


def test_a_reply_to_a_pending_inmail_is_its_response(store, clock):
    maya, ben = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Hello", subject="A role")
    clock("2026-03-03T09:00:00Z")
    answer = messaging.reply(ben.id, sent.conversation, "Sure, let's talk")
    inmail = InMail.get()
    assert (inmail.status, inmail.responded_at) == ("replied", datetime(2026, 3, 3, 9))
    assert answer.route == "message" and credits.balance(maya.id) == 5


def test_quick_replies_send_their_default_text(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Hello", subject="A role")
    answer = messaging.reply(ben.id, sent.conversation, accept=True)
    assert Message.get_by_id(answer.message).body == "Yes, interested"


def test_a_quick_reply_is_editable(store):
    maya, ben = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Hello", subject="A role")
    answer = messaging.reply(ben.id, sent.conversation, "No thanks, happy where I am", decline=True)
    assert Message.get_by_id(answer.message).body == "No thanks, happy where I am"
    assert InMail.get().status == "declined"


def test_quick_replies_need_a_pending_inmail(pair):
    maya, ben = pair
    sent = messaging.send(maya.id, ["ben"], "Hello")
    with pytest.raises(Refused, match="There is no InMail here waiting for your answer."):
        messaging.reply(ben.id, sent.conversation, decline=True)


def test_the_inmail_sender_can_not_follow_up_before_a_response(store):
    maya, _ = person("maya", "premium-career"), person("ben")
    sent = messaging.send(maya.id, ["ben"], "Hello", subject="A role")
    with pytest.raises(Refused, match="wait for a response"):
        messaging.reply(maya.id, sent.conversation, "Just checking in")


def test_reply_to_a_conversation_one_is_not_in_is_not_found(pair):
    maya, ben = pair
    sent = messaging.send(maya.id, ["ben"], "Hello")
    outsider = person("cara")
    with pytest.raises(NotFound, match=f"There is no conversation {sent.conversation}."):
        messaging.reply(outsider.id, sent.conversation, "Hi")


# ---- recall ------------------------------------------------------------------------------------------


def test_recall_within_60_minutes(pair, clock):
    maya, ben = pair
    sent = messaging.send(maya.id, ["ben"], "Oops, wrong person")
    assert searchable(sent.message)
    clock("2026-03-02T10:00:00Z")
    messaging.recall(maya.id, sent.message)
    assert Message.get_by_id(sent.message).recalled_at == datetime(2026, 3, 2, 10)
    assert Conversation.get_by_id(sent.conversation).preview == "This message was deleted."
    assert not searchable(sent.message)


def test_recall_after_60_minutes_is_refused(pair, clock):
    maya, _ = pair
    sent = messaging.send(maya.id, ["ben"], "Too late")
    clock("2026-03-02T10:00:01Z")
    with pytest.raises(Refused, match="You can only recall a message within 60 minutes of sending it."):
        messaging.recall(maya.id, sent.message)


def test_only_ones_own_message_can_be_recalled(pair):
    maya, ben = pair
    sent = messaging.send(maya.id, ["ben"], "Mine")
    with pytest.raises(Refused, match="You can only recall your own messages."):
        messaging.recall(ben.id, sent.message)


# ---- bulk outreach ---------------------------------------------------------------------------------------


def test_the_fifth_copy_to_non_connections_lands_in_spam(store):
    maya = person("maya", "sales-navigator")
    results = []
    for i in range(6):
        person(f"lead-{i}")
        text = "Great OPPORTUNITY for you!" if i % 2 else "  great opportunity\n for YOU! "
        results.append(messaging.send(maya.id, [f"lead-{i}"], text, subject="Hi"))
    assert [r.spam for r in results] == [False, False, False, False, True, True]
    fourth, fifth = (ConversationState.get(conversation=r.conversation, member=r.conversation + 1) for r in results[3:5])
    assert (fourth.box, fourth.folder) == (BOX_INBOX, "focused")
    assert (fifth.box, fifth.spam) == (BOX_SPAM, True)


def test_copies_to_connections_do_not_count_as_bulk(store):
    maya = person("maya", "sales-navigator")
    for i in range(6):
        person(f"friend-{i}")
        connect("maya", f"friend-{i}")
        assert not messaging.send(maya.id, [f"friend-{i}"], "Happy new year!").spam


def test_bulk_copies_count_within_24_hours(store, clock):
    maya = person("maya", "sales-navigator")
    for i in range(5):
        clock(f"2026-03-0{2 + i}T09:00:00Z")  # a day apart: never five within 24 hours
        person(f"lead-{i}")
        assert not messaging.send(maya.id, [f"lead-{i}"], "Same pitch", subject="Hi").spam


# ---- groups -----------------------------------------------------------------------------------------------


def test_groups_are_for_connections_only(store):
    maya, _, _ = person("maya"), person("ben"), person("cara")
    connect("maya", "ben")
    with pytest.raises(Refused, match="Groups are for connections only: Cara is not one of your connections."):
        messaging.send(maya.id, ["ben", "cara"], "Hello both")
    assert Conversation.select().count() == 0


def test_a_group_has_at_most_50_members(store):
    maya = person("maya")
    handles = [f"colleague-{i}" for i in range(50)]
    for handle in handles:
        person(handle)
        connect("maya", handle)
    with pytest.raises(BadInput, match="A group can have at most 50 members."):
        messaging.send(maya.id, handles, "All hands")
    sent = messaging.send(maya.id, handles[:49], "All hands")
    assert ConversationState.select().where(ConversationState.conversation == sent.conversation).count() == 50


def test_a_group_is_titled_with_its_members_names(store):
    maya, ben, cara = person("maya"), person("ben"), person("cara")
    connect("maya", "ben")
    connect("maya", "cara")
    sent = messaging.send(maya.id, ["ben", "cara"], "Hello both")
    conversation = Conversation.get_by_id(sent.conversation)
    assert (conversation.kind, conversation.title) == ("group", "Ben, Cara, Maya")
    assert state_of(ben, sent.conversation).unread == 1
    assert messaging.send(maya.id, ["cara", "ben"], "Again").conversation == sent.conversation


def test_adding_to_a_group_needs_a_connection_of_the_adder(store):
    maya, ben, cara, dev = person("maya"), person("ben"), person("cara"), person("dev")
    for handle in ("ben", "cara"):
        connect("maya", handle)
    sent = messaging.send(maya.id, ["ben", "cara"], "Hello both")
    with pytest.raises(Refused, match="Dev is not one of your connections"):
        messaging.add_to_group(maya.id, sent.conversation, ["dev"])
    connect("ben", "dev")
    messaging.add_to_group(ben.id, sent.conversation, ["dev"])
    assert Conversation.get_by_id(sent.conversation).title == "Ben, Cara, Dev, Maya"
    messaging.leave_group(cara.id, sent.conversation)
    messaging.reply(maya.id, sent.conversation, "Welcome Dev")
    assert state_of(dev, sent.conversation).unread == 1
    assert state_of(cara, sent.conversation).unread == 1  # only the message before she left


# ---- sponsored -----------------------------------------------------------------------------------------------


def test_sponsored_messages_land_in_other_and_respect_the_setting(store):
    acme = add_member("acme", "Acme Corp", kind="company")
    ben, cara = person("ben", company="Initech"), person("cara", location="Berlin")
    update_setting(cara.id, "allow-sponsored", False)
    assert messaging.send_sponsored(acme.id, "Try Acme Cloud", subject="Acme Cloud") == 1
    state = ConversationState.get(member=ben.id)
    assert (state.folder, state.conversation.kind, state.peer_id) == ("other", "sponsored", acme.id)
    assert ConversationState.select().where(ConversationState.member == cara.id).count() == 0


def test_sponsored_messages_reach_an_audience_by_company_or_location(store):
    acme = add_member("acme", "Acme Corp", kind="company")
    person("ben", company="Initech", location="Paris")
    person("cara", company="Globex", location="Berlin")
    assert messaging.send_sponsored(acme.id, "For Initech", {"company": "initech"}) == 1
    assert messaging.send_sponsored(acme.id, "For Berlin", {"location": "Berlin"}) == 1
    with pytest.raises(BadInput, match="An audience is everyone, one company or one location."):
        messaging.send_sponsored(acme.id, "Hi", {"industry": "software"})


def test_only_a_company_sends_sponsored_messages(store):
    maya = person("maya")
    with pytest.raises(Refused, match="Only a company account can send sponsored messages."):
        messaging.send_sponsored(maya.id, "Buy now")


# ---- drafts and attachments ----------------------------------------------------------------------------------


def test_drafts_are_kept_updated_and_deleted(pair):
    maya, _ = pair
    first = messaging.save_draft(maya.id, ["ben"], "", "Half a thought")
    again = messaging.save_draft(maya.id, ["ben"], "", "A whole thought")
    assert first == again
    [draft] = messaging.drafts(maya.id)
    assert (draft.to_handles, draft.body) == (("ben",), "A whole thought")
    messaging.delete_draft(first)
    assert messaging.drafts(maya.id) == []
    with pytest.raises(NotFound):
        messaging.delete_draft(first)


def test_an_attachment_is_saved_back_to_disk(pair, tmp_path):
    maya, ben = pair
    sent = messaging.send(maya.id, ["ben"], "The deck", attachments=[("deck.pdf", b"%PDF-1.7", "application/pdf")])
    [attachment] = Message.get_by_id(sent.message).attachments
    saved = messaging.save_attachment(ben.id, attachment.id, tmp_path)
    assert saved == tmp_path / "deck.pdf" and saved.read_bytes() == b"%PDF-1.7"
    assert state_of(ben, sent.conversation).has_attachment
    outsider = person("cara")
    with pytest.raises(NotFound):
        messaging.save_attachment(outsider.id, attachment.id, tmp_path / "other.pdf")


def test_scenario_two_members_an_inmail_a_reply_and_the_credit_back(store, clock):
    """The walk-through a newcomer can follow: InMail costs a credit, a reply returns it."""
    recruiter = add_member("maya-chen", "Maya Chen", headline="Head of Talent", plan="premium-business")
    engineer = add_member("james-li", "James Li", headline="Staff Engineer")
    sent = messaging.send(recruiter.id, ["james-li"], "Would you talk about a staff role?", subject="Staff role")
    assert (sent.route, sent.credits_left) == ("inmail", 14)
    clock("2026-03-04T17:30:00Z")
    answer = messaging.reply(engineer.id, sent.conversation, accept=True)
    assert (answer.conversation, answer.route) == (sent.conversation, "message")
    assert credits.balance(recruiter.id) == 15
    assert [line.kind for line in credits.credits_view(recruiter.id).ledger] == ["grant", "spend", "refund"]


def test_sponsored_messages_never_reach_a_member_who_blocked_the_company(store):
    acme = add_member("acme", "Acme Corp", kind="company")
    ben, _ = person("ben"), person("cara")
    block(ben.id, "acme")
    assert messaging.send_sponsored(acme.id, "Try Acme Cloud") == 1
    assert ConversationState.select().where(ConversationState.member == ben.id).count() == 0
