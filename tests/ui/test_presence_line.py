"""Who is on it, in the screens of a shared inbox: the thread's line naming the teammates who
have it open or are replying, and the list's mark on the conversations a teammate has open.

Omar Haddad works in Maya Chen's inbox (her support seat) as her delegate: Maya is his
teammate there. A second process stands for another teammate.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from app.core import members, messaging, team
from app.core.presence import REPLYING, VIEWING
from app.store import backend
from app.ui import text
from app.ui.mailbox import Mailbox
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.conversation_list import ConversationList

ROOT = Path(__file__).resolve().parents[2]


def _staffed(drive, inbox, author):
    """The app as `author` working in `inbox`'s inbox."""
    app = drive.app(inbox)
    app.mailbox = Mailbox(inbox, author=author)
    return app


def _line(app) -> str:
    return str(app.screen.query_one("#presence", Static).render())


async def _open(pilot, drive, title: str) -> ThreadScreen:
    await drive.settle(pilot)
    await drive.highlight(pilot, title)
    await drive.press(pilot, "enter")
    assert isinstance(pilot.app.screen, ThreadScreen)
    return pilot.app.screen


@pytest.fixture
def omar(world):
    """Omar, a delegate of the world's own member."""
    omar = members.member_view(members.add_member("omar", "Omar Haddad"))
    team.add_delegate(world["me"].id, world["me"].handle, "omar")
    return omar


async def test_the_thread_names_a_teammate_who_has_it_open_and_never_anyone_else(world, omar, drive):
    elsewhere = backend.current().signals()  # other processes on the same store
    conversation = world["conversations"]["bob"]
    app = _staffed(drive, world["me"], omar)
    try:
        async with app.run_test(size=drive.size) as pilot:
            thread = await _open(pilot, drive, "Bob Stone")
            elsewhere.send(VIEWING, conversation, world["bob"].id)  # the other party: no teammate
            elsewhere.send(VIEWING, conversation + 1, world["me"].id)  # another conversation
            await pilot.pause(0.8)
            assert _line(app) == "" and not thread.has_class("-presence")
            elsewhere.send(VIEWING, conversation, world["me"].id)
            await drive.until(pilot, lambda: _line(app) == "Maya Chen is viewing", 1.0)
            assert thread.has_class("-presence")
            elsewhere.send(REPLYING, conversation, world["me"].id)
            await drive.until(pilot, lambda: _line(app) == "Maya Chen is replying…", 1.0)
            elsewhere.send(REPLYING, conversation, world["me"].id, on=False)
            elsewhere.send(VIEWING, conversation, world["me"].id, on=False)
            await drive.until(pilot, lambda: _line(app) == "", 1.0)
            assert not thread.has_class("-presence")
    finally:
        elsewhere.close()


async def test_the_reply_box_tells_teammates_a_reply_is_under_way_until_it_is_sent(world, omar, drive):
    listening = backend.current().signals()
    conversation = world["conversations"]["carol"]

    def heard() -> set[str]:
        return {kind for (kind, member) in listening.heard(conversation) if member == omar.id}

    app = _staffed(drive, world["me"], omar)
    try:
        async with app.run_test(size=drive.size) as pilot:
            await _open(pilot, drive, "Carol Diaz")
            await drive.until(pilot, lambda: heard() == {VIEWING}, 1.0)
            await drive.press(pilot, "r")
            await pilot.press(*"Ja, Donnerstag passt — 木曜日")
            await drive.until(pilot, lambda: heard() == {VIEWING, REPLYING}, 1.0)
            await drive.press(pilot, "enter")  # sent
            await drive.until(pilot, lambda: heard() == {VIEWING}, 1.0)
            await drive.press(pilot, "escape", "escape")  # out of the box, out of the thread
            await drive.until(pilot, lambda: heard() == set(), 1.0)
    finally:
        listening.close()


async def test_a_dialog_over_the_thread_does_not_take_the_author_out_of_it(world, omar, drive):
    listening = backend.current().signals()
    conversation = world["conversations"]["bob"]
    app = _staffed(drive, world["me"], omar)
    try:
        async with app.run_test(size=drive.size) as pilot:
            thread = await _open(pilot, drive, "Bob Stone")
            await drive.press(pilot, "exclamation_mark")  # the report dialog
            assert app.screen is not thread
            await pilot.pause(0.3)
            assert (VIEWING, omar.id) in listening.heard(conversation)
            await drive.press(pilot, "escape")
            assert app.screen is thread
            await pilot.pause(0.3)
            assert (VIEWING, omar.id) in listening.heard(conversation)
            elsewhere = backend.current().signals()
            elsewhere.send(VIEWING, conversation, world["me"].id)
            await drive.until(pilot, lambda: _line(app) == "Maya Chen is viewing", 1.0)
            elsewhere.close()
    finally:
        listening.close()


