"""Reading conversations in a row: J, K and N from a thread, q and escape back, j and k scroll."""

from __future__ import annotations

from app.core import inbox, messaging
from app.ui.screens.inbox import InboxScreen
from app.ui.screens.thread import ThreadScreen
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.message_view import MessageView

# The world's inbox, newest first.
ORDER = ["Sam Spammer", "Jane Smith", "Dave Kim", "Carol Diaz", "Bob Stone"]


def shown_title(app) -> str:
    """The conversation the thread screen shows, by its title line."""
    assert isinstance(app.screen, ThreadScreen)
    return str(app.screen.query_one("#thread-title").render())



async def test_J_opens_the_next_conversation_from_a_thread(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "enter")
        assert ORDER[0] in shown_title(pilot.app)
        for title in ORDER[1:]:
            await drive.press(pilot, "J")
            assert title in shown_title(pilot.app)
        # Every conversation read in a row was marked read, without going back once.
        assert inbox.counts(world["me"].id).unread_by_filter["all"] == 0


async def test_K_opens_the_previous_conversation_and_stops_at_the_first(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Dave Kim")
        await drive.press(pilot, "enter")
        await drive.press(pilot, "K")
        assert "Jane Smith" in shown_title(pilot.app)
        await drive.press(pilot, "K", "K")
        assert "Sam Spammer" in shown_title(pilot.app)
        assert any("first conversation" in notice for notice in drive.notices(pilot.app))
        await drive.press(pilot, "escape")
        # Back on the list, the cursor stands on the conversation read last.
        shown = pilot.app.screen.query_one(ConversationList)
        assert shown.current is not None and shown.current.title == "Sam Spammer"


async def test_J_walks_the_search_results_not_the_whole_inbox(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "slash")
        await pilot.press(*"director")  # Jane's subject; Bob's headline (Data Engineer) does not match
        await drive.press(pilot, "enter")
        await drive.press(pilot, "enter")
        assert "Jane Smith" in shown_title(pilot.app)
        await drive.press(pilot, "J")
        assert "Jane Smith" in shown_title(pilot.app)
        assert any("last conversation" in notice for notice in drive.notices(pilot.app))


async def test_N_opens_the_next_unread_from_the_list_and_from_a_thread(world, drive):
    me = world["me"].id
    inbox.mark_read(me, world["conversations"]["jane"])
    inbox.mark_read(me, world["conversations"]["dave"])
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "N")  # from Sam's row: Jane and Dave are read, Carol is next
        assert "Carol Diaz" in shown_title(pilot.app)
        await drive.press(pilot, "N")
        assert "Bob Stone" in shown_title(pilot.app)
        await drive.press(pilot, "N")
        assert "Bob Stone" in shown_title(pilot.app)
        assert any("No unread conversation" in notice for notice in drive.notices(pilot.app))


async def test_n_in_a_thread_is_still_the_no_thanks_quick_reply(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Jane Smith")
        await drive.press(pilot, "enter", "n")
        reply = pilot.app.screen.query_one("#reply")
        assert reply.has_focus and reply.value


async def test_q_in_a_thread_goes_back_to_the_list(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "enter", "q")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert pilot.app.is_running
        await drive.press(pilot, "enter", "escape")
        assert isinstance(pilot.app.screen, InboxScreen)


async def test_q_on_the_inbox_quits_at_once(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_j_and_k_scroll_a_long_thread(world, drive):
    conversation = world["conversations"]["bob"]
    for n in range(40):
        messaging.reply(world["bob"].id, conversation, f"Line {n} of the backfill report.\nΣημείωση {n}.")
    async with drive.app(world["me"]).run_test(size=(80, 24)) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter")
        view = pilot.app.screen.query_one(MessageView)
        await drive.until(pilot, lambda: (view.max_scroll_y > 0 and view.scroll_offset.y == view.max_scroll_y))
        bottom = view.scroll_offset.y
        await drive.press(pilot, "k", "k", "k")
        assert view.scroll_offset.y == bottom - 3
        await drive.press(pilot, "j")
        assert view.scroll_offset.y == bottom - 2


async def test_a_burst_of_keys_reads_five_conversations_in_a_row(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        # Typed ahead without a pause: open, then J four times, then back.
        await pilot.press("enter", "J", "J", "J", "J")
        await drive.settle(pilot)
        assert "Bob Stone" in shown_title(pilot.app)
        await drive.press(pilot, "q")
        assert isinstance(pilot.app.screen, InboxScreen)
        assert inbox.counts(world["me"].id).unread_by_filter["all"] == 0


async def test_an_error_in_a_thread_clears_on_escape_and_the_next_escape_goes_back(world, drive):
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Bob Stone")
        await drive.press(pilot, "enter", "r", "space", "enter")
        thread = pilot.app.screen
        assert thread.has_class("-error")
        await drive.press(pilot, "escape")
        assert not thread.has_class("-error") and pilot.app.screen is thread
        await drive.press(pilot, "escape")
        assert isinstance(pilot.app.screen, InboxScreen)
