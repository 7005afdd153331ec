"""Shared inboxes: delegates work in a member's inbox as that member, assign its conversations,
leave internal notes for each other, and every action is recorded with its author."""

from __future__ import annotations

import io
import json
import time
from datetime import datetime, timedelta

import pytest

from app.core import credits, inbox, members, messaging, moderation, routing, team
from app.core.errors import BadInput, Refused
from app.core.watch import Watch
from app.interchange.export import export
from app.store.models import InMail

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def desk(store):
    """Acme Support (Premium, so it holds InMail credits) with two delegates, Omar and Λένα;
    Ana writes to Acme, Ben (Premium) has sent it an InMail; Eve works elsewhere."""
    people = {
        "acme": members.add_member("acme", "Acme Support", plan="premium-business", now=T0).id,
        "omar": members.add_member("omar", "Omar Haddad", now=T0).id,
        "lena": members.add_member("lena", "Λένα Παπαδοπούλου", now=T0).id,
        "ana": members.add_member("ana", "Ana Lima, PhD", now=T0).id,
        "ben": members.add_member("ben", "Ben Okafor", plan="premium-business", now=T0).id,
        "eve": members.add_member("eve", "Eve Стрелкова", now=T0).id,
    }
    members.connect("ana", "acme", now=T0)
    team.add_delegate(people["acme"], "acme", "omar", now=T0)
    team.add_delegate(people["acme"], "acme", "lena", now=T0)
    people["ana_thread"] = messaging.send(people["ana"], ["acme"], "Hola, necesito ayuda 🙏", now=T0).conversation
    people["ben_thread"] = messaging.send(people["ben"], ["acme"], "Партнёрство?", subject="Partnership 🤝",
                                          now=T0).conversation
    return people


def bodies(member_id: int, conversation_id: int) -> list[str]:
    return [m.body for m in inbox.messages(member_id, conversation_id)]


def test_a_delegates_send_spends_the_inboxs_credits_and_reaches_the_recipient_from_the_inbox(desk):
    acme_before, omar_before = credits.balance(desk["acme"]), credits.balance(desk["omar"])
    result = messaging.send(desk["acme"], ["eve"], "Bonjour Eve, un rôle pour vous ?", subject="Un rôle",
                            now=T0 + timedelta(hours=1), author_id=desk["omar"])
    assert result.route == "inmail"
    assert credits.balance(desk["acme"]) == acme_before - 1
    assert credits.balance(desk["omar"]) == omar_before  # the delegate's own credits are untouched
    received = inbox.messages(desk["eve"], result.conversation)
    assert [(m.sender_handle, m.author_name) for m in received] == [("acme", None)]
    assert inbox.page(desk["eve"])[0].title == "Acme Support"
    sent = inbox.messages(desk["acme"], result.conversation)
    assert [(m.sender_handle, m.author_name) for m in sent] == [("acme", "Omar Haddad")]


def test_the_other_party_never_learns_which_teammate_wrote(desk):
    messaging.reply(desk["acme"], desk["ana_thread"], "Claro, Ana", now=T0 + timedelta(minutes=5),
                    author_id=desk["lena"])
    buffer = io.StringIO()
    export(desk["ana"], "json", buffer)
    assert "Λένα" not in buffer.getvalue() and "lena" not in buffer.getvalue()
    assert [m.author_name for m in inbox.messages(desk["ana"], desk["ana_thread"])] == [None, None]
    assert [m.author_name for m in inbox.messages(desk["acme"], desk["ana_thread"])] == [None, "Λένα Παπαδοπούλου"]


def test_a_note_never_reaches_the_other_party_nor_answers_an_inmail(desk):
    ben_before = credits.balance(desk["ben"])
    team.note(desk["acme"], desk["omar"], desk["ben_thread"], "Ben wants a discount — ask Λένα", now=T0)
    # The team sees it, by its author, between the messages.
    shown = inbox.messages(desk["acme"], desk["ben_thread"])
    assert [(m.kind, m.author_name) for m in shown] == [("inmail", None), ("note", "Omar Haddad")]
    # The other party: not in the thread, the list's preview, a search or the export.
    assert bodies(desk["ben"], desk["ben_thread"]) == ["Партнёрство?"]
    assert "discount" not in inbox.page(desk["ben"])[0].preview
    assert inbox.page(desk["ben"], query="discount") == []
    buffer = io.StringIO()
    export(desk["ben"], "json", buffer)
    assert "discount" not in buffer.getvalue()
    # It answered nothing: the InMail still waits and Ben was refunded nothing.
    assert InMail.get(InMail.conversation == desk["ben_thread"]).status == "pending"
    assert credits.balance(desk["ben"]) == ben_before
    assert not routing.Pair(members.member_by_handle("ben"), members.member_by_handle("acme")).answered
    # A reply does answer it.
    messaging.reply(desk["acme"], desk["ben_thread"], "Let's talk", now=T0 + timedelta(hours=2),
                    author_id=desk["lena"])
    assert InMail.get(InMail.conversation == desk["ben_thread"]).status != "pending"


