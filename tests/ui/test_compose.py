"""Compose against a real store: the live route, the counter, sending, drafts, $EDITOR."""

from __future__ import annotations

import contextlib
import sys

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Static, TextArea
from textual.worker import WorkerCancelled

from app.core import credits, members, messaging
from app.core.plans import LIMITS
from app.core.views import SendResult
from app.store.models import Message
from app.ui.mailbox import Mailbox
from app.ui.screens.compose import ComposeScreen
from app.ui.screens.settings import SettingsScreen


@pytest.fixture
def people(ui_store):
    """Maya (Premium Business, 15 credits), connected to Tom; Priya has an Open Profile."""
    maya = members.add_member("maya-chen", "Maya Chen", headline="Head of Talent", plan="premium-business")
    james = members.add_member("james-li", "James Li", headline="Staff Engineer at Acme")
    priya = members.add_member(
        "priya-raman", "Priya Raman", plan="premium-career", open_profile=True
    )
    tom = members.add_member("tom-baker", "Tom Baker")
    ana = members.add_member("ana-ruiz", "Ana Ruiz")
    members.connect("maya-chen", "tom-baker")
    return {"maya": maya, "james": james, "priya": priya, "tom": tom, "ana": ana}


class Host(App):
    """Pushes Compose and keeps what it returned."""

    def __init__(self, screen) -> None:
        super().__init__()
        self.first = screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.first, self.results.append)


async def settle(pilot) -> None:
    """Let the screen's workers finish and their results be drawn."""
    for _ in range(2):
        # A worker whose screen closed in the meantime ends cancelled: that is expected.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def route_line(app) -> Static:
    return app.screen.query_one("#route", Static)


async def type_recipient(pilot, handle: str) -> None:
    pilot.app.screen.query_one("#to", Input).value = handle
    await settle(pilot)


