"""Invitations, saved replies, typing indicators and news in the screens, driven as a user
would drive them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from app.core import invitations, members, messaging, templates
from app.ui.desktop import notification
from app.ui.screens.compose import ComposeScreen
from app.ui.screens.invitations import InvitationsScreen, InviteDialog
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.status_line import StatusLine

ROOT = Path(__file__).resolve().parents[2]


def status_text(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_an_invitation_waiting_shows_in_the_status_line_and_is_accepted_on_its_page(world, drive):
    invitations.invite(world["jane"].id, "me", "Enjoyed our chat — Ευχαριστώ!")
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        assert "1 invitation (i)" in status_text(app)
        await drive.press(pilot, "i")
        assert isinstance(app.screen, InvitationsScreen)
        listing = app.screen.query_one("#invitations", OptionList)
        shown = str(listing.get_option_at_index(0).prompt)
        assert "Jane Smith" in shown and "Recruiter" in shown and "Ευχαριστώ" in shown
        await drive.press(pilot, "a")
        assert members.is_connected(world["me"].id, world["jane"].id)
        assert any("You and Jane Smith are connected" in notice for notice in drive.notices(app))
        assert not listing.display
        await drive.press(pilot, "escape")
        await drive.settle(pilot)
        assert "invitation" not in status_text(app)


async def test_the_invitations_page_shows_the_ones_you_sent_and_withdraws_them(world, drive):
    invitations.invite(world["me"].id, "sam", "")
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "i")
        assert "waiting for your answer (0)" in str(app.screen.query_one("#invitations-title", Static).render())
        await drive.press(pilot, "tab")
        assert "sent, waiting for an answer (1)" in str(app.screen.query_one("#invitations-title").render())
        await drive.press(pilot, "a")  # accept is for invitations you received: nothing happens
        assert invitations.pending(world["me"].id, sent=True)
        await drive.press(pilot, "w")
        assert invitations.pending(world["me"].id, sent=True) == []


async def test_connect_from_a_threads_profile_sends_an_invitation_with_a_note(world, drive):
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Jane Smith")
        await drive.press(pilot, "enter")
        await drive.press(pilot, "p")
        assert "C  Connect with a note" in str(app.screen.query_one("#profile").render())
        await drive.press(pilot, "C")
        assert isinstance(app.screen, InviteDialog)
        await pilot.press(*"Happy to talk, Ευχαριστώ")
        await drive.press(pilot, "enter")
        assert isinstance(app.screen, ThreadScreen)
    (sent,) = invitations.pending(world["me"].id, sent=True)
    assert (sent.handle, sent.note) == ("jane", "Happy to talk, Ευχαριστώ")


async def test_compose_offers_an_invitation_when_the_route_refuses(world, drive):
    ben = members.add_member("ben", "Ben Okafor, MBA")  # basic plan: no InMail
    app = drive.app(ben)
    async with app.run_test(size=(100, 30)) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "c")
        assert isinstance(app.screen, ComposeScreen)
        await pilot.press(*"jane")
        await drive.settle(pilot)
        route = str(app.screen.query_one("#route", Static).render())
        assert route == "InMail needs a Premium plan. You can invite them to connect instead: ctrl+g."
        await drive.press(pilot, "ctrl+g")
        assert isinstance(app.screen, InviteDialog)
        await drive.press(pilot, "enter")
    assert [i.handle for i in invitations.pending(world["jane"].id)] == ["ben"]


async def test_ctrl_t_in_compose_inserts_a_template_filled_for_the_recipient(world, drive):
    templates.add(world["me"].id, "catch-up", "Hi {first_name}, how is {company}? — {my_first_name}",
                  subject="Catching up")
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "c")
        await pilot.press(*"carol")
        await drive.settle(pilot)
        await drive.press(pilot, "ctrl+t")
        await drive.press(pilot, "enter")
        await drive.settle(pilot)
        assert app.screen.query_one("#body", TextArea).text == "Hi Carol, how is Acme? — Maya"


async def test_ctrl_t_in_the_reply_box_inserts_a_template_for_the_other_side(world, drive):
    templates.add(world["me"].id, "thanks", "Thank you, {first_name}!")
    app = drive.app(world["me"])
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter")
        await drive.press(pilot, "ctrl+t")
        await drive.press(pilot, "enter")
        await drive.settle(pilot)
        assert app.screen.query_one("#reply").text == "Thank you, Bob!"


async def test_a_new_message_notice_offers_o_to_open_it(world, drive):
    from test_live import write_elsewhere

    app = drive.app(world["me"], live=True)
    app.bell = lambda: None
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        write_elsewhere(lambda: messaging.send(world["dave"].id, ["me"], "Doc is ready for you."))
        await drive.until(pilot, lambda: "Dave Kim: Doc is ready for you. · o opens it" in drive.notices(app))
        await pilot.press("o")  # live: the watcher's worker never completes, so no settle()
        await drive.until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        assert app.screen.conversation_id == world["conversations"]["dave"]


def test_a_desktop_notification_is_one_clean_line_through_tmux_too():
    hostile = "Ben\x1b]52;c;ZXZpbA==\x07 Okafor;\u202e"
    plain = notification(hostile, "Line one\nline two\x9b31m", {"TERM": "xterm-256color"})
    assert plain == "\x1b]9;Ben]52;c;ZXZpbA== Okafor;: Line one line two31m\x07"
    vte = notification("Ben; Okafor", "Hi", {"VTE_VERSION": "7600"})
    assert vte == "\x1b]777;notify;Ben, Okafor;Hi\x07"
    through_tmux = notification("Ben", "Hi", {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen"})
    assert through_tmux == "\x1bPtmux;\x1b\x1b]9;Ben: Hi\x07\x1b\\"


TYPIST = textwrap.dedent("""
    import asyncio, sys
    from app.store.db import open_store
    from app.core import members
    from app.ui.app import ParleyApp

    async def main():
        open_store(sys.argv[1])
        ben = members.member_view(members.member_by_handle("ben"))
        app = ParleyApp(ben, members.get_settings(ben.id), {}, live=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause(0.5)
            app.thread_screen().show_conversation(int(sys.argv[2]), reply=True)
            app.push_screen(app.thread_screen())
            await pilot.pause(0.5)
            await pilot.press(*"Одну секунду")
            print("typed", flush=True)
            await asyncio.sleep(float(sys.argv[3]))
    asyncio.run(main())
""")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_the_other_sides_open_thread_shows_typing_within_a_second_and_drops_it_within_five(
        store, store_target, backend, drive, tmp_path):
    ana = members.add_member("ana", "Ana Ruiz")
    members.add_member("ben", "Ben Okafor, MBA")
    members.connect("ana", "ben")
    conversation = messaging.send(ana.id, ["ben"], "Are you there?").conversation
    env = {**os.environ, "PARLEY_CONFIG": str(tmp_path / "none.toml")}
    app = drive.app(ana)
    async with app.run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        app.thread_screen().show_conversation(conversation)
        app.push_screen(app.thread_screen())
        await drive.settle(pilot)
        typing = app.screen.query_one("#typing", Static)
        typist = subprocess.Popen([sys.executable, "-c", TYPIST, store_target, str(conversation), "1.5"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        try:
            line = await drive.read_line(pilot, typist)
            assert line == "typed", typist.stderr.read()
            typed_at = time.monotonic()
            await drive.until(pilot, lambda: str(typing.render()) == "Ben Okafor, MBA is typing…", 1.0)
            assert time.monotonic() - typed_at < 1.0
            # The typist leaves (its thread closes): the indicator goes at once, well within five seconds.
            await drive.until(pilot, lambda: str(typing.render()) == "", 5.0)
        finally:
            typist.kill()
            typist.wait()

