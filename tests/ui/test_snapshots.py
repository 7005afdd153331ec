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
