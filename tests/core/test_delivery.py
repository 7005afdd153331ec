"""The delivery rules (SPEC §2, §3, §5): where a message lands, its preview, unread and InMail status.

The rules are pure functions in core.delivery; sending, the LinkedIn import and the
benchmark builder all follow them. The last tests replay conversations the benchmark
builder wrote, by sending and by importing them, and find each one in the same box and
folder, with the same preview, unread count and InMail status.
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from app.bench import data as bench_data
from app.core import credits, delivery, inbox, messaging
from app.core.members import add_member, connect, update_setting
from app.core.plans import LIMITS
from app.interchange.linkedin.linkedin import import_linkedin
from app.interchange.linkedin.people import SPONSORED_TITLE
from app.store.db import open_store
from app.store.models import BOX_ARCHIVED, BOX_DELETED, BOX_INBOX, BOX_SPAM, Conversation

SENT = datetime(2026, 1, 5, 9, 30)


# ---- where a message lands -------------------------------------------------------------------


def test_messages_and_inmail_land_in_focused():
    assert delivery.folder_for("message") == delivery.folder_for("inmail") == "focused"


def test_open_profile_and_sponsored_messages_land_in_other():
    assert delivery.folder_for("open-profile") == delivery.folder_for("sponsored") == "other"


def test_an_open_profile_conversation_comes_to_focused_once_its_recipient_has_written():
    assert delivery.route_of_arrival("open_profile", answered=False) == "open-profile"
    assert delivery.route_of_arrival("open_profile", answered=True) == "message"
    assert delivery.route_of_arrival("sponsored", answered=True) == "sponsored"


def test_a_new_message_is_unread_once_more_and_back_from_archive_and_delete():
    archived = delivery.View(unread=0, archived=True, deleted=True)
    arrived = delivery.arrive(archived, "message")
    assert (arrived.unread, arrived.has_unread, arrived.archived, arrived.deleted) == (1, True, False, False)
    assert arrived.box == BOX_INBOX


def test_spam_stays_spam_when_more_arrives():
    arrived = delivery.arrive(delivery.View(spam=True), "message")
    assert arrived.spam and arrived.box == BOX_SPAM


def test_a_group_message_keeps_each_members_folder():
    assert delivery.arrive(delivery.View(folder="other"), None).folder == "other"


def test_deleted_goes_before_spam_and_spam_before_archived():
    assert delivery.View(deleted=True, spam=True, archived=True).box == BOX_DELETED
    assert delivery.View(spam=True, archived=True).box == BOX_SPAM
    assert delivery.View(archived=True).box == BOX_ARCHIVED


# ---- previews ----------------------------------------------------------------------------------


def test_an_inmail_preview_names_its_sender():
    shown = delivery.shown_preview("", "Hi Sam,\n\nA role?", "inmail", False, "Jane Smith")
    assert shown == "InMail from Jane Smith: Hi Sam, A role?"


def test_your_own_inmail_shows_as_yours():
    assert delivery.shown_preview("", "Hi", "inmail", False, "Sam", from_viewer=True) == "Your InMail: Hi"


def test_a_recalled_message_shows_it_was_deleted():
    assert delivery.shown_preview("", "Oops", "message", True, "Sam") == "This message was deleted."


def test_a_long_preview_is_one_line_cut_with_an_ellipsis():
    shown = delivery.shown_preview("", "word\n" * 100, "message", False, "Sam")
    assert "\n" not in shown and len(shown) == LIMITS.preview_shown and shown.endswith("…")
    assert len(delivery.preview_of("word " * 100)) == LIMITS.preview_stored


# ---- InMail over time --------------------------------------------------------------------------


def test_inmail_is_pending_until_a_response():
    assert delivery.inmail_status(SENT, None, SENT + timedelta(days=89)) == "pending"
    assert delivery.inmail_status(SENT, SENT + timedelta(days=2), SENT + timedelta(days=200), "accepted") == "accepted"


def test_inmail_without_a_response_expires_after_90_days_to_the_second():
    assert delivery.inmail_status(SENT, None, SENT + LIMITS.inmail_expiry - timedelta(seconds=1)) == "pending"
    assert delivery.inmail_status(SENT, None, SENT + LIMITS.inmail_expiry) == "expired"


def test_the_reminder_goes_out_after_3_days_only_while_pending():
    due = SENT + LIMITS.reminder_after
    assert delivery.reminded_at(SENT, None, due - timedelta(seconds=1)) is None
    assert delivery.reminded_at(SENT, None, due) == due
    assert delivery.reminded_at(SENT, SENT + timedelta(days=1), SENT + timedelta(days=30)) is None
    assert delivery.reminded_at(SENT, SENT + timedelta(days=4), SENT + timedelta(days=30)) == due


def test_the_reminder_counts_as_unread_again():
    assert delivery.unread_after(1, reminded=True) == 2
    assert delivery.unread_after(0) == 0


def test_settling_expires_and_reminds_an_inmail_when_the_rules_say(store):
    maya = add_member("maya", "Maya Chen", plan="premium-career", now=SENT - timedelta(days=1))
    ben = add_member("ben", "Ben Okafor", now=SENT - timedelta(days=1))
    sent = messaging.send(maya.id, ["ben"], "Would you talk?", subject="A role", now=SENT)
    for days in (3, 90):
        at = SENT + timedelta(days=days)
        credits.settle(at)
        row = inbox.rows_for(ben.id, [sent.conversation])[0]
        assert row.inmail_status == delivery.inmail_status(SENT, None, at)
        assert row.reminder == (row.inmail_status == "pending" and delivery.reminded_at(SENT, None, at) is not None)


# ---- the three writers agree ----------------------------------------------------------------------

BENCH_NOW = datetime(2026, 3, 2, 9, 0)  # the fixed clock of the store fixture


@dataclass(frozen=True)
class Written:
    """A conversation the benchmark builder wrote, as the acting member sees it."""

    kind: str
    messages: tuple[tuple[str, str, str, datetime, str], ...]  # sender handle, name, body, sent at, subject
    me: str
    me_name: str
    seen: tuple


def seen_by(member_id: int, conversation_id: int) -> tuple:
    """What the member notices of a conversation: its folder, box, preview, unread count, InMail status."""
    row = inbox.rows_for(member_id, [conversation_id])[0]
    state = inbox.member_state(member_id, conversation_id)
    return (row.folder, state.box, Conversation.get_by_id(conversation_id).preview, row.preview, row.unread,
            row.inmail_status, row.reminder)


def _bench_conversations(path: str) -> list[Written]:
    """One conversation of each kind the rules treat differently, read and unread, in the inbox."""
    db = sqlite3.connect(path)
    me_id, me, me_name = db.execute("SELECT id, handle, name FROM member WHERE handle = 'me'").fetchone()
    picked: dict[tuple[str, bool], int] = {}
    for conversation_id, kind, unread in db.execute(
        "SELECT c.id, c.kind, s.unread FROM conversation c JOIN conversation_state s ON s.conversation_id = c.id "
        "AND s.member_id = ? WHERE s.box = 0 AND c.message_count <= 20 AND c.kind != 'group' "
        "AND (c.kind != 'direct' OR s.connected) AND (c.kind NOT IN ('inmail', 'open_profile') OR "
        "(c.message_count = 1 AND c.created_by_id != ?)) AND NOT EXISTS (SELECT 1 FROM message m "
        "WHERE m.conversation_id = c.id AND (m.recalled_at IS NOT NULL OR m.sender_id IS NULL)) ORDER BY c.id",
        (me_id, me_id),
    ):
        picked.setdefault((kind, unread > 0), conversation_id)
    bench_store = open_store(path)
    try:
        written = []
        for conversation_id in picked.values():
            messages = db.execute(
                "SELECT s.handle, s.name, m.body, m.sent_at, m.subject FROM message m "
                "JOIN member s ON s.id = m.sender_id WHERE m.conversation_id = ? ORDER BY m.id", (conversation_id,),
            ).fetchall()
            kind = db.execute("SELECT kind FROM conversation WHERE id = ?", (conversation_id,)).fetchone()[0]
            written.append(Written(
                kind, tuple((h, n, b, datetime.fromisoformat(t), s) for h, n, b, t, s in messages), me, me_name,
                seen_by(me_id, conversation_id),
            ))
        return written
    finally:
        bench_store.close()
        db.close()


CASES = {
    "a read Open Profile message": ("open_profile", False),
    "an unread InMail": ("inmail", True),
    "a read InMail": ("inmail", False),
    "a read sponsored message": ("sponsored", False),
    "an unread conversation with a connection": ("direct", True),
    "a read conversation with a connection": ("direct", False),
}
BENCH_MESSAGES = 5_000  # enough conversations for every case, with the builder's fixed seed


@pytest.fixture(scope="module")
def bench_written(tmp_path_factory) -> dict[tuple[str, bool], Written]:
    path = str(tmp_path_factory.mktemp("bench") / "bench.db")
    bench_data.build(path, BENCH_MESSAGES, now=BENCH_NOW)
    return {(w.kind, w.seen[4] > 0): w for w in _bench_conversations(path)}


def _members_for(written: Written):
    """The two sides in a fresh store, related as the route of the conversation's kind needs."""
    start = written.messages[0][3] - timedelta(days=1)
    other_handle, other_name = next((h, n) for h, n, *_ in written.messages if h != written.me)
    company = written.kind == "sponsored"
    me = add_member(written.me, written.me_name, plan="sales-navigator", open_profile=written.kind == "open_profile",
                    profile_url=f"https://www.linkedin.com/in/{written.me}", now=start)
    other = add_member(other_handle, other_name, plan="basic" if company or written.kind == "direct" else "premium-career",
                       kind="company" if company else "person",
                       profile_url="" if company else f"https://www.linkedin.com/in/{other_handle}", now=start)
    if written.kind == "direct":
        connect(written.me, other_handle, now=start)
    if written.kind == "inmail":
        update_setting(me.id, "allow-open-profile", False)
    return me, other


