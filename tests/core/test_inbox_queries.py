"""The inbox of SPEC §5: filters and their counts, keyed pages, rows, threads, read state."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from app.core import credits, inbox, members, messaging, moderation
from app.core.errors import BadInput, NotFound
from app.core.plans import LIMITS
from app.core.views import FILTERS, TEAM_FILTERS
from app.store.models import ConversationState, Message, database

T0 = datetime(2026, 3, 2, 9, 0)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def people(store):
    """me (premium), two connections, an InMail sender, an Open Profile member, a company."""
    add = members.add_member
    found = {
        "me": add("me", "Maya Chen", company="Northwind", headline="Engineering lead", plan="premium-business", now=T0),
        "jane": add("jane", "Jane Smith", company="Acme", headline="Recruiter at Acme", now=T0),
        "omar": add("omar", "Omar Haddad", company="Globex", now=T0),
        "rita": add("rita", "Rita Okafor", company="Initech", plan="sales-navigator", now=T0),
        "olga": add("olga", "Olga Berg", company="Umbrella", plan="premium-career", open_profile=True, now=T0),
        "acme": add("acme-corp", "Acme Corp", kind="company", now=T0),
    }
    members.connect("me", "jane", now=T0)
    members.connect("me", "omar", now=T0)
    members.connect("jane", "omar", now=T0)
    return {name: view.id for name, view in found.items()}


def send(sender: int, to: str | list[str], body: str, minutes: int, **kw):
    handles = [to] if isinstance(to, str) else to
    return messaging.send(sender, handles, body, now=at(minutes), **kw)


@pytest.fixture
def inbox_of_me(people):
    """One conversation for every filter of §5, each with a known place in the list."""
    p = people
    made = {}
    made["jane"] = send(p["jane"], "me", "Coffee next week?", 1).conversation
    made["omar"] = send(p["omar"], "me", "Here are the slides.", 2).conversation
    made["inmail"] = send(p["rita"], "me", "Hi Maya, a role you may like.", 3, subject="A role").conversation
    send(p["me"], "olga", "Hello Olga, about your talk.", 4)  # Open Profile: free, in her Other
    made["olga"] = send(p["olga"], "me", "Thanks for writing!", 5).conversation
    messaging.send_sponsored(p["acme"], "Join our webinar on hiring.", now=at(6))
    made["sponsored"] = ConversationState.get(
        (ConversationState.member == p["me"]) & (ConversationState.folder == "other")
    ).conversation_id
    made["group"] = send(p["me"], ["jane", "omar"], "Team lunch on Friday?", 7).conversation
    inbox.mark_read(p["me"], made["omar"])
    inbox.mark_read(p["me"], made["olga"])
    moderation.apply(p["me"], "star", [made["omar"]])
    members.add_member("ken", "Ken Ito", now=T0)
    members.connect("me", "ken", now=T0)
    made["archived"] = send(members.member_by_handle("ken").id, "me", "Old thread, archived.", 8).conversation
    moderation.apply(p["me"], "archive", [made["archived"]])
    spammer = members.add_member("spam-bot", "Cheap Followers", plan="premium-career", now=T0)
    made["spam"] = send(spammer.id, "me", "Buy cheap followers now", 9, subject="Grow fast").conversation
    moderation.apply(p["me"], "spam", [made["spam"]])
    return made


def ids(rows) -> list[int]:
    return [row.id for row in rows]


EXPECTED = {
    "all": ["group", "sponsored", "olga", "inmail", "omar", "jane"],
    "focused": ["group", "olga", "inmail", "omar", "jane"],
    "other": ["sponsored"],
    "unread": ["sponsored", "inmail", "jane"],
    "connections": ["omar", "jane"],
    "inmail": ["inmail"],
    "starred": ["omar"],
    "archived": ["archived"],
    "spam": ["spam"],
}


def test_each_filter_of_section_5_lists_exactly_its_conversations(people, inbox_of_me):
    me = people["me"]
    for name in FILTERS:
        expected = [inbox_of_me[key] for key in EXPECTED[name]]
        assert ids(inbox.page(me, name, limit=100)) == expected, name


def test_every_filter_count_matches_its_list(people, inbox_of_me):
    me = people["me"]
    counts = inbox.counts(me)
    for name in FILTERS:
        rows = inbox.page(me, name, limit=100)
        assert counts[name] == len(rows), name
        assert counts.unread_by_filter[name] == sum(1 for row in rows if row.unread), name


def test_select_all_takes_every_conversation_of_the_filter(people, inbox_of_me):
    me = people["me"]
    for name in FILTERS:
        assert inbox.conversation_ids(me, name) == ids(inbox.page(me, name, limit=100)), name
    assert inbox.conversation_ids(me, query="coffee") == [inbox_of_me["jane"]]


def test_counts_follow_every_change_at_once(people, inbox_of_me):
    me = people["me"]
    before = inbox.counts(me)
    moderation.apply(me, "archive", [inbox_of_me["jane"]])
    assert inbox.counts(me)["archived"] == before["archived"] + 1
    send(people["omar"], "me", "One more thing", 30)
    assert inbox.counts(me)["unread"] == before["unread"]  # Jane's unread went to the archive
    assert inbox.counts(me)["unread"] == len(inbox.page(me, "unread"))
    members.update_setting(me, "focused-inbox", False)
    assert inbox.counts(me)["other"] == inbox.counts(me)["all"]


def test_counts_see_a_write_made_on_another_thread(people, inbox_of_me):
    me = people["me"]
    before = inbox.counts(me)
    worker = threading.Thread(target=moderation.apply, args=(me, "spam", [inbox_of_me["jane"]]))
    worker.start()
    worker.join()
    assert inbox.counts(me)["spam"] == before["spam"] + 1


def test_counts_are_counted_once_until_something_changes(people, inbox_of_me, monkeypatch):
    me = people["me"]
    passes = []
    count = inbox._count
    monkeypatch.setattr(inbox, "_count", lambda member_id, author_id: passes.append(member_id) or count(member_id, author_id))
    worker = threading.Thread(target=inbox.counts, args=(me,))  # the screens count in workers
    worker.start()
    worker.join()
    inbox.counts(me)
    assert passes == [me]
    inbox.mark_read(me, inbox_of_me["jane"])
    assert inbox.counts(me)["unread"] == len(EXPECTED["unread"]) - 1
    assert passes == [me, me]


def test_focused_inbox_off_makes_focused_and_other_one_list(people, inbox_of_me):
    me = people["me"]
    members.update_setting(me, "focused-inbox", False)
    everything = ids(inbox.page(me, "all"))
    assert ids(inbox.page(me, "focused")) == everything
    assert ids(inbox.page(me, "other")) == everything
    counts = inbox.counts(me)
    assert counts["focused"] == counts["other"] == counts["all"] == len(everything)


def test_deleted_conversations_are_in_no_filter(people, inbox_of_me):
    me = people["me"]
    moderation.apply(me, "delete", [inbox_of_me["jane"]])
    for name in FILTERS:
        assert inbox_of_me["jane"] not in ids(inbox.page(me, name, limit=100))
    assert inbox.counts(me)["all"] == len(EXPECTED["all"]) - 1


def test_filters_keep_the_order_of_section_5_and_the_team_filters_come_after():
    assert tuple(inbox.FILTER_SCOPES) == (*FILTERS, *TEAM_FILTERS)


def test_unknown_filter_is_a_sentence(people):
    with pytest.raises(BadInput, match="Unknown filter 'later'"):
        inbox.page(people["me"], "later")


@pytest.fixture
def many(people):
    """Twelve 1:1 conversations with me, several sharing the same instant."""
    made = []
    for n in range(12):
        sender = members.add_member(f"writer-{n}", f"Writer {n}", plan="premium-career", now=T0)
        members.connect("me", f"writer-{n}", now=T0)
        made.append(send(sender.id, "me", f"Message number {n}", n // 3).conversation)
    return made


def test_pages_follow_each_other_without_gaps_or_repeats(people, many):
    me = people["me"]
    whole = ids(inbox.page(me, limit=100))
    assert sorted(whole) == sorted(many)
    walked, after = [], None
    while True:
        rows = inbox.page(me, after=after, limit=5)
        if not rows:
            break
        walked += ids(rows)
        after = rows[-1].cursor
    assert walked == whole


def test_last_page_is_the_oldest_rows_newest_first(people, many):
    me = people["me"]
    whole = ids(inbox.page(me, limit=100))
    assert ids(inbox.last_page(me, "all", limit=5)) == whole[-5:]
    end = inbox.last_page(me, "all", limit=5)
    above = inbox.page_before(me, "all", before=end[0].cursor, limit=5)
    assert ids(above) == whole[-10:-5]


def test_a_row_shows_names_subject_and_previews(people, inbox_of_me):
    me = people["me"]
    rows = {row.id: row for row in inbox.page(me, "all", limit=100)}
    assert rows[inbox_of_me["jane"]].title == "Jane Smith"
    assert rows[inbox_of_me["sponsored"]].title == "Acme Corp"
    assert rows[inbox_of_me["sponsored"]].kind == "sponsored"
    # A group names the others, never the viewer.
    assert rows[inbox_of_me["group"]].title == "Jane Smith, Omar Haddad"
    inmail = rows[inbox_of_me["inmail"]]
    assert (inmail.inmail, inmail.subject, inmail.inmail_status) == (True, "A role", "pending")
    assert inmail.preview == "InMail from Rita Okafor: Hi Maya, a role you may like."
    assert rows[inbox_of_me["omar"]].starred
    assert rows[inbox_of_me["jane"]].unread == 1 and rows[inbox_of_me["omar"]].unread == 0


def test_my_own_inmail_previews_as_mine(people):
    sent = send(people["me"], "rita", "Hi Rita, open to a chat?", 5, subject="Hello")
    row = next(r for r in inbox.page(people["me"], "all") if r.id == sent.conversation)
    assert row.preview == "Your InMail: Hi Rita, open to a chat?"
    assert row.title == "Rita Okafor"


def test_a_recalled_last_message_previews_as_deleted(people, inbox_of_me):
    sent = send(people["jane"], "me", "Oops, wrong person", 20)
    messaging.recall(people["jane"], sent.message, now=at(21))
    row = inbox.page(people["me"], "all")[0]
    assert row.preview == "This message was deleted."


def test_a_long_preview_is_one_short_line(people):
    send(people["jane"], "me", "word\n" * 400, 1)
    row = inbox.page(people["me"])[0]
    assert "\n" not in row.preview and len(row.preview) <= LIMITS.preview_shown
    assert row.preview.endswith("…")


def test_a_pending_inmail_past_three_days_shows_its_reminder(people, inbox_of_me):
    credits.settle(at(0) + timedelta(days=3, minutes=5))
    row = next(r for r in inbox.page(people["me"], "inmail"))
    assert row.inmail_status == "pending" and row.reminder


def _count_queries():
    executed = []
    connection = database.obj.connection()
    connection.set_trace_callback(executed.append)
    return executed, lambda: connection.set_trace_callback(None)


def test_a_page_of_rows_takes_a_fixed_number_of_queries(people, many, backend):
    if backend != "sqlite":
        pytest.skip("counts statements with SQLite's trace hook")
    me = people["me"]
    rita = people["rita"]
    for n in range(3):
        send(rita, f"writer-{n}", "An InMail", 30 + n, subject="Hello")
    executed, stop = _count_queries()
    try:
        inbox.page(me, "all", limit=50)
        small = len(executed)
        executed.clear()
        inbox.page(people["rita"], "all", limit=50)
        with_inmail = len(executed)
    finally:
        stop()
    assert small <= 3
    assert with_inmail <= 4


# --- the thread ---------------------------------------------------------------


def test_a_thread_names_its_people_and_inmail_state(people, inbox_of_me):
    me, rita = people["me"], people["rita"]
    view = inbox.thread(me, inbox_of_me["inmail"])
    assert view.title == "Rita Okafor" and view.subject == "A role"
    assert {m.handle for m in view.participants} == {"me", "rita"}
    assert view.inmail_status == "pending" and view.inmail_sender_id == rita
    assert view.can_quick_reply
    assert not inbox.thread(rita, inbox_of_me["inmail"]).can_quick_reply
    messaging.reply(me, inbox_of_me["inmail"], accept=True, now=at(30))
    assert not inbox.thread(me, inbox_of_me["inmail"]).can_quick_reply
    assert inbox.thread(me, inbox_of_me["inmail"]).inmail_status == "accepted"


def test_someone_elses_conversation_is_not_found(people, inbox_of_me):
    with pytest.raises(NotFound, match="There is no conversation"):
        inbox.thread(people["rita"], inbox_of_me["jane"])
    with pytest.raises(NotFound, match="There is no conversation 9999."):
        inbox.messages(people["me"], 9999)


def test_links_from_a_stranger_carry_the_warning_until_marked_safe(people):
    me = people["me"]
    conversation = send(people["rita"], "me", "See https://example.com/offer", 1, subject="Offer").conversation
    assert inbox.thread(me, conversation).link_warning
    moderation.mark_safe(me, conversation)
    assert not inbox.thread(me, conversation).link_warning


def test_links_from_someone_i_wrote_to_carry_no_warning(people):
    me = people["me"]
    send(me, "jane", "Can you send the link?", 1)
    conversation = send(people["jane"], "me", "Here: https://example.com/doc", 2).conversation
    assert not inbox.thread(me, conversation).link_warning


def test_links_in_spam_carry_no_banner(people):
    conversation = send(people["rita"], "me", "Click www.example.com", 1, subject="Hi").conversation
    moderation.apply(people["me"], "spam", [conversation])
    assert not inbox.thread(people["me"], conversation).link_warning


# --- messages -------------------------------------------------------------------


def test_messages_come_oldest_first_and_page_by_keyset(people):
    me, jane = people["me"], people["jane"]
    for n in range(10):
        send(jane if n % 2 else me, "jane" if n % 2 == 0 else "me", f"line {n}", n)
    conversation = inbox.page(me)[0].id
    everything = inbox.messages(me, conversation)
    assert [m.body for m in everything] == [f"line {n}" for n in range(10)]
    newest = inbox.messages(me, conversation, limit=4)
    assert [m.body for m in newest] == [f"line {n}" for n in range(6, 10)]
    earlier = inbox.messages(me, conversation, before_id=newest[0].id, limit=4)
    assert [m.body for m in earlier] == [f"line {n}" for n in range(2, 6)]
    later = inbox.messages(me, conversation, after_id=everything[2].id, limit=3)
    assert [m.body for m in later] == ["line 3", "line 4", "line 5"]
    assert inbox.message_count(me, conversation) == 10


def test_a_recalled_message_reads_as_deleted_for_both_sides(people):
    me, jane = people["me"], people["jane"]
    sent = send(jane, "me", "Secret plan", 1, attachments=[("plan.txt", b"x", "text/plain")])
    messaging.recall(jane, sent.message, now=at(5))
    for viewer in (me, jane):
        (message,) = inbox.messages(viewer, sent.conversation)
        assert message.recalled and message.body == "This message was deleted."
        assert message.attachments == ()


def test_messages_carry_their_attachments(people):
    sent = send(people["jane"], "me", "The deck", 1, attachments=[("deck.pdf", b"%PDF", "application/pdf")])
    (message,) = inbox.messages(people["me"], sent.conversation)
    (attachment,) = message.attachments
    assert (attachment.name, attachment.size, attachment.mime) == ("deck.pdf", 4, "application/pdf")


def test_seen_marks_my_last_message_the_other_side_has_read(people):
    me, jane = people["me"], people["jane"]
    first = send(me, "jane", "First", 1)
    second = send(me, "jane", "Second", 2)
    inbox.mark_read(jane, first.conversation, now=at(3))
    third = send(me, "jane", "Third, not read yet", 4)
    seen = {m.id: m.seen for m in inbox.messages(me, first.conversation)}
    assert seen == {first.message: False, second.message: True, third.message: False}
    # Jane sees no receipt on messages she did not send.
    assert not any(m.seen for m in inbox.messages(jane, first.conversation))


def test_no_seen_when_either_side_turned_read_receipts_off(people):
    me, jane = people["me"], people["jane"]
    sent = send(me, "jane", "Hello", 1)
    inbox.mark_read(jane, sent.conversation, now=at(2))
    members.update_setting(jane, "read-receipts", False)
    assert not any(m.seen for m in inbox.messages(me, sent.conversation))


def test_no_seen_for_inmail_or_groups(people):
    me, rita = people["me"], people["rita"]
    inmail = send(rita, "me", "About a role", 1, subject="Role")
    inbox.mark_read(me, inmail.conversation, now=at(2))
    assert not any(m.seen for m in inbox.messages(rita, inmail.conversation))
    group = send(me, ["jane", "omar"], "Lunch?", 3)
    inbox.mark_read(people["jane"], group.conversation, now=at(4))
    inbox.mark_read(people["omar"], group.conversation, now=at(4))
    assert not any(m.seen for m in inbox.messages(me, group.conversation))


def test_mark_read_clears_unread(people):
    me = people["me"]
    sent = send(people["jane"], "me", "One", 1)
    send(people["jane"], "me", "Two", 2)
    assert inbox.page(me)[0].unread == 2
    inbox.mark_read(me, sent.conversation)
    state = ConversationState.get((ConversationState.member == me) & (ConversationState.conversation == sent.conversation))
    last = Message.select().where(Message.conversation == sent.conversation).order_by(Message.id.desc()).first()
    assert (state.unread, state.has_unread, state.read_upto) == (0, False, last.id)
    assert inbox.counts(me)["unread"] == 0
