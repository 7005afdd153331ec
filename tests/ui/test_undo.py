"""Undo for every triage action, as a user drives it: one step per action, whatever the key rate."""

from __future__ import annotations

import pytest
from textual import events

from app.core import inbox, moderation
from app.store.models import ConversationState
from app.ui.undo import LEVELS
from app.ui.widgets.conversation_list import ConversationList
from app.ui.widgets.status_line import StatusLine


def flags(me: int) -> dict[int, tuple]:
    """Every conversation's triage flags, as the member's view holds them."""
    states = ConversationState.select().where(ConversationState.member == me)
    return {s.conversation_id: tuple(getattr(s, name) for name in moderation.KEPT) for s in states}


def unread_titles(me: int) -> set[str]:
    return {row.title for row in inbox.page(me, "all", limit=50) if row.unread}


def status(app) -> str:
    return app.screen.query_one(StatusLine).render().plain


async def burst(pilot, *keys: str) -> None:
    """Keys sent at once, without waiting for anything between them (typed ahead, pasted)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_select_all_then_u_is_undone_by_z(world, drive):
    me = world["me"].id
    for name in ("bob", "carol"):
        inbox.mark_read(me, world["conversations"][name])
    before = flags(me)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await burst(pilot, "X", "u")  # typed together: u waits for the selection
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not pilot.app.screen.steps.busy)
        assert unread_titles(me) == set()  # some were unread: all are marked read
        assert "Marked read: 3 conversations" in status(pilot.app)
        await drive.press(pilot, "z")
        assert flags(me) == before  # each conversation's own read state is back
        assert unread_titles(me) == {"Dave Kim", "Jane Smith", "Sam Spammer"}
        await drive.press(pilot, "X", "u", "X", "u")
        assert len(unread_titles(me)) == 5  # all were read: all are marked unread
        await drive.press(pilot, "z")
        assert unread_titles(me) == set()
        await drive.press(pilot, "z")
        assert flags(me) == before


async def test_a_burst_of_archive_keys_records_one_undo_step_each(world, drive):
    me = world["me"].id
    before = flags(me)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        first_two = [row.id for row in pilot.app.screen.query_one(ConversationList).loaded_rows()[:2]]
        await burst(pilot, "e", "e")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not pilot.app.screen.steps.busy)
        assert inbox.counts(me)["archived"] == 2
        assert {row.id for row in inbox.page(me, "archived")} == set(first_two)
        assert len(pilot.app.undo_history) == 2
        await drive.press(pilot, "z")
        assert [row.id for row in inbox.page(me, "archived")] == first_two[:1]
        await drive.press(pilot, "z")
        assert flags(me) == before
        await drive.press(pilot, "z")
        assert "Nothing to undo." in drive.notices(pilot.app)


async def test_a_burst_of_undo_keys_takes_back_each_step_once(world, drive):
    me = world["me"].id
    before = flags(me)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await burst(pilot, "s", "j", "m", "j", "d", "z", "z", "z")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not pilot.app.screen.steps.busy)
        assert flags(me) == before
        assert len(pilot.app.undo_history) == 0


@pytest.mark.parametrize(("keys", "flag"), [
    (("m",), "muted"), (("s",), "starred"), (("u",), "has_unread"), (("e",), "archived"),
    (("d",), "deleted"), (("x", "exclamation_mark"), "spam"),
])
async def test_every_triage_action_is_undone_by_z(world, drive, keys, flag):
    me = world["me"].id
    before = flags(me)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "g", *keys)
        assert flags(me) != before, flag
        await drive.press(pilot, "z")
        assert flags(me) == before, flag


async def test_twenty_steps_and_every_delete_are_undone_in_order(world, drive):
    me = world["me"].id
    before = flags(me)
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.press(pilot, "d")
        for _ in range(LEVELS + 5):
            await pilot.press("s")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not pilot.app.screen.steps.busy)
        # The oldest stars make room; the delete, older than all of them, stays.
        assert len(pilot.app.undo_history) == LEVELS
        for _ in range(LEVELS):
            await pilot.press("z")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not pilot.app.screen.steps.busy, seconds=10)
        assert flags(me) == before


async def test_a_burst_of_keys_in_a_thread_is_one_step_each(world, drive):
    from app.ui.screens.thread import ThreadScreen

    me = world["me"].id
    async with drive.app(world["me"]).run_test(size=drive.size) as pilot:
        await drive.settle(pilot)
        await drive.highlight(pilot, "Carol Diaz")
        await drive.press(pilot, "enter")
        thread = pilot.app.screen
        assert isinstance(thread, ThreadScreen)
        before = flags(me)
        await burst(pilot, "s", "s", "m")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not thread.steps.busy)
        carol = world["conversations"]["carol"]
        state = dict(zip(moderation.KEPT, flags(me)[carol]))
        assert (state["starred"], state["muted"]) == (False, True)  # starred, unstarred, muted
        assert len(pilot.app.undo_history) == 3
        await burst(pilot, "z", "z", "z")
        await drive.settle(pilot)
        await drive.until(pilot, lambda: not thread.steps.busy)
        assert flags(me) == before