def _send(written: Written, me, other) -> int:
    """Every message of the conversation sent again, at its time; the member reads before writing."""
    conversation = None
    for handle, _name, body, at, subject in written.messages:
        sender = me if handle == written.me else other
        if conversation is None and written.kind == "sponsored":
            messaging.send_sponsored(other.id, body, now=at)
            conversation = Conversation.select().order_by(Conversation.id.desc()).get().id
        elif conversation is None:
            to = other if sender is me else me
            conversation = messaging.send(sender.id, [to.handle], body, subject=subject or None, now=at).conversation
        else:
            if sender is me:
                inbox.mark_read(me.id, conversation, now=at)
            messaging.reply(sender.id, conversation, body, now=at)
    credits.settle(BENCH_NOW)
    return conversation


def _import(written: Written, folder) -> int:
    """The conversation as rows of a LinkedIn export of the acting member."""
    path = folder / "messages.csv"
    key = f"parley-900-{written.kind.replace('_', '-')}"
    with open(path, "w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                       "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT",
                       "IS CONVERSATION DRAFT"])
        people = {h: n for h, n, *_ in written.messages}
        for handle, name, body, at, subject in written.messages:
            other = next(h for h in people if h != handle) if len(people) > 1 else written.me
            url = "" if written.kind == "sponsored" else f"https://www.linkedin.com/in/{handle}"
            title = SPONSORED_TITLE if written.kind == "sponsored" else subject
            rows.writerow([key, title, name, url, people.get(other, written.me_name),
                           f"https://www.linkedin.com/in/{other}", f"{at:%Y-%m-%d %H:%M:%S} UTC", subject, body,
                           "INBOX", "No", "No"])
    import_linkedin(path, now=BENCH_NOW)
    return Conversation.get(Conversation.external_id == "li:" + key).id


