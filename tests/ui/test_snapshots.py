"""Every screen and dialog, drawn from the demo store on the fixed clock, at 80x24 and 120x40.

The steps to reach each screen are the ones `python -m app.ui.screenshots` uses.
Accept a changed picture with `--snapshot-update` only after looking at it.
"""

from __future__ import annotations

import time

import pytest

from app.ui import screenshots
from app.ui.screenshots import SHOTS, Shot

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    return screenshots.build_demo_store(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def fixed_world(monkeypatch):
    """The fixed clock, UTC and Unicode markers, whatever this machine says."""
    monkeypatch.setenv("PARLEY_NOW", screenshots.FIXED_NOW)
    monkeypatch.setenv("PARLEY_GLYPHS", "unicode")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("shot", SHOTS, ids=lambda shot: shot.name)
def test_screen(shot: Shot, size, demo_store, fixed_world, tmp_path, snap_compare):
    app = screenshots.open_app(screenshots.fresh_copy(demo_store, tmp_path, shot), empty=shot.empty_store)

    async def walk_there(pilot) -> None:
        await screenshots.settle(pilot)
        await shot.steps(pilot)
        await screenshots.hold_still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=walk_there)



@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("thread", [True, False], ids=["thread", "inbox"])
def test_shared_inbox_shows_who_else_is_on_it(thread, size, demo_store, fixed_world, tmp_path, snap_compare):
    """Maya's inbox worked by her delegates Omar Haddad and Lena Vogel, seen by Omar: Lena replies
    in the first conversation, Maya has it and the third open, signalled as their own processes would."""
    from app.core import members, team
    from app.core.presence import REPLYING, VIEWING
    from app.store import backend
    from app.ui.mailbox import Mailbox
    from app.ui.widgets.conversation_list import ConversationList

    shot = Shot(f"shared-{'thread' if thread else 'inbox'}", "Who else is on it", screenshots.inbox)
    app = screenshots.open_app(screenshots.fresh_copy(demo_store, tmp_path, shot))
    omar = members.member_view(members.add_member("omar", "Omar Haddad"))
    lena = members.add_member("lena", "Lena Vogel").id
    for delegate in ("omar", "lena"):
        team.add_delegate(app.member.id, app.member.handle, delegate)
    app.mailbox = Mailbox(app.member, author=omar)
    elsewhere = backend.current().signals()

    def heard(screen) -> bool:
        if thread:
            return screen.has_class("-presence")
        return len(screen.query_one(ConversationList).open_by_teammates) == 2

    async def walk_there(pilot) -> None:
        await screenshots.settle(pilot)
        rows = pilot.app.screen.query_one(ConversationList).loaded_rows()
        elsewhere.send(VIEWING, rows[0].id, lena)
        elsewhere.send(REPLYING, rows[0].id, lena)
        elsewhere.send(VIEWING, rows[0].id, app.member.id)
        elsewhere.send(VIEWING, rows[2].id, app.member.id)
        if thread:
            await screenshots.press(pilot, "enter")
        for _ in range(100):  # the thread's poll (twice a second) or the list's (every second) hears them
            if heard(pilot.app.screen):
                break
            await pilot.pause(0.05)
        await screenshots.settle(pilot)
        await screenshots.hold_still(pilot)

    try:
        assert snap_compare(app, terminal_size=size, run_before=walk_there)
    finally:
        elsewhere.close()
