"""A store that fails under the screens: a sentence on screen, and the app stays open.

Each test makes one core call fail the way a store does (busy, read-only, gone,
a disk error) while a worker runs it, then checks what the user sees.
"""

from __future__ import annotations

from peewee import DatabaseError, OperationalError
from textual.widgets import Input, Static, Switch, TextArea

from app.core import inbox, members, messaging, moderation
from app.store.errors import StoreError
from app.store.errors import BUSY
from app.ui.screens.compose import ComposeScreen
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.settings import SettingsScreen
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.filter_bar import FilterBar
from app.ui.widgets.message_view import MessageView
from app.ui.widgets.status_line import StatusLine


def failing(monkeypatch, module, name: str, error: Exception) -> None:
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(module, name, fail)


def notices(app) -> list[str]:
    """The status line's note on each screen, and any toast."""
    notes = [line.note for screen in app.screen_stack for line in screen.query(StatusLine) if line.note]
    return notes + [str(notification.message) for notification in app._notifications]


async def test_a_busy_store_while_the_inbox_loads_is_a_sentence_and_the_app_stays_open(world, drive, monkeypatch):
    failing(monkeypatch, inbox, "counts", OperationalError("database is locked"))
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        assert BUSY in notices(pilot.app)
        assert pilot.app.is_running and isinstance(pilot.app.screen, InboxScreen)
        # Once the store answers again, so does the inbox.
        monkeypatch.undo()
        pilot.app.screen.refresh_from_store()
        await drive.settle(pilot)
        assert pilot.app.screen.counts.unread_by_filter["all"] == 5


async def test_a_read_only_store_refuses_an_archive_with_a_sentence(world, drive, monkeypatch):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        failing(monkeypatch, moderation, "apply", OperationalError("attempt to write a readonly database"))
        await drive.press(pilot, "e")
        assert "The store is read-only; Parley needs to write to it." in notices(pilot.app)
        assert pilot.app.is_running and "Bob Stone" in drive.titles(pilot.app)


async def test_a_store_gone_while_opening_a_thread_goes_back_with_its_sentence(world, drive, monkeypatch):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        failing(monkeypatch, inbox, "thread", StoreError("The store can't be reached; is the server running?"))
        await drive.press(pilot, "enter")
        assert "The store can't be reached; is the server running?" in notices(pilot.app)
        assert pilot.app.is_running and isinstance(pilot.app.screen, InboxScreen)


async def test_a_disk_error_while_sending_keeps_compose_open_and_says_so(world, drive, monkeypatch):
    failing(monkeypatch, messaging, "send", DatabaseError("disk I/O error"))
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "c")
        compose = pilot.app.screen
        assert isinstance(compose, ComposeScreen)
        compose.query_one("#to", Input).value = "bob"
        compose.query_one("#body", TextArea).load_text("The numbers, as promised.")
        await drive.press(pilot, "ctrl+s")
        assert pilot.app.is_running and pilot.app.screen is compose
        assert str(compose.query_one("#error", Static).render()) == "The store failed: disk I/O error."


async def test_a_busy_store_while_saving_a_toggle_puts_the_switch_back(world, drive, monkeypatch):
    failing(monkeypatch, members, "update_setting", OperationalError("database is locked"))
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, ",")
        assert isinstance(pilot.app.screen, SettingsScreen)
        switch = pilot.app.screen.query_one("#set-allow-inmail", Switch)
        assert switch.value
        await drive.press(pilot, "enter")
        assert BUSY in notices(pilot.app)
        assert switch.value and pilot.app.is_running
        assert members.get_settings(world["me"].id)["allow-inmail"]


async def test_the_inbox_beneath_settings_follows_focused_inbox_at_once(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        inbox_screen = pilot.app.screen
        await drive.press(pilot, ",")
        pilot.app.screen.query_one("#set-focused-inbox", Switch).toggle()
        await drive.settle(pilot)
        assert isinstance(pilot.app.screen, SettingsScreen)
        bar = inbox_screen.query_one(FilterBar).render().plain
        assert "Focused" not in bar and "Other" not in bar


async def test_a_message_sent_from_compose_shows_in_the_thread_beneath(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter")
        thread = pilot.app.screen
        assert isinstance(thread, ThreadScreen)
        await drive.press(pilot, "c")
        compose = pilot.app.screen
        compose.query_one("#to", Input).value = "bob"
        compose.query_one("#body", TextArea).load_text("Thanks, the backfill numbers look right.")
        await drive.press(pilot, "ctrl+s")
        assert pilot.app.screen is thread
        newest = thread.query_one(MessageView).messages[-1]
        assert newest.body == "Thanks, the backfill numbers look right."


async def test_a_change_feed_that_cannot_open_says_live_updates_stopped(world, drive, monkeypatch):
    import sqlite3

    from app.store import live

    failing(monkeypatch, live.ChangeWatcher, "__init__", sqlite3.OperationalError("unable to open database file"))
    async with drive.app(world["me"], live=True).run_test(size=drive.size) as pilot:
        await drive.until(pilot, lambda: any(n.startswith("Live updates stopped.") for n in notices(pilot.app)))
        assert "Live updates stopped. The store failed: unable to open database file." in notices(pilot.app)
        await drive.press(pilot, "j")
        assert pilot.app.is_running and isinstance(pilot.app.screen, InboxScreen)
