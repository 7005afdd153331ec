"""Every inbox filter, count and search reads through an index (issue 4).

Each call's statements are captured with SQLite's trace hook and run again under
EXPLAIN QUERY PLAN; a full scan of any table fails the test. The full-text index
(a virtual table, read through its own index) and small subquery results are not tables.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from app.core import inbox, members, messaging, moderation
from app.core.views import FILTERS
from app.store.sqlite import search as sqlite_search
from app.store.models import database

T0 = datetime(2026, 3, 2, 9, 0)

SEARCHES = [
    "roadmap",
    "road -slides",
    '"staff engineer"',
    "from:jane",
    "company:acme roadmap",
    "is:unread roadmap",
    "is:starred",
    "is:unread -lisbon",
    "in:archived",
    "in:spam riches",
    "has:attachment",
    "roadmap before:2026-04-01 after:2026-03-01",
    "after:2026-03-01",
]


@pytest.fixture
def backend():
    """Query plans are SQLite's; PostgreSQL's twin is checked by its own tests."""
    return "sqlite"


@pytest.fixture
def me(store):
    me = members.add_member("me", "Maya Chen", plan="premium-business", now=T0).id
    jane = members.add_member("jane", "Jane Smith", company="Acme", now=T0).id
    rita = members.add_member("rita", "Rita Okafor", plan="sales-navigator", now=T0).id
    members.connect("me", "jane", now=T0)
    for n in range(3):
        when = T0 + timedelta(minutes=n)
        messaging.send(jane, ["me"], f"The roadmap, part {n}", now=when)
    inmail = messaging.send(rita, ["me"], "A staff engineer role in Lisbon: https://example.com/job",
                            subject="Role", now=T0)
    moderation.apply(me, "archive", [inmail.conversation])
    return me


def full_scans(statements: list[str]) -> list[str]:
    """Plan lines that read a whole table, with the statement they belong to."""
    connection = database.obj.connection()
    tables = set(database.get_tables())
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        aliases = {alias: table for table, alias in re.findall(r'"?(\w+)"? AS "?(\w+)"?', sql)}
        for row in connection.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[-1]
            scanned = re.match(r"SCAN (\w+)", detail)
            if scanned and "VIRTUAL TABLE" not in detail:
                name = scanned.group(1)
                if aliases.get(name, name) in tables:
                    found.append(f"{detail}  <-  {sql}")
    return found


def plans_of(call) -> list[str]:
    statements: list[str] = []
    connection = database.obj.connection()
    connection.set_trace_callback(statements.append)
    try:
        call()
    finally:
        connection.set_trace_callback(None)
    assert statements, "nothing was run"
    return full_scans(statements)


@pytest.mark.parametrize("filter_name", FILTERS)
def test_every_filter_page_reads_an_index(me, filter_name):
    first = inbox.page(me, filter_name)
    assert plans_of(lambda: inbox.page(me, filter_name)) == []
    if first:
        assert plans_of(lambda: inbox.page(me, filter_name, after=first[0].cursor)) == []
        assert plans_of(lambda: inbox.page_before(me, filter_name, before=first[-1].cursor)) == []
    assert plans_of(lambda: inbox.last_page(me, filter_name)) == []


def test_counts_read_the_covering_index(me):
    assert plans_of(lambda: inbox.counts(me)) == []


def test_focused_inbox_off_still_reads_an_index(me):
    members.update_setting(me, "focused-inbox", False)
    assert plans_of(lambda: (inbox.page(me, "focused"), inbox.counts(me))) == []


@pytest.mark.parametrize("query", SEARCHES)
@pytest.mark.parametrize("plan", ["index-driven", "member-driven", "id windows"])
def test_every_search_reads_an_index(me, monkeypatch, query, plan):
    """A name found among a conversation's people lists its messages: sorted from the
    conversation index when few, else read by windows of message ids."""
    monkeypatch.setattr(inbox, "MEMBER_DRIVEN_SEARCH_MESSAGES", 10**9 if plan == "member-driven" else -1)
    monkeypatch.setattr(sqlite_search, "SORTED_MESSAGES", -1 if plan == "id windows" else 10**9)
    first = inbox.page(me, query=query)
    assert plans_of(lambda: inbox.page(me, query=query)) == []
    if first:
        assert plans_of(lambda: inbox.page(me, query=query, after=first[0].cursor)) == []
    assert plans_of(lambda: inbox.last_page(me, query=query)) == []


@pytest.mark.parametrize("lead", ["sent messages", "their conversations"])
def test_a_thread_its_messages_and_its_link_warning_read_indexes(me, monkeypatch, lead):
    monkeypatch.setattr(inbox, "WROTE_TO_FROM_SENT", 10**6 if lead == "sent messages" else 0)
    for conversation in (inbox.page(me)[0].id, inbox.page(me, "archived")[0].id):
        assert plans_of(lambda: (inbox.thread(me, conversation), inbox.messages(me, conversation))) == []
    assert inbox.thread(me, inbox.page(me, "archived")[0].id).link_warning


def test_a_send_to_a_stranger_counts_only_the_copies_of_its_text(me):
    """The bulk-outreach rule finds the sender's earlier copies of the text through the index of
    (sender, text, time): one probe, however much the sender wrote that day."""
    rita = members.member_by_handle("rita").id
    members.add_member("zoe", "Zoë Ἀθηνᾶ", now=T0)
    statements: list[str] = []
    connection = database.obj.connection()
    connection.set_trace_callback(statements.append)
    try:
        messaging.send(rita, ["zoe"], "Ένας ρόλος για σας 🙂", subject="Ρόλος", now=T0 + timedelta(hours=1))
    finally:
        connection.set_trace_callback(None)
    copies = [sql for sql in statements if "body_hash" in sql and sql.lstrip().upper().startswith("SELECT")]
    assert len(copies) == 1
    plan = " ".join(row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + copies[0]))
    assert "message_sender_id_body_hash_sent_at" in plan


def test_a_route_asks_whether_the_recipient_wrote_one_conversation_at_a_time(me):
    """Whether a stranger has written to the sender is read from the stranger's messages, each
    checked against the sender's view of its conversation; the sender's conversations (a
    support inbox has a million) are never listed first."""
    from app.core import routing

    rita = members.member_by_handle("rita").id
    statements: list[str] = []
    connection = database.obj.connection()
    connection.set_trace_callback(statements.append)
    try:
        assert routing.route(me, rita).route == "message"  # she wrote first: a reply is free
    finally:
        connection.set_trace_callback(None)
    wrote = [sql for sql in statements if '"kind" NOT IN' in sql and "conversation_state" in sql]
    assert len(wrote) == 1
    plan = [row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + wrote[0])]
    assert not any("LIST SUBQUERY" in line for line in plan), plan
    assert any("conversation_state_conversation_id_member_id" in line for line in plan), plan
