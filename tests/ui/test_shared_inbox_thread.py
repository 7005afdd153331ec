"""A shared inbox's thread: internal notes, who wrote a message, writing a note, and who did what."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import DataTable, Static

from app.core import members, messaging, moderation, team
from app.store.models import Message
from app.ui.app import ActionsProvider
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.team_thread import NOTHING_RECORDED, AuditScreen, NoteDialog
from app.ui.mailbox import Mailbox
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.message_view import MessageView

BOTH_BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)

NOTE_BODY = "Ana is a VIP — Λένα please take it 🙏"
WRITTEN_BY_LENA = "Hi Ana, I'm on it: 我们会处理"


@pytest.fixture
def acme(store, clock):
    """Acme Support's inbox, worked by Omar and Λένα; Ana, a customer, wrote to it.

    Omar assigned the conversation to Λένα and left a note; Λένα answered for the inbox.
    """
    clock("2026-03-02T08:00:00Z")
    people = {
        "acme": members.add_member("acme", "Acme Support"),
        "omar": members.add_member("omar", "Omar Haddad"),
        "lena": members.add_member("lena", "Λένα Vogel"),
        "ana": members.add_member("ana", "Ana Lima, MBA"),
    }
    members.connect("ana", "acme")
    team.add_delegate(people["acme"].id, "acme", "omar")
    team.add_delegate(people["acme"].id, "acme", "lena")
    clock("2026-03-02T08:10:00Z")
    conversation = messaging.send(people["ana"].id, ["acme"], "Hola, necesito ayuda con mi pedido").conversation
    clock("2026-03-02T08:20:00Z")
    team.assign(people["acme"].id, people["omar"].id, conversation, "lena")
    clock("2026-03-02T08:21:00Z")
    team.note(people["acme"].id, people["omar"].id, conversation, NOTE_BODY)
    clock("2026-03-02T08:30:00Z")
    messaging.reply(people["acme"].id, conversation, WRITTEN_BY_LENA, author_id=people["lena"].id)
    clock("2026-03-02T09:00:00Z")
    return {**people, "conversation": conversation}


def working_as(drive, inbox, author):
    """The app in ``inbox``, with ``author`` at the keyboard."""
    app = drive.app(inbox)
    app.mailbox = Mailbox(inbox, author=author)
    return app


async def open_thread(pilot, drive, conversation: int) -> ThreadScreen:
    await drive.settle(pilot)
    app = pilot.app
    app.open_conversation(conversation)
    await drive.settle(pilot)
    assert isinstance(app.screen, ThreadScreen)
    return app.screen


def write_elsewhere(fn) -> None:
    """A teammate's write, on a thread (and so a connection) of its own."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    writer = threading.Thread(target=run)
    writer.start()
    writer.join()
    assert not failures, failures


def lines(app) -> list[str]:
    return app.screen.query_one(MessageView).lines_text()


def audit_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#audit-rows", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


