"""Settings against a real store: toggles persist; a plan change spells out the forfeit first."""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.widgets import Button, DataTable, Select, Static, Switch
from textual.worker import WorkerCancelled

from app.core import credits, members
from app.core.views import MemberView
from app.ui.mailbox import Mailbox
from app.ui.screens.confirm import ConfirmDialog
from app.ui.screens.settings import TOGGLES, SettingsScreen


class Host(App):
    def __init__(self, member: MemberView) -> None:
        super().__init__()
        self.member = member

    def on_mount(self) -> None:
        self.push_screen(SettingsScreen(Mailbox(self.member)))


async def drawn(pilot) -> None:
    for _ in range(2):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def ask_for_plan(pilot, plan_name: str) -> str:
    """Choose a plan on the plan & credits page; the sentence the confirm dialog shows."""
    await pilot.press("p")
    await drawn(pilot)
    pilot.app.screen.query_one("#plan-choice", Select).value = plan_name
    pilot.app.screen.query_one("#change-plan", Button).press()
    await drawn(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog)
    return str(pilot.app.screen.query_one("#question", Static).render())


def switch(app, key: str) -> Switch:
    return app.screen.query_one(f"#set-{key}", Switch)


async def test_every_toggle_is_kept_after_reopening(ui_store):
    maya = members.add_member("maya-chen", "Maya Chen", plan="premium-career")
    keys = [toggle.key for toggle in TOGGLES]
    # Everything on by default but Open Profile and desktop notifications.
    off = ("open-profile", "desktop-notifications")
    assert members.get_settings(maya.id) == {key: key not in off for key in keys}

    app = Host(maya)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        for key in keys:
            switch(app, key).toggle()
            await drawn(pilot)

    flipped = {key: key in off for key in keys}
    assert members.get_settings(maya.id) == flipped
    reopened = Host(maya)
    async with reopened.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        assert {key: switch(reopened, key).value for key in keys} == flipped
        assert str(reopened.screen.query_one("#state-allow-inmail").render()) == "off"


async def test_open_profile_waits_for_a_premium_plan(ui_store):
    ana = members.add_member("ana-ruiz", "Ana Ruiz")
    app = Host(ana)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        assert switch(app, "open-profile").disabled
        assert not switch(app, "allow-inmail").disabled
    assert members.get_settings(ana.id)["open-profile"] is False


async def test_a_plan_change_spells_out_the_forfeit_then_changes_the_plan(ui_store):
    maya = members.add_member("maya-chen", "Maya Chen", plan="premium-business")
    app = Host(maya)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        sentence = await ask_for_plan(pilot, "premium-career")
        assert sentence == credits.forfeit_preview(maya.id, "premium-career")
        assert "15 InMail credits" in sentence
        assert "15 of at most 45 InMail credits" in str(
            app.screen_stack[-2].query_one("#plan-summary", Static).render()
        )
        # Nothing changes until the member confirms.
        assert members.member_by_id(maya.id).plan == "premium-business"

        await pilot.press("y")
        await drawn(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert members.member_by_id(maya.id).plan == "premium-career"
        summary = app.screen.query_one("#plan-summary", Static)
        assert "Premium Career" in str(summary.render())
        assert "5 of at most 15 InMail credits" in str(summary.render())


async def test_cancelling_the_confirm_keeps_the_plan(ui_store):
    maya = members.add_member("maya-chen", "Maya Chen", plan="premium-business")
    app = Host(maya)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        assert "sets your InMail credits to zero" in await ask_for_plan(pilot, "basic")
        await pilot.press("escape")
        await drawn(pilot)
        assert app.screen.query_one("#plan-choice", Select).value == "premium-business"
    assert members.member_by_id(maya.id).plan == "premium-business"
    assert credits.balance(maya.id) == 15


# ---- keys from the config file, as Help shows them; the Report dialog's answer ----------


async def test_help_lists_the_keys_as_the_config_file_set_them(ui_store):
    from app.ui.app import ParleyApp
    from app.ui.screens.help import HelpScreen

    maya = members.add_member("maya-chen", "Maya Chen", plan="premium-business")
    config = {"keys": {"compose": "n", "archive": "a"}}
    app = ParleyApp(maya, members.get_settings(maya.id), config, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        await pilot.press("question_mark")
        await drawn(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {action: keys for keys, action, _where, _id in app.screen.binding_rows()}
        assert rows["Compose"] == "n"
        assert rows["Archive"] == "a"
        assert rows["Settings"] == ","
        await pilot.press("escape")
        await drawn(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_the_report_dialog_answers_with_a_reason_or_nothing():
    from app.store.models import REPORT_REASONS
    from app.ui.screens.report import ReportDialog

    answers: list = []

    class Asker(App):
        def on_mount(self) -> None:
            self.push_screen(ReportDialog(REPORT_REASONS), answers.append)

    async with Asker().run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        pilot.app.push_screen(ReportDialog(REPORT_REASONS), answers.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert answers == [REPORT_REASONS[2], None]


async def test_j_and_k_walk_the_toggles_and_the_ledger(ui_store):
    maya = members.add_member("maya-chen", "Maya Chen", plan="premium-business")
    members.set_plan("maya-chen", "premium-career")
    app = Host(maya)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        assert app.focused is switch(app, "allow-inmail")
        await pilot.press("j", "j")
        assert app.focused is switch(app, "allow-sponsored")
        await pilot.press("k")
        assert app.focused is switch(app, "allow-open-profile")
        await pilot.press("space")
        await drawn(pilot)
        assert members.get_settings(maya.id)["allow-open-profile"] is False

        await pilot.press("p")
        ledger = app.screen.query_one("#ledger", DataTable)
        ledger.focus()
        await pilot.press("j")
        assert ledger.cursor_row == 1
