"""The demo store shows every state the spec names, the same way every time."""

from __future__ import annotations

import hashlib
import sys
from datetime import timedelta

import pytest
from peewee import fn

from app.cli import main
from app.demo.build import DEMO_NOW, build_demo
from app.store.db import open_store
from app.store.models import (
    Attachment,
    Block,
    Connection,
    Conversation,
    ConversationState,
    InMail,
    LedgerEntry,
    Member,
    Message,
    Report,
)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PARLEY_NOW", raising=False)
        build_demo(path)
    return path


@pytest.fixture
def demo(demo_path, clock):
    store = open_store(str(demo_path))
    yield
    store.close()


def member(handle: str) -> Member:
    return Member.get(Member.handle == handle)


def my_states():
    return ConversationState.select().where(ConversationState.member == member("me").id)


def conversation_with(handle: str) -> int:
    """The 1:1 conversation between "me" and ``handle``."""
    return (my_states().where(ConversationState.peer == member(handle).id).get()).conversation_id


def test_members_across_companies_with_me_on_premium_business(demo):
    people = Member.select().where(Member.kind == "person")
    assert people.count() >= 40
    assert len({m.company for m in people}) >= 10
    me = member("me")
    assert (me.name, me.plan, me.open_profile) == ("Maya Chen", "premium-business", True)
    assert all(m.headline and m.position and m.location for m in people)


def test_connection_graph_has_first_second_and_third_degree(demo):
    from app.core.members import degree, shared_connections

    me = member("me").id
    assert degree(me, member("tom-hartley").id) == "1st"
    assert degree(me, member("grace-kim").id) == "2nd"
    assert [m.handle for m in shared_connections(me, member("grace-kim").id)] == ["aisha-bello"]
    assert degree(me, member("farah-haddad").id) == "3rd+"
    assert Connection.select().count() >= 150


def test_sixty_conversations_read_and_unread(demo):
    assert my_states().count() >= 60
    assert my_states().where(ConversationState.unread > 0).count() >= 10
    assert my_states().where(ConversationState.unread == 0).count() >= 30


@pytest.mark.parametrize("direction", ["sent", "received"])
def test_inmail_in_every_state_both_ways(demo, direction):
    me = member("me").id
    side = InMail.sender if direction == "sent" else InMail.recipient
    statuses = {i.status for i in InMail.select().where(side == me)}
    assert {"pending", "accepted", "declined", "replied", "expired"} <= statuses


def test_an_inmail_past_its_reminder(demo):
    reminded = InMail.select().where(
        (InMail.recipient == member("me").id) & (InMail.status == "pending") & InMail.reminded_at.is_null(False)
    )
    assert reminded.count() >= 2
    assert all(i.reminded_at - i.sent_at >= timedelta(days=3) for i in reminded)
    fresh = InMail.get((InMail.sender == member("me").id) & (InMail.recipient == member("farah-haddad").id))
    assert (fresh.status, fresh.reminded_at) == ("pending", None)


def test_open_profile_messages_land_in_other(demo):
    other = my_states().join(Conversation).where(
        (Conversation.kind == "open_profile") & (ConversationState.folder == "other")
    )
    assert other.count() >= 5


def test_a_sponsored_message_from_a_company_in_other(demo):
    company = member("summit-cloud")
    assert company.kind == "company"
    mine = my_states().join(Conversation).where(Conversation.kind == "sponsored").get()
    assert mine.folder == "other" and mine.conversation.created_by_id == company.id
    tom = ConversationState.select().join(Conversation).where(
        (ConversationState.member == member("tom-hartley").id) & (Conversation.kind == "sponsored"))
    assert tom.count() == 0  # he turned sponsored messages off


def test_spam_caught_by_the_bulk_rule(demo):
    kyle = member("kyle-brandt")
    copies = Message.select().where(Message.sender == kyle.id)
    assert copies.count() >= 5 and len({m.body_hash for m in copies}) == 1
    state = my_states().where(ConversationState.peer == kyle.id).get()
    assert state.spam
    assert Report.select().where(Report.conversation == state.conversation_id).count() == 0


def test_a_reported_and_blocked_sender(demo):
    me, jordan = member("me"), member("jordan-blake")
    report = Report.get(Report.reporter == me.id)
    assert (report.reported_id, report.reason) == (jordan.id, "scam or fraud")
    assert Block.select().where((Block.blocker == me.id) & (Block.blocked == jordan.id)).exists()
    assert my_states().where(ConversationState.conversation == report.conversation_id).get().spam


@pytest.mark.parametrize("flag", ["archived", "muted", "starred"])
def test_archived_muted_and_starred(demo, flag):
    assert my_states().where(getattr(ConversationState, flag) == True).count() >= 2  # noqa: E712