def test_a_note_leaves_the_lists_order_and_preview_as_they_were(desk):
    before = [(row.id, row.preview) for row in inbox.page(desk["acme"])]
    team.note(desk["acme"], desk["lena"], desk["ana_thread"], "Ana → VIP", now=T0 + timedelta(days=1))
    assert [(row.id, row.preview) for row in inbox.page(desk["acme"])] == before


def test_the_team_finds_a_note_by_its_words_and_nobody_else_does(desk):
    team.note(desk["acme"], desk["omar"], desk["ana_thread"], "Zahlungsproblem gelöst", now=T0)
    assert [row.id for row in inbox.page(desk["acme"], query="Zahlungsproblem")] == [desk["ana_thread"]]
    assert inbox.page(desk["ana"], query="Zahlungsproblem") == []


def test_a_non_delegate_cannot_work_in_see_or_assign_in_the_inbox(desk):
    with pytest.raises(Refused, match="You can't work in this inbox."):
        team.inbox_for(desk["eve"], "acme")
    # An inbox that does not exist is refused in the same words: asking tells nothing.
    with pytest.raises(Refused, match="You can't work in this inbox."):
        team.inbox_for(desk["eve"], "no-such-inbox")
    with pytest.raises(Refused, match="You can't work in this inbox."):
        team.audit(desk["acme"], desk["eve"])
    with pytest.raises(Refused, match="You can't work in this inbox."):
        moderation.apply(desk["acme"], "archive", [desk["ana_thread"]], author_id=desk["eve"])
    with pytest.raises(Refused, match="You can't work in this inbox."):
        messaging.reply(desk["acme"], desk["ana_thread"], "hi", author_id=desk["eve"])
    # Nothing of what was refused was written.
    assert not inbox.member_state(desk["acme"], desk["ana_thread"]).archived
    assert bodies(desk["acme"], desk["ana_thread"]) == ["Hola, necesito ayuda 🙏"]


def test_removing_a_delegate_ends_their_access_at_once(desk):
    team.assign(desk["acme"], desk["omar"], desk["ana_thread"], "lena", now=T0)
    team.remove_delegate(desk["acme"], "acme", "lena", now=T0)
    assert not team.may_work_in(desk["lena"], desk["acme"])
    with pytest.raises(Refused, match="You can't work in this inbox."):
        team.note(desk["acme"], desk["lena"], desk["ana_thread"], "one more thing")
    with pytest.raises(Refused, match="You can't work in this inbox."):
        moderation.apply(desk["acme"], "star", [desk["ana_thread"]], author_id=desk["lena"])
    # What was hers is nobody's now.
    assert inbox.page(desk["acme"], "unassigned")[-1].assignee == ""


def test_only_the_inbox_member_adds_or_removes_delegates(desk):
    with pytest.raises(Refused, match="Only Acme Support can add or remove the delegates"):
        team.add_delegate(desk["omar"], "acme", "eve")
    with pytest.raises(Refused, match="Only Acme Support can add or remove the delegates"):
        team.remove_delegate(desk["omar"], "acme", "lena")
    with pytest.raises(BadInput, match="already works in this inbox"):
        team.add_delegate(desk["acme"], "acme", "omar")
    assert [d.handle for d in team.delegates(desk["acme"], desk["omar"])] == ["omar", "lena"]
    assert [i.handle for i in team.inboxes_for(desk["lena"])] == ["lena", "acme"]


def test_assignment_fills_mine_and_empties_unassigned(desk):
    counts = inbox.counts(desk["acme"], desk["lena"])
    assert (counts["mine"], counts["unassigned"], counts["all"]) == (0, 2, 2)
    team.assign(desk["acme"], desk["omar"], desk["ana_thread"], "lena", now=T0)
    mine = inbox.counts(desk["acme"], desk["lena"])
    assert (mine["mine"], mine["unassigned"]) == (1, 1)
    assert (mine.unread_by_filter["mine"], mine.unread_by_filter["unassigned"]) == (1, 1)
    assert inbox.counts(desk["acme"], desk["omar"])["mine"] == 0
    assert [row.id for row in inbox.page(desk["acme"], "mine", author_id=desk["lena"])] == [desk["ana_thread"]]
    assert [row.id for row in inbox.page(desk["acme"], "unassigned")] == [desk["ben_thread"]]
    assert inbox.page(desk["acme"], "mine", author_id=desk["lena"])[0].assignee == "Λένα"
    with pytest.raises(Refused, match="Eve Стрелкова doesn't work in this inbox"):
        team.assign(desk["acme"], desk["omar"], desk["ana_thread"], "eve")
    team.assign(desk["acme"], desk["omar"], desk["ana_thread"], None, now=T0)
    assert inbox.counts(desk["acme"], desk["lena"])["mine"] == 0