@BOTH_BACKENDS
async def test_a_note_shows_in_the_teams_thread_between_the_messages(acme, drive):
    async with drive.app(acme["acme"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        shown = lines(pilot.app)
        heading = next(i for i, line in enumerate(shown) if line.startswith("┃ Internal note · Omar Haddad"))
        assert shown[heading + 1] == "┃ " + NOTE_BODY
        customer = next(i for i, line in enumerate(shown) if line.startswith("Ana Lima, MBA"))
        answer = next(i for i, line in enumerate(shown) if line.startswith("You · written by Λένα Vogel"))
        assert customer < heading < answer


@BOTH_BACKENDS
async def test_a_note_and_its_writer_never_reach_the_other_party(acme, drive):
    async with drive.app(acme["ana"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        shown = "\n".join(lines(pilot.app))
        assert WRITTEN_BY_LENA in shown and "Acme Support" in shown
        for hidden in ("Internal note", NOTE_BODY, "written by", "Λένα", "Omar"):
            assert hidden not in shown


@BOTH_BACKENDS
async def test_a_delegate_reads_the_inboxs_answer_under_its_name_with_who_wrote_it(acme, drive):
    async with working_as(drive, acme["acme"], acme["omar"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        shown = lines(pilot.app)
        assert any(line.startswith("Acme Support · written by Λένα Vogel") for line in shown)
        assert not any(line.startswith("You") for line in shown)


@BOTH_BACKENDS
async def test_writing_a_note_from_the_thread_stores_it_for_the_team_alone(acme, drive):
    body = "Κλήση αύριο, 10:00 電話します"
    async with working_as(drive, acme["acme"], acme["omar"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        await drive.press(pilot, "T")
        dialog = pilot.app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one("#dialog").border_title == "Internal note — only your team sees it"
        await pilot.press(*body)
        await drive.press(pilot, "enter")
        assert isinstance(pilot.app.screen, ThreadScreen)
        assert "Note saved: only your team sees it." in drive.notices(pilot.app)
        await drive.until(pilot, lambda: "┃ " + body in lines(pilot.app))
        await drive.press(pilot, "H")
        assert audit_rows(pilot.app)[-1][1:] == ["Omar Haddad", "note", ""]
    stored = Message.get(Message.body == body)
    assert (stored.kind, stored.author_id) == ("note", acme["omar"].id)
    ana_sees = messaging_bodies(acme["ana"].id, acme["conversation"])
    assert body not in ana_sees


def messaging_bodies(member_id: int, conversation: int) -> list[str]:
    from app.core import inbox

    return [message.body for message in inbox.messages(member_id, conversation)]


@BOTH_BACKENDS
async def test_an_empty_note_is_refused_in_the_dialog_and_escape_leaves_it(acme, drive):
    async with working_as(drive, acme["acme"], acme["lena"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        await drive.press(pilot, "T", "space", "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, NoteDialog)
        assert str(dialog.query_one("#note-error", Static).render()) == "A note can't be empty."
        await drive.press(pilot, "escape")
        assert isinstance(pilot.app.screen, ThreadScreen)
    assert messaging_bodies(acme["acme"].id, acme["conversation"]).count(NOTE_BODY) == 1


@BOTH_BACKENDS
async def test_a_delegate_removed_meanwhile_can_neither_note_nor_read_the_history(acme, drive):
    async with working_as(drive, acme["acme"], acme["omar"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, acme["conversation"])
        team.remove_delegate(acme["acme"].id, "acme", "omar")
        await drive.press(pilot, "T")
        await pilot.press(*"Sigo aqui")
        await drive.press(pilot, "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, NoteDialog)
        assert str(dialog.query_one("#note-error", Static).render()) == team.CANT_WORK_HERE
        await drive.press(pilot, "escape", "H")
        # Refused again: the app says so and takes Omar back to his own inbox.
        assert pilot.app.screen is not thread
        assert pilot.app.mailbox.member_id == acme["omar"].id
        assert any(team.CANT_WORK_HERE in notice for notice in drive.notices(pilot.app))
    assert Message.select().where(Message.kind == "note").count() == 1  # Omar's first note alone


@BOTH_BACKENDS
async def test_the_history_lists_each_action_with_its_author_newest_at_the_bottom(acme, drive):
    moderation.apply(acme["acme"].id, "star", [acme["conversation"]], author_id=acme["omar"].id)
    async with working_as(drive, acme["acme"], acme["lena"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        await drive.press(pilot, "H")
        history = pilot.app.screen
        assert isinstance(history, AuditScreen)
        assert history.query_one("#dialog").border_title == "History · Ana Lima, MBA"
        rows = [row[1:] for row in audit_rows(pilot.app)]
        assert rows[:4] == [
            ["Omar Haddad", "assign", "→ Λένα Vogel"],
            ["Omar Haddad", "note", ""],
            ["Λένα Vogel", "reply", ""],
            ["Omar Haddad", "star", ""],
        ]
        # Opening the thread read it: that is recorded too, last.
        assert [row[1] for row in rows[4:]] == ["read"]
        table = history.query_one("#audit-rows", DataTable)
        assert table.cursor_row == table.row_count - 1
        await drive.press(pilot, "escape")
        assert isinstance(pilot.app.screen, ThreadScreen)


@BOTH_BACKENDS
async def test_the_whole_inboxs_audit_opens_from_the_palette_on_the_list(acme, drive):
    async with drive.app(acme["acme"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        provider = ActionsProvider(pilot.app.screen)
        commands = {str(hit.text): hit.command async for hit in provider.discover()}
        await commands["Audit: who did what"]()
        await drive.settle(pilot)
        assert isinstance(pilot.app.screen, AuditScreen)
        rows = [row[1:] for row in audit_rows(pilot.app)]
        assert rows[:3] == [["Acme Support", "delegate", "", "Omar Haddad"],
                            ["Acme Support", "delegate", "", "Λένα Vogel"],
                            ["Omar Haddad", "assign", "Ana Lima, MBA", "→ Λένα Vogel"]]


@BOTH_BACKENDS
async def test_a_history_with_nothing_recorded_says_so_and_a_note_there_is_private(acme, drive):
    async with drive.app(acme["ana"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, acme["conversation"])
        await drive.press(pilot, "H")
        empty = pilot.app.screen.query_one("#audit-empty", Static)
        assert empty.display and str(empty.render()) == NOTHING_RECORDED
        await drive.press(pilot, "escape", "T")
        dialog = pilot.app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one("#dialog").border_title == "Private note — only you see it"
        await pilot.press(*"Llamar el lunes")
        await drive.press(pilot, "enter")
        assert "Note saved: only you see it." in drive.notices(pilot.app)
    assert "Llamar el lunes" not in messaging_bodies(acme["acme"].id, acme["conversation"])


def test_the_note_and_history_keys_are_given_to_no_other_action_of_the_thread():
    from app.ui.keymap import LIVE_TOGETHER, TEAM_THREAD_BINDINGS

    for binding in TEAM_THREAD_BINDINGS:
        for bindings in LIVE_TOGETHER:
            others = [other.id for other in bindings if other.id != binding.id
                      and binding.key in other.key.split(",")]
            assert others == [], (binding.id, others)


@BOTH_BACKENDS
async def test_a_teammates_note_appears_in_the_open_thread(acme, drive):
    app = working_as(drive, acme["acme"], acme["lena"])
    app.live = True
    async with app.run_test(size=drive.size) as pilot:
        await drive.until(pilot, lambda: isinstance(app.screen, InboxScreen) and drive.titles(app))
        await pilot.press("enter")
        await drive.until(pilot, lambda: isinstance(app.screen, ThreadScreen)
                          and any(line.startswith("Ana Lima, MBA") for line in lines(app)))
        write_elsewhere(lambda: team.note(acme["acme"].id, acme["omar"].id, acme["conversation"],
                                          "Она просила перезвонить"))
        await drive.until(pilot, lambda: "┃ Она просила перезвонить" in lines(app))