def test_group_conversations(demo):
    groups = Conversation.select().where(Conversation.kind == "group")
    assert groups.count() >= 5
    sizes = [ConversationState.select().where(ConversationState.conversation == g.id).count() for g in groups]
    assert max(sizes) >= 5


def test_a_recalled_message(demo):
    from app.core.inbox import messages

    recalled = Message.get(Message.recalled_at.is_null(False))
    assert recalled.recalled_at - recalled.sent_at <= timedelta(minutes=60)
    shown = [m for m in messages(member("me").id, recalled.conversation_id) if m.id == recalled.id]
    assert shown[0].body == "This message was deleted."


def test_a_20000_character_message(demo):
    long = Message.select().where(fn.LENGTH(Message.body) == 20_000)
    assert long.count() == 1
    assert long.get().body.startswith("Lakehouse migration RFC")


def test_attachments_a_pdf_resume_and_a_text_agenda(demo):
    files = {a.name: a for a in Attachment.select()}
    resume = files["grace-kim-resume.pdf"]
    assert resume.mime == "application/pdf" and resume.data.startswith(b"%PDF-") and b"%%EOF" in resume.data
    assert resume.size == len(resume.data)
    agenda = files["platform-offsite-agenda.txt"]
    assert agenda.mime == "text/plain" and b"Data contracts" in bytes(agenda.data)


def test_a_link_from_a_stranger_shows_the_warning(demo):
    from app.core.inbox import thread

    me = member("me").id
    assert thread(me, conversation_with("tyler-moss")).link_warning
    assert not thread(me, conversation_with("tom-hartley")).link_warning


def test_ledger_has_grants_spends_refunds_expiries_and_trims(demo):
    from app.core.credits import balance

    me = member("me").id
    kinds = {e.kind for e in LedgerEntry.select().where(LedgerEntry.member == me)}
    assert {"grant", "spend", "refund", "expire", "cap-trim"} <= kinds
    assert LedgerEntry.select().where(
        (LedgerEntry.member == member("sam-oconnell").id) & (LedgerEntry.kind == "forfeit")).exists()
    for m in Member.select():
        total = LedgerEntry.select(fn.SUM(LedgerEntry.amount)).where(LedgerEntry.member == m.id).scalar() or 0
        assert balance(m.id) == total >= 0


def test_the_timeline_ends_at_the_fixed_now(demo):
    latest = Message.select(fn.MAX(Message.sent_at)).scalar()
    assert DEMO_NOW - timedelta(days=2) < latest <= DEMO_NOW


def _fingerprint(path) -> str:
    store = open_store(str(path))
    try:
        digest = hashlib.sha256()
        for m in Message.select().order_by(Message.id):
            digest.update(f"{m.id}|{m.sender_id}|{m.sent_at}|{m.body}|{m.recalled_at}".encode())
        for s in ConversationState.select().order_by(ConversationState.id):
            digest.update(f"{s.member_id}|{s.folder}|{s.unread}|{s.box}|{s.starred}|{s.muted}".encode())
        for e in LedgerEntry.select().order_by(LedgerEntry.id):
            digest.update(f"{e.member_id}|{e.at}|{e.kind}|{e.amount}".encode())
        return digest.hexdigest()
    finally:
        store.close()


def test_parley_demo_builds_the_same_store_once_then_opens_it(demo_path, tmp_path, clock, monkeypatch, capsys):
    from app.cli import launch

    target = str(tmp_path / "demo.db")
    monkeypatch.setenv("PARLEY_NO_TUI", "1")
    assert main(["demo", "--db", target]) == 0
    out, err = capsys.readouterr()
    assert f"Building the demo store at {target}" in err
    assert f"The demo store is at {target}." in out and f"parley --db {target} inbox" in out
    assert _fingerprint(target) == _fingerprint(demo_path)  # the clock is the demo's fixed now
    opened = []
    monkeypatch.delenv("PARLEY_NO_TUI")
    monkeypatch.setattr(launch, "_run_app", lambda target, acting: opened.append((target, acting)) or 0)
    assert main(["demo", "--db", target]) == 0
    assert f"Opening the demo store at {target}" in capsys.readouterr().err
    assert opened == [(target, "me")]
    monkeypatch.setitem(sys.modules, "app.ui.app", None)  # the screens are not installed
    assert main(["demo", "--db", target]) == 0
    assert f"The demo store is at {target}." in capsys.readouterr().out
    assert opened == [(target, "me")]
    assert main(["--db", target, "inbox", "--filter", "inmail"]) == 0
    assert "Rachel Stein" in capsys.readouterr().out