def test_the_audit_lists_every_action_with_its_author(desk):
    at = T0 + timedelta(hours=1)
    acme, omar, lena, ana_thread = desk["acme"], desk["omar"], desk["lena"], desk["ana_thread"]
    inbox.mark_read(acme, ana_thread, at, author_id=omar)
    team.assign(acme, omar, ana_thread, "lena", now=at)
    team.note(acme, lena, ana_thread, "On it", now=at)
    messaging.reply(acme, ana_thread, "¡Hola Ana!", now=at, author_id=lena)
    messaging.send(acme, ["ana"], "Une autre question ?", now=at, author_id=omar)
    token = moderation.apply(acme, "archive", [ana_thread], at, author_id=lena)
    moderation.undo(acme, token, at, author_id=omar)
    moderation.apply(acme, "star", [ana_thread], at, author_id=omar)
    moderation.apply(acme, "mute", [ana_thread], at)  # the inbox member, at their own keyboard
    moderation.report(acme, desk["ben_thread"], "spam", at, author_id=lena)
    written = messaging.send(acme, ["ana"], "Oops, wrong customer", now=at, author_id=lena)
    messaging.recall(acme, written.message, at, author_id=omar)
    logged = [(e.author_handle, e.action, e.conversation, e.detail)
              for e in team.audit(acme, lena, since=at)]
    assert logged == [
        ("omar", "read", ana_thread, ""),
        ("omar", "assign", ana_thread, "lena"),
        ("lena", "note", ana_thread, ""),
        ("lena", "reply", ana_thread, ""),
        ("omar", "send", ana_thread, ""),
        ("lena", "archive", ana_thread, ""),
        ("omar", "undo", ana_thread, "archive"),
        ("omar", "star", ana_thread, ""),
        ("acme", "mute", ana_thread, ""),
        ("lena", "report", desk["ben_thread"], "spam"),
        ("lena", "send", ana_thread, ""),
        ("omar", "recall", ana_thread, str(written.message)),
    ]
    assert [e.action for e in team.audit(acme, omar, conversation_id=desk["ben_thread"])] == ["report"]


def test_an_inbox_nobody_shares_keeps_no_audit(store):
    solo = members.add_member("solo", "Solo Σόλο", now=T0).id
    members.add_member("friend", "Friend", now=T0)
    members.connect("solo", "friend", now=T0)
    conversation = messaging.send(solo, ["friend"], "hi", now=T0).conversation
    moderation.apply(solo, "star", [conversation], T0)
    assert team.audit(solo, solo) == []


def test_watch_tells_the_assignee_when_a_conversation_is_assigned_to_them(desk):
    watching = Watch(desk["acme"], desk["lena"])
    try:
        team.assign(desk["acme"], desk["omar"], desk["ana_thread"], "lena", now=T0)
        events: list = []
        deadline = time.monotonic() + 3
        while not events and time.monotonic() < deadline:  # PostgreSQL tells its listeners a moment later
            events = watching.poll()
            time.sleep(0.05)
    finally:
        watching.close()
    assert [(e.event, e.conversation) for e in events] == [("assign", desk["ana_thread"])]


def test_a_delegates_watch_ends_when_their_access_does(desk):
    watching = Watch(desk["acme"], desk["lena"])
    try:
        watching.poll()
        team.remove_delegate(desk["acme"], "acme", "lena", now=T0)
        with pytest.raises(Refused, match="You can't work in this inbox."):
            watching.poll()
    finally:
        watching.close()


def test_a_teammates_note_shows_in_show_json_with_its_author(desk, capsys, store_target):
    from app.cli import main

    team.note(desk["acme"], desk["omar"], desk["ana_thread"], "Escalate to billing 💳", now=T0)
    assert main(["--db", store_target, "--as", "lena", "--inbox", "acme", "show", str(desk["ana_thread"]),
                 "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["messages"]
    assert [(m["kind"], m.get("author")) for m in shown] == [("message", None), ("note", "omar")]
    assert main(["--db", store_target, "--as", "ana", "show", str(desk["ana_thread"]), "--json"]) == 0
    assert [m["kind"] for m in json.loads(capsys.readouterr().out)["messages"]] == ["message"]