async def test_sending_an_inmail_spends_a_credit(people):
    maya = people["maya"]
    app = Host(ComposeScreen(Mailbox(maya)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_recipient(pilot, "james-li")
        assert str(route_line(app).render()) == "InMail · 1 credit · 15 left"
        screen = app.screen
        assert screen.query_one("#subject-row").display
        screen.query_one("#subject", Input).value = "A role at Northwind"
        screen.query_one("#body", TextArea).insert("Hi James, would you talk about a role?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(app.results) == 1
        result = app.results[0]
        assert isinstance(result, SendResult)
        assert (result.route, result.credits_left) == ("inmail", 14)
        assert credits.balance(maya.id) == 14

        # The plan & credits page shows the balance after the spend, and the spend in the ledger.
        app.push_screen(SettingsScreen(Mailbox(maya)))
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        summary = str(app.screen.query_one("#plan-summary", Static).render())
        assert "14 of at most 45 InMail credits" in summary
        newest = app.screen.query_one("#ledger", DataTable).get_row_at(0)
        assert [str(cell) for cell in newest[1:]] == ["-1", "spend", "14", "InMail to James Li"]


async def test_a_refused_route_shows_its_sentence_and_sends_nothing(people):
    ana = people["ana"]
    before = Message.select().count()
    app = Host(ComposeScreen(Mailbox(ana)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_recipient(pilot, "james-li")
        line = route_line(app)
        assert str(line.render()) == "InMail needs a Premium plan. You can invite them to connect instead: ctrl+g."
        assert line.has_class("-refused")
        app.screen.query_one("#body", TextArea).insert("Hello there")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        error = app.screen.query_one("#error", Static)
        assert error.display and "InMail needs a Premium plan." in str(error.render())
        assert app.results == []
    assert Message.select().count() == before


async def test_the_route_line_follows_the_recipient(people):
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_recipient(pilot, "tom-baker")
        assert str(route_line(app).render()) == "Message · free · lands in Focused"
        assert not app.screen.query_one("#subject-row").display
        await type_recipient(pilot, "priya-raman")
        assert str(route_line(app).render()) == "Open Profile message · free · lands in Other"
        await type_recipient(pilot, "james-li")
        assert str(route_line(app).render()) == "InMail · 1 credit · 15 left"
        await type_recipient(pilot, "nobody-here")
        assert str(route_line(app).render()) == "There is no member 'nobody-here'."
        assert route_line(app).has_class("-refused")


async def test_to_completes_member_handles(people):
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"tom", "minus", *"baker", "comma", "space", *"pri")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.query_one("#to", Input).value == "tom-baker, priya-raman"
        # Two recipients make a group, which is for connections only.
        assert str(route_line(app).render()) == (
            "Group conversations are for connections only; Priya Raman isn't one of yours."
        )


async def test_escape_keeps_a_draft(people):
    maya = people["maya"]
    app = Host(ComposeScreen(Mailbox(maya), to="tom-baker"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#body", TextArea).insert("Half a thought")
        await pilot.press("escape")
        await settle(pilot)
        assert app.results == [None]
        assert not isinstance(app.screen, ComposeScreen)
    kept = messaging.drafts(maya.id)
    assert [(d.to_handles, d.body) for d in kept] == [(("tom-baker",), "Half a thought")]
    assert Message.select().count() == 0


async def test_the_counter_turns_red_past_the_limit(people):
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_recipient(pilot, "james-li")
        body = app.screen.query_one("#body", TextArea)
        counter = app.screen.query_one("#counter", Static)
        body.insert("x" * 2_000)
        await settle(pilot)
        assert str(counter.render()) == "2,000 / 2,000"
        assert not counter.has_class("-over")
        body.insert("y")
        await settle(pilot)
        assert str(counter.render()) == "2,001 / 2,000"
        assert counter.has_class("-over")
        # A connection gets an ordinary message: the limit is 28,000 and the counter is calm again.
        await type_recipient(pilot, "tom-baker")
        assert str(counter.render()) == "2,001 / 28,000"
        assert not counter.has_class("-over")


async def test_ctrl_e_edits_the_body_in_the_editor(people, monkeypatch, tmp_path):
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write(' and more from the editor\\n')\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    app = Host(ComposeScreen(Mailbox(people["maya"]), to="tom-baker"))
    async with app.run_test(size=(80, 24)) as pilot:
        # The test terminal can't be handed over, so stand in for the suspension.
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot)
        app.screen.query_one("#body", TextArea).insert("Typed here")
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert app.screen.query_one("#body", TextArea).text == "Typed here and more from the editor"


async def test_the_status_line_and_the_plan_page_show_the_credit_spent(people):
    from app.ui.app import ParleyApp
    from app.ui.widgets.status_line import StatusLine

    maya = people["maya"]
    app = ParleyApp(maya, members.get_settings(maya.id), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one(StatusLine)
        assert "15 InMail credits" in status.credits_text()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        await type_recipient(pilot, "james-li")
        app.screen.query_one("#subject", Input).value = "A role at Northwind"
        app.screen.query_one("#body", TextArea).insert("Hi James, would you talk about a role?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert "14 InMail credits" in app.screen.query_one(StatusLine).credits_text()
        await pilot.press("comma")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        summary = str(app.screen.query_one("#plan-summary", Static).render())
        assert "14 of at most 45 InMail credits" in summary


async def test_a_reply_goes_into_its_conversation(people):
    maya = people["maya"]
    first = messaging.send(maya.id, ["tom-baker"], "Are we still on for Friday?")
    app = Host(ComposeScreen(Mailbox(maya), to="tom-baker", reply_conversation_id=first.conversation))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert str(route_line(app).render()) == "Reply · in this conversation"
        assert app.screen.query_one("#to", Input).disabled
        app.screen.query_one("#body", TextArea).insert("And bring the slides, please.")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [result.conversation for result in app.results] == [first.conversation]
    assert Message.select().where(Message.conversation == first.conversation).count() == 2


async def test_two_connections_make_a_free_group(people):
    members.connect("maya-chen", "ana-ruiz")
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_recipient(pilot, "tom-baker, ana-ruiz")
        assert str(route_line(app).render()) == "Group message · free · 2 members"
        assert str(app.screen.query_one("#who", Static).render()) == "Tom Baker, Ana Ruiz"


@pytest.mark.parametrize("typed", ["Kev", "kev", "Osei", "Ghana"])
async def test_to_completes_by_name_handle_and_company_to_a_real_handle(people, typed):
    members.add_member("kevin-osei", "Kevin Osei", headline="Ρυθμιστής δικτύων, Ghana Grid",
                       company="Ghana Grid")
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*typed)
        await settle(pilot)
        choices = app.screen.query_one("#to-choices")
        shown = str(choices.get_option_at_index(0).prompt)
        assert shown == "Kevin Osei · @kevin-osei · Ρυθμιστής δικτύων, Ghana Grid · 3rd+"
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.query_one("#to", Input).value == "kevin-osei"
        assert members.member_by_handle("kevin-osei")
        # An InMail (Kevin is a stranger): tab went on to the subject.
        assert app.screen.focused is app.screen.query_one("#subject")
        assert str(route_line(app).render()) == "InMail · 1 credit · 15 left"


async def test_tab_with_a_connection_goes_on_to_the_body(people):
    app = Host(ComposeScreen(Mailbox(people["maya"])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Tom")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.query_one("#to", Input).value == "tom-baker"
        assert app.screen.focused is app.screen.query_one("#body")


async def test_ctrl_o_attaches_a_file_within_the_size_limit(people, tmp_path):
    small = tmp_path / "σημειώσεις.txt"
    small.write_text("Καλημέρα")
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(LIMITS.inmail_attachment_max_bytes + 1)
    app = Host(ComposeScreen(Mailbox(people["maya"]), to="james-li"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.press(*str(big), "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#error").render())
        assert error == f"The file big.bin is larger than {LIMITS.inmail_attachment_max_bytes:,} bytes."
        app.screen.query_one("#attach-path", Input).value = str(small)
        await pilot.press("enter")
        await settle(pilot)
        assert "σημειώσεις.txt" in str(app.screen.query_one("#attachments").render())
        app.screen.query_one("#subject", Input).value = "Notes"
        app.screen.query_one("#body", TextArea).insert("Here they are")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [result] = app.results
        assert result.route == "inmail"
        from app.store.models import Attachment

        assert [a.name for a in Attachment.select()] == ["σημειώσεις.txt"]


async def test_a_body_from_the_editor_with_escapes_is_drawn_literally(people, monkeypatch, tmp_path):
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\nprintf '\\033[41mred\\033[0m and more' > \"$1\"\n")
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    app = Host(ComposeScreen(Mailbox(people["maya"]), to="tom-baker"))
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        body = app.screen.query_one("#body", TextArea)
        assert body.text == "\x1b[41mred\x1b[0m and more"
        line = body.render_line(0)
        drawn = "".join(segment.text for segment in line)
        assert "\x1b" not in drawn and drawn.startswith("␛[41mred␛[0m and more")
        assert line.cell_length == body.size.width
        assert not any(segment.style and segment.style.bgcolor and segment.style.bgcolor.name == "red"
                       for segment in line)
