"""Messages written by another connection show up in the open app without a key press."""

from __future__ import annotations

import threading

from app.core import inbox, members, messaging, moderation
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.message_view import MessageView


def write_elsewhere(fn) -> None:
    """Run a write on a thread of its own, so it uses a connection of its own."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # surfaced in the test below
            failures.append(exc)

    writer = threading.Thread(target=run)
    writer.start()
    writer.join()
    assert not failures, failures


async def test_a_new_message_appears_in_the_open_inbox_within_two_seconds(world, drive):
    bells: list[int] = []
    app = drive.app(world["me"], live=True)
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        write_elsewhere(lambda: messaging.send(world["bob"].id, ["me"], "Fresh numbers are in."))
        await drive.until(pilot, lambda: "Fresh numbers are in." in
                          "".join(row.preview for row in
                                  pilot.app.screen.query_one("ConversationList").loaded_rows()[:1]))
        assert pilot.app.screen.counts.unread_by_filter["all"] == 5
        await drive.until(pilot, lambda: bells)
        assert any("Fresh numbers" in notice for notice in drive.notices(pilot.app))


async def arrives_quietly(world, drive, sender: str, title: str) -> None:
    """A message from `sender` reaches the open inbox, without a bell."""
    bells: list[int] = []
    app = drive.app(world["me"], live=True)
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        write_elsewhere(lambda: messaging.send(world[sender].id, ["me"], "Quiet news."))
        await drive.until(pilot, lambda: drive.titles(pilot.app)[:1] == [title])
        await pilot.pause(0.6)
        assert not bells


async def test_a_muted_conversation_updates_quietly(world, drive):
    moderation.apply(world["me"].id, "mute", [world["conversations"]["carol"]])
    await arrives_quietly(world, drive, "carol", "Carol Diaz")


async def test_notifications_off_means_no_bell(world, drive):
    members.update_setting(world["me"].id, "notifications", False)
    await arrives_quietly(world, drive, "dave", "Dave Kim")


async def test_a_reply_appears_in_the_open_thread(world, drive):
    conversation = world["conversations"]["bob"]
    app = drive.app(world["me"], live=True)
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)
        await drive.highlight(pilot, "Bob Stone")
        await pilot.press("enter")
        await drive.until(pilot, lambda: isinstance(pilot.app.screen, ThreadScreen)
                          and pilot.app.screen.query_one(MessageView).messages)
        write_elsewhere(lambda: messaging.reply(world["bob"].id, conversation, "One more thing."))
        view = pilot.app.screen.query_one(MessageView)
        await drive.until(pilot, lambda: "One more thing." in "\n".join(view.lines_text()))


async def test_a_change_that_brings_no_new_message_is_not_news(world, drive):
    me = world["me"].id
    conversation = world["conversations"]["carol"]
    bells: list[int] = []
    app = drive.app(world["me"], live=True)
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=drive.size) as pilot:
        await pilot.pause(0.3)

        def carol_unread() -> int | None:
            rows = pilot.app.screen.query_one("ConversationList").loaded_rows()
            return next((row.unread for row in rows if row.id == conversation), None)

        write_elsewhere(lambda: messaging.send(world["carol"].id, ["me"], "Are we still on?"))
        await drive.until(pilot, lambda: bells == [1])
        write_elsewhere(lambda: inbox.mark_read(me, conversation))
        await drive.until(pilot, lambda: carol_unread() == 0)
        write_elsewhere(lambda: moderation.apply(me, "unread", [conversation]))
        await drive.until(pilot, lambda: carol_unread() == 1)
        await pilot.pause(0.6)
        assert bells == [1]
