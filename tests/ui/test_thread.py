"""The thread screen as a user drives it, against a real store."""

from __future__ import annotations

import time
from datetime import timedelta

from app.core import clock, credits, inbox, members, messaging
from app.store.db import write
from app.store.models import Conversation, ConversationState, Message
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.thread import BANNER, ThreadScreen
from app.ui.widgets.message_view import MessageView
from app.ui.widgets.profile_panel import ProfilePanel


def message_lines(app) -> str:
    return "\n".join(app.screen.query_one(MessageView).lines_text())


async def open_thread(pilot, drive, title: str) -> ThreadScreen:
    await drive.settle(pilot)
    await drive.highlight(pilot, title)
    await drive.press(pilot, "enter")
    assert isinstance(pilot.app.screen, ThreadScreen)
    return pilot.app.screen


async def test_accept_with_a_quick_reply_gives_the_sender_the_credit_back(world, drive):
    jane = world["jane"].id
    spent = credits.balance(jane)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Jane Smith")
        assert thread.has_class("-quick")
        lines = message_lines(pilot.app)
        assert "[InMail]" in lines and "Subject: Director of Data at Hireco" in lines
        await drive.press(pilot, "y")
        box = thread.query_one("#reply")
        assert box.value == "Yes, interested"
        await pilot.press(*", happy to talk")
        await drive.press(pilot, "enter")
        assert credits.balance(jane) == spent + 1
        assert not thread.has_class("-quick")
        assert "Yes, interested, happy to talk" in message_lines(pilot.app)
        assert thread.view.inmail_status == "accepted"


async def test_a_reply_that_breaks_a_rule_says_why_inline(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Bob Stone")
        await drive.press(pilot, "r", "space", "enter")
        assert thread.has_class("-error")
        assert str(thread.query_one("#thread-error").render())


async def test_a_recalled_message_shows_the_placeholder(world, drive):
    messaging.reply(world["me"].id, world["conversations"]["bob"], "Oops, wrong thread")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, "Bob Stone")
        assert "Oops, wrong thread" in message_lines(pilot.app)
        await drive.press(pilot, "R")
        lines = message_lines(pilot.app)
        assert "This message was deleted." in lines and "Oops, wrong thread" not in lines


async def test_the_profile_panel_shows_degree_and_shared_connections(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, "Carol Diaz")
        await drive.press(pilot, "p")
        panel = pilot.app.screen.query_one(ProfilePanel)
        text = panel.render().plain
        assert "Carol Diaz" in text and "1st" in text and "Analyst" in text
        assert "1 shared connection" in text and "Bob Stone" in text


async def test_links_from_a_stranger_show_the_banner_until_marked_safe(world, drive):
    messaging.send(world["carol"].id, ["me"], "See https://example.com/deck for details")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Carol Diaz")
        assert thread.has_class("-banner")
        assert BANNER in str(thread.query_one("#banner-text").render())
        await drive.press(pilot, "tab")
        thread.query_one("#banner-safe").press()
        await drive.settle(pilot)
        assert not thread.has_class("-banner")


async def test_seen_shows_under_my_message_the_other_side_read(world, drive):
    conversation = world["conversations"]["bob"]
    messaging.reply(world["me"].id, conversation, "Great, thanks!")
    inbox.mark_read(world["bob"].id, conversation)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, "Bob Stone")
        assert message_lines(pilot.app).rstrip().endswith("Seen")


async def test_an_attachment_is_listed_and_saved(world, drive, tmp_path, monkeypatch):
    messaging.send(world["bob"].id, ["me"], "The report", attachments=[("q1.csv", b"a,b\n1,2\n", "text/csv")])
    monkeypatch.chdir(tmp_path)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        thread = await open_thread(pilot, drive, "Bob Stone")
        assert "q1.csv (8 B)" in message_lines(pilot.app)
        await drive.press(pilot, "a")
        assert thread.query_one("#save-path").value == str(tmp_path / "q1.csv")
        await drive.press(pilot, "enter")
        assert (tmp_path / "q1.csv").read_bytes() == b"a,b\n1,2\n"


def long_thread(me: int, other: int, conversation_id: int, count: int) -> None:
    """Add `count` messages to a conversation in one transaction (as delivery leaves them)."""
    start = clock.now() - timedelta(days=30)
    rows = [
        {"conversation": conversation_id, "sender": me if i % 2 else other, "kind": "message",
         "body": f"Message number {i}\nwith a second line", "sent_at": start + timedelta(minutes=i)}
        for i in range(count)
    ]
    with write():
        Message.insert_many(rows).execute()
        Conversation.update(message_count=Conversation.message_count + count).where(
            Conversation.id == conversation_id).execute()
        ConversationState.update(last_at=clock.now()).where(
            ConversationState.conversation == conversation_id).execute()


async def test_a_thousand_message_thread_opens_fast_and_loads_older_pages(world, drive):
    me = world["me"].id
    conversation = world["conversations"]["bob"]
    long_thread(me, world["bob"].id, conversation, 1000)
    messaging.reply(world["bob"].id, conversation, "And the newest one.")
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        started = time.monotonic()
        await drive.press(pilot, "enter")
        opened = time.monotonic() - started
        view = pilot.app.screen.query_one(MessageView)
        assert "And the newest one." in message_lines(pilot.app)
        assert len(view.messages) == 200 and view.has_older
        assert opened < 2.0
        await drive.press(pilot, "g")
        await drive.settle(pilot)
        assert len(view.messages) > 200
        assert view.current is not None


async def test_archive_from_the_thread_goes_back_to_the_inbox(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, "Dave Kim")
        await drive.press(pilot, "e")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert "Dave Kim" not in drive.titles(pilot.app)
        assert inbox.counts(world["me"].id)["archived"] == 1
        assert members.get_settings(world["me"].id)["notifications"]


async def test_the_command_palette_offers_the_thread_actions(world, drive):
    from app.ui.app import ActionsProvider

    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await open_thread(pilot, drive, "Bob Stone")
        names = [hit.text async for hit in ActionsProvider(pilot.app.screen).discover()]
        for wanted in ("Reply", "Profile", "Save attachment", "Recall message", "Archive", "Back"):
            assert wanted in names
        assert "Copy selected text" not in names
