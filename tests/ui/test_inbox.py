"""The inbox as a user drives it, against a real store."""

from __future__ import annotations

import re

from app.core import inbox, members, messaging, moderation
from app.core.views import FILTER_LABELS, FILTERS
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.report import ReportDialog
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.filter_bar import FilterBar
from app.ui.widgets.message_view import MessageView
from app.ui.widgets.status_line import StatusLine


def conversation_list(app) -> ConversationList:
    return app.screen.query_one(ConversationList)


async def test_the_inbox_lists_conversations_with_counts_and_credits(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        assert isinstance(pilot.app.screen, InboxScreen)
        assert set(drive.titles(pilot.app)) == {"Bob Stone", "Carol Diaz", "Dave Kim", "Jane Smith", "Sam Spammer"}
        bar = pilot.app.screen.query_one(FilterBar).render().plain
        # Labels give up letters to fit (Drafts comes last, key 0); the keys and counts stay.
        assert "1 All 5" in bar and re.search(r"6 InM\w* 2", bar) and re.search(r"0 Dra\w* 0", bar)
        status = pilot.app.screen.query_one(StatusLine).render().plain
        assert "Maya Chen (@me)" in status and "Premium Business" in status and "InMail credit" in status
        jane = conversation_list(pilot.app).row_text(drive.titles(pilot.app).index("Jane Smith"))
        assert "[InMail]" in jane and "Director of Data at Hireco" in jane


async def test_archive_then_find_it_under_archived_and_in_search(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "e")
        assert "Bob Stone" not in drive.titles(pilot.app)
        await drive.press(pilot, "8")
        assert drive.titles(pilot.app) == ["Bob Stone"]
        await drive.press(pilot, "1", "slash")
        await pilot.press(*"backfill")
        await drive.press(pilot, "enter")
        assert drive.titles(pilot.app) == ["Bob Stone"]
        assert conversation_list(pilot.app).loaded_rows()[0].archived


async def test_a_malformed_search_says_why_on_one_line(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "slash")
        await pilot.press(*'"unclosed')
        await drive.press(pilot, "enter")
        error = str(pilot.app.screen.query_one("#search-error").render())
        assert error and "\n" not in error
        assert len(drive.titles(pilot.app)) == 5  # the list is untouched


async def test_report_moves_it_to_spam_and_blocks_the_sender(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Sam Spammer")
        await drive.press(pilot, "exclamation_mark")
        assert isinstance(pilot.app.screen, ReportDialog)
        await drive.press(pilot, "enter")  # the first reason: spam
        assert isinstance(pilot.app.screen, InboxScreen)
        assert "Sam Spammer" not in drive.titles(pilot.app)
        await drive.press(pilot, "9")
        assert drive.titles(pilot.app) == ["Sam Spammer"]
        assert members.is_blocked_either(world["me"].id, world["sam"].id)


async def test_bulk_archive_three_selected_then_undo(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        before = drive.titles(pilot.app)
        await drive.press(pilot, "g", "x", "x", "x")
        assert len(conversation_list(pilot.app).selected) == 3
        await drive.press(pilot, "e")
        assert drive.titles(pilot.app) == before[3:]
        assert inbox.counts(world["me"].id)["archived"] == 3
        await drive.press(pilot, "z")
        assert drive.titles(pilot.app) == before
        assert inbox.counts(world["me"].id)["archived"] == 0


async def test_select_all_in_a_filter_then_star_them(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "5", "X")  # My connections: Bob, Carol, Dave
        assert len(conversation_list(pilot.app).selected) == 3
        await drive.press(pilot, "s")
        assert inbox.counts(world["me"].id)["starred"] == 3


async def test_every_filter_count_matches_its_list(world, drive):
    me = world["me"].id
    messaging.reply(me, world["conversations"]["carol"], "Thursday works.")
    inbox.mark_read(me, world["conversations"]["dave"])
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        await drive.press(pilot, "s")
        await drive.highlight(pilot, "Dave Kim")
        await drive.press(pilot, "e")
        await drive.highlight(pilot, "Sam Spammer")
        await drive.press(pilot, "exclamation_mark", "enter")
        for number, name in enumerate(FILTERS, 1):
            await drive.press(pilot, str(number))
            shown = conversation_list(pilot.app)
            count = pilot.app.screen.counts[name]
            assert shown.total == count == len(shown.loaded_rows()), name
            assert [row.id for row in shown.loaded_rows()] == [
                row.id for row in inbox.page(me, name, limit=100)
            ], name
            bar = pilot.app.screen.query_one(FilterBar)
            _, laid_out = bar.layout_filters(bar.size.width)
            label = next(label for key, shown, label, _ in laid_out if shown == name)
            assert f"{number} {label} {count}" in bar.render().plain


async def test_markup_escapes_and_control_characters_show_literally(world, drive):
    body = "[red]x[/red] \x1b[2J and a \x00 nul"
    messaging.send(world["bob"].id, ["me"], body)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        shown = conversation_list(pilot.app)
        assert shown.loaded_rows()[0].title == "Bob Stone"
        row = shown.row_text(0)
        assert "[red]x[/red]" in row and "␛[2J" in row and "␀ nul" in row
        drawn = "".join(segment.text for segment in shown.render_line(0))
        assert "[red]x[/red]" in drawn and "\x1b" not in drawn and "\x00" not in drawn
        await drive.press(pilot, "g", "enter")
        assert isinstance(pilot.app.screen, ThreadScreen)
        view = pilot.app.screen.query_one(MessageView)
        lines = "\n".join(view.lines_text())
        assert "[red]x[/red] ␛[2J and a ␀ nul" in lines
        for y in range(view.size.height):
            text = "".join(segment.text for segment in view.render_line(y))
            assert "\x1b" not in text and "\x00" not in text


async def test_opening_a_conversation_marks_it_read_and_escape_comes_back(world, drive):
    me = world["me"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        await drive.press(pilot, "enter")
        assert isinstance(pilot.app.screen, ThreadScreen)
        await drive.press(pilot, "escape")
        assert isinstance(pilot.app.screen, InboxScreen)
        carol = next(r for r in conversation_list(pilot.app).loaded_rows() if r.title == "Carol Diaz")
        assert carol.unread == 0
        assert inbox.counts(me).unread_by_filter["all"] == 4


async def test_keys_are_remappable_from_the_config(world, drive):
    app = drive.app(world["me"])
    app.config = {"keys": {"archive": "a"}}
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "a")
        assert "Bob Stone" not in drive.titles(pilot.app)
        await drive.press(pilot, "e")  # no longer bound
        assert len(drive.titles(pilot.app)) == 4


async def test_the_command_palette_offers_the_inbox_actions(world, drive):
    from app.ui.app import ActionsProvider

    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        provider = ActionsProvider(pilot.app.screen)
        names = [hit.text async for hit in provider.discover()]
        for wanted in ("Archive", "Search", "Select all", "Report", "Undo", "Compose", "Quit", "Starred"):
            assert wanted in names


async def test_the_garbage_collector_paused_for_startup_is_on_once_the_first_page_shows(world, drive, monkeypatch):
    import gc

    from app.ui import app as ui_app

    monkeypatch.setattr(ui_app, "GC_BACK_AFTER_FIRST_PAGE", 0.05)
    gc.disable()  # as `parley` starts the screens (app.cli.run)
    try:
        async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
            await drive.settle(pilot)
            assert drive.titles(pilot.app)
            await pilot.pause(0.3)
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_an_empty_store_turns_the_garbage_collector_back_on_too(ui_store, monkeypatch):
    import gc

    from app.ui import app as ui_app

    monkeypatch.setattr(ui_app, "GC_BACK_AFTER", 0.05)
    gc.disable()
    try:
        async with ui_app.ParleyApp(None).run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            assert isinstance(pilot.app.screen, ui_app.GettingStartedScreen) and gc.isenabled()
    finally:
        gc.enable()


async def test_an_empty_store_says_how_to_start(ui_store):
    from app.ui.app import GETTING_STARTED, GettingStartedScreen, ParleyApp

    async with ParleyApp(None).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, GettingStartedScreen)
        assert "parley demo" in GETTING_STARTED
        await pilot.press("q")


async def test_a_long_list_draws_the_right_rows_at_the_end_and_the_middle(big_store, drive):
    me = members.member_view(members.member_by_handle("me"))
    expected = inbox.conversation_ids(me.id, "all")
    assert len(expected) > 200
    async with drive.app(me).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        shown = conversation_list(pilot.app)
        assert shown.total == len(expected)
        assert len(shown.loaded_rows()) == 50  # one page, not the whole list

        def row_id(index: int) -> int | None:
            row = shown.row_at(index)
            return row.id if row else None

        await drive.press(pilot, "G")
        assert shown.cursor == len(expected) - 1
        assert row_id(shown.cursor) == expected[-1]
        for _ in range(len(expected) % 50 + 2):  # up across a page boundary
            await drive.press(pilot, "k")
        assert row_id(shown.cursor) == expected[shown.cursor]
        shown.cursor = 160  # a jump into the middle, as a scrollbar drag would
        await drive.settle(pilot)
        assert [row_id(i) for i in range(150, 170)] == expected[150:170]
        await drive.press(pilot, "g")
        assert row_id(0) == expected[0]


async def test_focused_and_other_are_one_list_when_focused_inbox_is_off(world, drive):
    members.update_setting(world["me"].id, "focused-inbox", False)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        bar = pilot.app.screen.query_one(FilterBar).render().plain
        assert "Focused" not in bar and "Other" not in bar and "1 All 5" in bar
        await drive.press(pilot, "3")
        assert pilot.app.screen.filter_name == "all" and len(drive.titles(pilot.app)) == 5


async def test_plain_markers_where_the_terminal_lacks_the_glyphs(world, drive, monkeypatch):
    monkeypatch.setenv("PARLEY_GLYPHS", "plain")
    me = world["me"].id
    moderation.apply(me, "mute", [world["conversations"]["bob"]])
    moderation.apply(me, "star", [world["conversations"]["bob"]])
    messaging.send(world["bob"].id, ["me"], "Tab\there, bell\x07")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        row = conversation_list(pilot.app).row_text(0)
        assert "Bob Stone" in row and "(muted)" in row and " *" in row
        assert "🔇" not in row and "★" not in row and "^G" in row


def test_an_unknown_acting_member_is_one_sentence(world, ui_store, capsys):
    from app.ui.app import run_app

    assert run_app(ui_store.target, "nobody") == 2
    error = capsys.readouterr().err
    assert "There is no member 'nobody'." in error and "--as" in error
