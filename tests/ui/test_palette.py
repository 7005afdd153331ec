"""Every action in the palette once, blocking from the screens, keys in the config, glyphs."""

from __future__ import annotations

from app.core import members, messaging
from app.ui.app import ActionsProvider
from app.ui.screens.compose import ComposeScreen
from app.ui.screens.help import HelpScreen
from app.ui.screens.settings import SettingsScreen
from app.ui.screens.thread import ThreadScreen
from app.ui.text import PLAIN_GLYPHS, UNICODE_GLYPHS, choose_glyphs
from app.ui.widgets.profile_panel import ProfilePanel


async def palette(pilot) -> dict[str, object]:
    provider = ActionsProvider(pilot.app.screen)
    hits = [hit async for hit in provider.discover()]
    names = [str(hit.text) for hit in hits]
    assert len(names) == len(set(names)), names  # each action once
    return {str(hit.text): hit.command for hit in hits}


async def test_the_palette_offers_every_action_once(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        names = await palette(pilot)
        for wanted in ("Archive", "Mark read", "Mark unread", "Mark spam", "Mark safe (not spam)",
                       "Block sender", "Unblock sender", "Plan & credits", "Blocked members", "Drafts", "Quit"):
            assert wanted in names, wanted
        system = [command.title for command in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Quit" not in system  # Quit is listed once, as Parley's own action


async def test_mark_read_and_unread_from_the_palette_are_undone_by_z(world, drive):
    from app.core import inbox

    me = world["me"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "X")
        await (await palette(pilot))["Mark read"]()
        await drive.settle(pilot)
        assert inbox.counts(me).unread_by_filter["all"] == 0
        await drive.press(pilot, "z")
        assert inbox.counts(me).unread_by_filter["all"] == 5


async def test_block_from_the_palette_then_unblock_in_settings(world, drive):
    me, sam = world["me"].id, world["sam"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Sam Spammer")
        await (await palette(pilot))["Block sender"]()
        await drive.settle(pilot)
        assert members.is_blocked_either(me, sam)
        await (await palette(pilot))["Blocked members"]()
        await drive.settle(pilot)
        assert isinstance(pilot.app.screen, SettingsScreen)
        assert "1 blocked member" in str(pilot.app.screen.query_one("#blocked-summary").render())
        await drive.press(pilot, "u")
        assert not members.is_blocked_either(me, sam)
        assert "blocked nobody" in str(pilot.app.screen.query_one("#blocked-summary").render())


async def test_b_in_a_thread_blocks_the_member_the_profile_shows(world, drive):
    me, dave = world["me"].id, world["dave"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Dave Kim")
        await drive.press(pilot, "enter", "p")
        assert isinstance(pilot.app.screen, ThreadScreen)
        await drive.press(pilot, "b")
        assert members.is_blocked_either(me, dave)
        panel = pilot.app.screen.query_one(ProfilePanel)
        assert "Blocked: no messages either way · b unblocks" in panel.render().plain
        await drive.press(pilot, "b")
        assert not members.is_blocked_either(me, dave)


async def test_a_remapped_key_that_another_action_has_is_reported_with_both_names(world, drive):
    app = drive.app(world["me"])
    app.config = {"keys": {"archive": "d", "no-such-action": "w"}}
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        shown = [str(n.message) for n in pilot.app._notifications]
        assert "The config's [keys] gives 'd' to both archive and delete." in shown
        assert "The config's [keys] table names unknown actions: no-such-action." in shown
        assert all(not n.markup for n in pilot.app._notifications)


async def test_help_lists_every_config_id(world, drive):
    from app.ui.keymap import BINDING_IDS

    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one("#keys")
        ids = {str(table.get_row_at(row)[3]) for row in range(table.row_count)}
        assert BINDING_IDS <= ids


async def test_company_account_cannot_be_sent_an_inmail(world, drive):
    members.add_member("summit-cloud", "Summit Cloud", kind="company", company="Summit Cloud")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "c")
        assert isinstance(pilot.app.screen, ComposeScreen)
        await pilot.press(*"Summit")
        await drive.settle(pilot)
        assert pilot.app.screen.completions == []  # a company account is never offered
        pilot.app.screen.query_one("#to").value = "summit-cloud"
        await drive.settle(pilot)
        route = str(pilot.app.screen.query_one("#route").render())
        assert route == "A company account can't be messaged or sent InMail; it only sends sponsored messages."


async def test_a_on_a_message_without_an_attachment_offers_no_other(world, drive):
    messaging.send(world["bob"].id, ["me"], "The report", attachments=[("q1.csv", b"a,b\n", "text/csv")])
    messaging.send(world["bob"].id, ["me"], "And a note without a file")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter", "a")
        thread = pilot.app.screen
        assert not thread.has_class("-saving")
        assert "This message has no attachment." in drive.notices(pilot.app)
        await drive.press(pilot, "k", "a")
        assert thread.has_class("-saving")
        assert thread.query_one("#save-path").value.endswith("q1.csv")


def test_glyphs_fall_back_to_text_where_the_terminal_cannot_draw_them(monkeypatch):
    monkeypatch.delenv("PARLEY_GLYPHS", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for term in ("linux", "screen", "screen-256color"):
        monkeypatch.setenv("TERM", term)
        assert choose_glyphs() == PLAIN_GLYPHS, term
    monkeypatch.setenv("TERM", "xterm-256color")
    assert choose_glyphs() == UNICODE_GLYPHS
    monkeypatch.setenv("TERM", "screen")
    monkeypatch.setenv("PARLEY_GLYPHS", "unicode")
    assert choose_glyphs() == UNICODE_GLYPHS


def test_the_readme_lists_every_keymap_id_and_parley_glyphs():
    from pathlib import Path

    from app.ui.keymap import BINDING_IDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [binding_id for binding_id in sorted(BINDING_IDS) if f"| `{binding_id}` |" not in readme]
    assert missing == []
    assert "PARLEY_GLYPHS=plain" in readme and "enter-sends" in readme


async def test_mark_safe_from_the_palette_trusts_the_links_of_a_thread(world, drive):
    messaging.send(world["carol"].id, ["me"], "Слайды: https://example.com/deck")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        await drive.press(pilot, "enter")
        thread = pilot.app.screen
        assert thread.has_class("-banner")
        await (await palette(pilot))["Mark safe (not spam)"]()
        await drive.settle(pilot)
        assert not thread.has_class("-banner")