@pytest.mark.parametrize("case", CASES)
def test_sending_and_the_benchmark_builder_file_a_conversation_alike(store, bench_written, case):
    written = bench_written[CASES[case]]
    me, other = _members_for(written)
    conversation = _send(written, me, other)
    if written.seen[4] == 0:
        inbox.mark_read(me.id, conversation, now=BENCH_NOW)
    assert seen_by(me.id, conversation) == written.seen


@pytest.mark.parametrize("case", CASES)
def test_sending_and_importing_file_a_conversation_alike(store, bench_written, case, tmp_path):
    """An export holds no read state: its owner has read all of it, as after opening a sent one."""
    written = bench_written[CASES[case]]
    me, other = _members_for(written)
    sent = _send(written, me, other)
    inbox.mark_read(me.id, sent, now=BENCH_NOW)
    imported = _import(written, tmp_path)
    assert seen_by(me.id, imported) == seen_by(me.id, sent)


# ---- group titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer, shown", [
    ("Ben Okafor, MBA", "Kim Vo, CPA (Inactive), Κλειώ Παπαδάκη"),
    ("Kim Vo, CPA (Inactive)", "Ben Okafor, MBA, Κλειώ Παπαδάκη"),
    ("Κλειώ Παπαδάκη", "Ben Okafor, MBA, Kim Vo, CPA (Inactive)"),
])
def test_a_groups_title_leaves_out_the_viewers_whole_name_even_with_commas_in_names(viewer, shown):
    title = delivery.group_title(["Ben Okafor, MBA", "Kim Vo, CPA (Inactive)", "Κλειώ Παπαδάκη"])
    assert delivery.title_without(title, viewer) == shown


def test_a_group_with_a_name_that_begins_another_leaves_out_the_right_one():
    title = delivery.group_title(["Ben Okafor", "Ben Okafor, MBA", "Kim Vo"])
    assert delivery.title_without(title, "Ben Okafor") == "Ben Okafor, MBA, Kim Vo"
    assert delivery.title_without(title, "Ben Okafor, MBA") == "Ben Okafor, Kim Vo"