async def test_in_ones_own_inbox_nothing_is_signalled_or_shown(world, drive):
    listening = backend.current().signals()
    conversation = world["conversations"]["bob"]
    app = drive.app(world["me"])
    try:
        async with app.run_test(size=drive.size) as pilot:
            thread = await _open(pilot, drive, "Bob Stone")
            await drive.press(pilot, "r")
            await pilot.press(*"Hola")
            await pilot.pause(0.6)
            assert thread._presence is not None and not thread._presence.active
            assert {kind for kind, _ in listening.heard(conversation)} == {"typing"}  # to Bob, not teammates
            assert _line(app) == ""
    finally:
        listening.close()


@pytest.mark.parametrize(("glyphs", "mark"), [("unicode", "◉"), ("plain", "(open)")])
async def test_the_list_marks_the_conversations_a_teammate_has_open(world, omar, drive, monkeypatch, glyphs, mark):
    monkeypatch.setenv("PARLEY_GLYPHS", glyphs)
    drawn_before, elsewhere = text.glyphs(), backend.current().signals()
    app = _staffed(drive, world["me"], omar)
    try:
        async with app.run_test(size=drive.size) as pilot:
            await drive.settle(pilot)
            listing = app.screen.query_one(ConversationList)
            carol = drive.titles(app).index("Carol Diaz")
            assert mark not in listing.row_text(carol)
            elsewhere.send(VIEWING, world["conversations"]["carol"], world["me"].id)
            await drive.until(pilot, lambda: mark in listing.row_text(carol), 2.0)
            assert [i for i in range(len(drive.titles(app))) if mark in listing.row_text(i)] == [carol]
            elsewhere.send(VIEWING, world["conversations"]["carol"], world["me"].id, on=False)
            await drive.until(pilot, lambda: mark not in listing.row_text(carol), 2.0)
    finally:
        elsewhere.close()
        text.use_glyphs(drawn_before)  # the app chose them for the whole process


TEAMMATE = textwrap.dedent("""
    import asyncio, sys
    from app.store.db import open_store
    from app.core import members, presence
    from app.ui.app import ParleyApp
    from app.ui.mailbox import Mailbox

    async def main():
        open_store(sys.argv[1])
        inbox = members.member_view(members.member_by_handle("acme"))
        lena = members.member_view(members.member_by_handle("lena"))
        app = ParleyApp(inbox, members.get_settings(inbox.id), {}, live=False)
        app.mailbox = Mailbox(inbox, author=lena)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.5)
            app.thread_screen().show_conversation(int(sys.argv[2]))
            app.push_screen(app.thread_screen())
            await pilot.pause(0.3)
            print("opened", flush=True)
            await asyncio.sleep(float(sys.argv[3]))
            await pilot.press("escape")
            await pilot.pause(0.3)
            print("left", flush=True)
            await asyncio.sleep(float(sys.argv[3]))
    asyncio.run(main())
""")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_teammate_opening_the_conversation_in_another_process_shows_within_a_second(
        store, store_target, backend, drive, tmp_path, monkeypatch):
    acme = members.add_member("acme", "Acme Support")
    omar = members.member_view(members.add_member("omar", "Omar Haddad"))
    members.add_member("lena", "Lena Vogel")
    customer = members.add_member("zoe", "Zoë Ångström")
    members.connect("zoe", "acme")
    conversation = messaging.send(customer.id, ["acme"], "Где мой заказ? 📦").conversation
    team.add_delegate(acme.id, "acme", "omar")
    team.add_delegate(acme.id, "acme", "lena")
    env = {**os.environ, "PARLEY_CONFIG": str(tmp_path / "none.toml")}
    app = _staffed(drive, members.member_view(acme), omar)
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        app.thread_screen().show_conversation(conversation)
        app.push_screen(app.thread_screen())
        await drive.settle(pilot)
        teammate = subprocess.Popen([sys.executable, "-c", TEAMMATE, store_target, str(conversation), "2.0"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        try:
            assert await drive.read_line(pilot, teammate) == "opened", teammate.stderr.read()
            opened_at = time.monotonic()
            await drive.until(pilot, lambda: _line(app) == "Lena Vogel is viewing", 1.0)
            assert time.monotonic() - opened_at < 1.0
            assert await drive.read_line(pilot, teammate) == "left", teammate.stderr.read()
            # Still running, but out of the thread: gone at once, not five seconds later.
            await drive.until(pilot, lambda: _line(app) == "", 1.0)
            assert teammate.poll() is None
        finally:
            teammate.kill()
            teammate.wait()

