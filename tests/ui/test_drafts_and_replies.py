"""Drafts and the reply box, as a user drives them: nothing half-written is lost."""

from __future__ import annotations

import re

import contextlib

from app.core import inbox, messaging
from app.ui.screens.compose import ComposeScreen
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.filter_bar import FilterBar
from app.ui.widgets.text_areas import ReplyBox


async def open_thread(pilot, drive, title: str) -> ThreadScreen:
    await drive.settle(pilot)
    await drive.highlight(pilot, title)
    await drive.press(pilot, "enter")
    assert isinstance(pilot.app.screen, ThreadScreen)
    return pilot.app.screen


def bar(app) -> str:
    return app.screen.query_one(FilterBar).render().plain


async def test_leaving_a_thread_keeps_the_reply_as_a_draft(world, drive):
    me = world["me"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Carol Diaz")
        await drive.press(pilot, "r")
        await pilot.press(*"Ναι, Πέμπτη")
        await drive.press(pilot, "escape", "escape")
        assert isinstance(pilot.app.screen, InboxScreen)
        [draft] = messaging.drafts(me)
        assert (draft.body, draft.conversation_id) == ("Ναι, Πέμπτη", world["conversations"]["carol"])
        assert any("kept as a draft" in notice for notice in drive.notices(pilot.app))
        assert re.search(r"0 Dra\w* 1", bar(pilot.app))
        await drive.press(pilot, "enter")  # the same conversation again: the reply is back
        assert isinstance(pilot.app.screen, ThreadScreen)
        assert thread.query_one("#reply", ReplyBox).text == "Ναι, Πέμπτη"


async def test_draft_reopens_where_it_was_written(world, drive):
    me = world["me"].id
    messaging.save_draft(me, ["bob"], "", "Bob, about the backfill — 🚀")
    messaging.save_draft(me, [], "", "Dave, one more thing…", conversation_id=world["conversations"]["dave"])
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        assert re.search(r"0 Dra\w* 2", bar(pilot.app))
        await drive.press(pilot, "0")
        assert sorted(drive.titles(pilot.app)) == ["Bob Stone", "Dave Kim"]
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter")
        compose = pilot.app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.query_one("#to").value == "bob"
        assert compose.query_one("#body").text == "Bob, about the backfill — 🚀"
        await drive.press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert drive.titles(pilot.app) == ["Dave Kim"]  # sending removed the draft
        await drive.press(pilot, "enter")
        thread = pilot.app.screen
        assert isinstance(thread, ThreadScreen) and thread.conversation_id == world["conversations"]["dave"]
        box = thread.query_one("#reply", ReplyBox)
        assert box.text == "Dave, one more thing…" and box.has_focus
        await drive.press(pilot, "enter")
        assert messaging.drafts(me) == []


async def test_escape_in_compose_keeps_a_draft_that_drafts_lists(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "c")
        await pilot.press(*"carol")
        await drive.press(pilot, "tab")
        await pilot.press(*"Lunch 🍜")
        await drive.press(pilot, "escape")
        await drive.press(pilot, "0")
        assert drive.titles(pilot.app) == ["Carol Diaz"]
        await drive.press(pilot, "d")
        assert drive.titles(pilot.app) == []
        assert messaging.drafts(world["me"].id) == []


async def test_the_reply_box_takes_several_lines_and_counts_them(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Bob Stone")
        await drive.press(pilot, "r")
        await pilot.press(*"Line one")
        await drive.press(pilot, "ctrl+j")
        await pilot.press(*"Line two")
        await drive.press(pilot, "alt+enter")
        await pilot.press(*"Три")
        box = thread.query_one("#reply", ReplyBox)
        assert box.text == "Line one\nLine two\nТри"
        assert box.size.height == 3
        assert str(thread.query_one("#reply-counter").render()) == "21 / 28,000"
        await drive.press(pilot, "ctrl+s")
        assert box.text == ""
        [last] = inbox.messages(world["me"].id, world["conversations"]["bob"], limit=1)
        assert last.body == "Line one\nLine two\nТри"


async def test_with_enter_sends_off_enter_starts_a_new_line(world, drive):
    app = drive.app(world["me"])
    app.config = {"enter-sends": False}
    async with app.run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Bob Stone")
        await drive.press(pilot, "r")
        await pilot.press(*"Hi", "enter", *"there")
        box = thread.query_one("#reply", ReplyBox)
        assert box.text == "Hi\nthere"
        await drive.press(pilot, "ctrl+s")
        assert box.text == ""


async def test_ctrl_e_edits_the_reply_in_the_editor_and_shows_escapes_literally(world, drive, tmp_path,
                                                                                  monkeypatch):
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\nprintf 'edited \\033[31mred\\033[0m' > \"$1\"\n")
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        # The test terminal can't be handed over, so stand in for the suspension.
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        thread = await open_thread(pilot, drive, "Bob Stone")
        await drive.press(pilot, "r", "ctrl+e")
        box = thread.query_one("#reply", ReplyBox)
        assert box.text == "edited \x1b[31mred\x1b[0m"  # kept exactly
        drawn = "".join(segment.text for segment in box.render_line(0))
        assert "\x1b" not in drawn and "␛[31mred" in drawn
        assert len(drawn) == box.size.width


async def test_what_is_typed_while_a_reply_goes_out_stays_in_the_box(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Bob Stone")
        await drive.press(pilot, "r")
        await pilot.press(*"First", "enter", *"Second")
        await drive.settle(pilot)
        assert thread.query_one("#reply", ReplyBox).text == "Second"
        [last] = inbox.messages(world["me"].id, world["conversations"]["bob"], limit=1)
        assert last.body == "First"
