"""Regenerate screenshots/*.svg: every screen, drawn from the demo store on the fixed clock.

    python -m app.ui.screenshots            # writes screenshots/<screen>.svg at 120x40
    python -m app.ui.screenshots --size 80x24 --out /tmp/shots

The demo store is built once in a temporary folder; each screen starts from a
fresh copy of it, so opening a thread (which marks it read) never shows in the
next picture. The snapshot tests walk to the screens with the same steps.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, TextArea
from textual.worker import WorkerCancelled

FIXED_NOW = "2026-03-02T09:00:00Z"
ACTING = "me"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def fix_environment() -> None:
    """The same picture on every machine: the fixed clock, UTC, Unicode markers."""
    os.environ["PARLEY_NOW"] = FIXED_NOW
    os.environ["PARLEY_GLYPHS"] = "unicode"
    os.environ["TZ"] = "UTC"
    time.tzset()


async def settle(pilot: Pilot) -> None:
    """Wait until the screen's workers are done and their results are drawn."""
    for _ in range(3):
        # A worker whose screen closed meanwhile ends cancelled: expected, not a failure.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()


async def press(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def hold_still(pilot: Pilot) -> None:
    """The same picture every time: cursors shown, not blinking, and the footer's keys drawn.

    The footer draws its keys a refresh after the bindings settle, which may be after
    the workers finish; asking for it and waiting two refreshes makes that certain.
    """
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False
    pilot.app.screen.refresh_bindings()
    await settle(pilot)
    await pilot.pause(0.1)
    await pilot.pause(0.1)


async def inbox(pilot: Pilot) -> None:
    await settle(pilot)


async def inbox_two_line(pilot: Pilot) -> None:
    await press(pilot, "v")


async def search_results(pilot: Pilot) -> None:
    await press(pilot, "slash")
    for key in "Northwind":
        await pilot.press(key)
    await press(pilot, "enter")


async def thread(pilot: Pilot) -> None:
    await press(pilot, "enter")


async def compose(pilot: Pilot) -> None:
    await press(pilot, "c")
    screen = pilot.app.screen
    screen.query_one("#to", Input).value = "chloe-evans"
    await settle(pilot)
    screen.query_one("#subject", Input).value = "Staff data engineer at Northwind"
    screen.query_one("#body", TextArea).insert(
        "Hi Chloe,\n\nI lead data hiring at Northwind. Your talk on streaming joins was "
        "excellent. Would you have 20 minutes next week?\n\nMaya"
    )
    await settle(pilot)


async def settings(pilot: Pilot) -> None:
    await press(pilot, "comma")


async def plan_and_credits(pilot: Pilot) -> None:
    await press(pilot, "comma", "p")


async def report(pilot: Pilot) -> None:
    await press(pilot, "exclamation_mark")


async def drafts(pilot: Pilot) -> None:
    await press(pilot, "0")


async def invitations(pilot: Pilot) -> None:
    await press(pilot, "i")


async def template_picker(pilot: Pilot) -> None:
    await press(pilot, "c")
    pilot.app.screen.query_one("#to", Input).value = "chloe-evans"
    await settle(pilot)
    await press(pilot, "ctrl+t")


async def typing(pilot: Pilot) -> None:
    """A one-to-one thread while the other side types: its signal sent as their process would."""
    from app.core.typing_indicator import TYPING
    from app.store import backend
    from app.ui.screens.thread import ThreadScreen
    from app.ui.widgets.conversation_list import ConversationList

    conversations = pilot.app.screen.query_one(ConversationList)
    conversations.cursor = next(i for i, row in enumerate(conversations.loaded_rows())
                                if row.kind == "direct" and not row.inmail)
    await press(pilot, "enter")
    await settle(pilot)
    thread = pilot.app.screen
    assert isinstance(thread, ThreadScreen) and thread._typing is not None and thread.conversation_id is not None
    backend.current().signals().send(TYPING, thread.conversation_id, thread._typing.other_id or 0)
    await pilot.pause(0.8)
    await settle(pilot)


def shared_inbox_story() -> int:
    """Maya's inbox worked with two teammates: Priya assigns the newest conversation to Daniel
    and leaves a note, Daniel answers for the inbox, Priya stars it. The conversation's id."""
    from datetime import datetime

    from app.core import inbox, members, messaging, moderation, team

    me = members.member_by_handle(ACTING)
    priya, daniel = members.member_by_handle("priya-raman"), members.member_by_handle("daniel-okafor")
    team.add_delegate(me.id, ACTING, priya.handle, datetime(2026, 3, 2, 8, 30))
    team.add_delegate(me.id, ACTING, daniel.handle, datetime(2026, 3, 2, 8, 31))
    conversation = inbox.page(me.id, "all", limit=1)[0].id
    team.assign(me.id, priya.id, conversation, daniel.handle, datetime(2026, 3, 2, 8, 40))
    team.note(me.id, priya.id, conversation, "Kevin was on my team at Meridian: strong on streaming. "
              "Daniel, could you offer him a referral call this week?", datetime(2026, 3, 2, 8, 41))
    messaging.reply(me.id, conversation, "Congratulations, Kevin! Happy to talk it through: "
                    "Thursday at 4pm?", now=datetime(2026, 3, 2, 8, 52), author_id=daniel.id)
    moderation.apply(me.id, "star", [conversation], datetime(2026, 3, 2, 8, 53), author_id=priya.id)
    return conversation


async def thread_with_note(pilot: Pilot) -> None:
    from app.ui.app import ParleyApp

    app = pilot.app
    assert isinstance(app, ParleyApp)
    app.open_conversation(shared_inbox_story())
    await settle(pilot)


async def history(pilot: Pilot) -> None:
    await thread_with_note(pilot)
    await press(pilot, "H")


async def shared_inbox(pilot: Pilot) -> None:
    """Northwind Support's inbox, which Maya works in with a teammate (I, then the first other inbox)."""
    await press(pilot, "I", "enter")


async def help_keys(pilot: Pilot) -> None:
    await press(pilot, "question_mark")


async def confirm_plan_change(pilot: Pilot) -> None:
    await press(pilot, "comma", "p")
    pilot.app.screen.query_one("#plan-choice", Select).value = "premium-career"
    pilot.app.screen.query_one("#change-plan", Button).press()
    await settle(pilot)


@dataclass(frozen=True)
class Shot:
    name: str  # the file's stem
    title: str  # the caption in the README
    steps: Callable[[Pilot], Awaitable[None]]
    empty_store: bool = False


SHOTS: tuple[Shot, ...] = (
    Shot("inbox", "Inbox", inbox),
    Shot("inbox-two-line", "Inbox, two-line rows", inbox_two_line),
    Shot("search", "Search results", search_results),
    Shot("thread", "Thread", thread),
    Shot("compose", "Compose", compose),
    Shot("settings", "Settings", settings),
    Shot("plan-and-credits", "Plan & credits", plan_and_credits),
    Shot("report", "Report", report),
    Shot("drafts", "Drafts", drafts),
    Shot("invitations", "Invitations", invitations),
    Shot("templates", "Inserting a saved reply", template_picker),
    Shot("typing", "A thread while the other side types", typing),
    Shot("thread-note", "A shared inbox's thread: an internal note, and who wrote the answer", thread_with_note),
    Shot("history", "Who did what in a conversation", history),
    Shot("shared-inbox", "A shared inbox, with who each conversation is assigned to", shared_inbox),
    Shot("help", "Help", help_keys),
    Shot("confirm", "Confirm a plan change", confirm_plan_change),
    Shot("empty-store", "An empty store", inbox, empty_store=True),
)


def build_demo_store(folder: Path) -> Path:
    """The demo store, built once; copy it before opening it in an app."""
    from app.demo.build import build_demo

    path = folder / "demo.db"
    # The demo's story ends at the fixed clock; every effect it settles must use that clock too.
    saved = os.environ.get("PARLEY_NOW")
    os.environ["PARLEY_NOW"] = FIXED_NOW
    try:
        build_demo(path)
    finally:
        if saved is None:
            os.environ.pop("PARLEY_NOW", None)
        else:
            os.environ["PARLEY_NOW"] = saved
    return path


def open_app(store_path: Path, *, empty: bool = False):
    """The Parley app on a store, acting as the demo's own member (the app as `parley demo` opens it)."""
    from app.core import members
    from app.store.db import open_store
    from app.ui.app import ParleyApp

    open_store(str(store_path))
    if empty:
        return ParleyApp(None, {}, {}, live=False)
    member = members.member_view(members.member_by_handle(ACTING))
    return ParleyApp(member, members.get_settings(member.id), {}, live=False)


def fresh_copy(demo: Path, folder: Path, shot: Shot) -> Path:
    target = folder / f"{shot.name}.db"
    for suffix in ("-wal", "-shm", ""):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    if shot.empty_store:
        return target
    shutil.copyfile(demo, target)
    return target


async def take(app, shot: Shot, size: tuple[int, int]) -> str:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await shot.steps(pilot)
        await hold_still(pilot)
        return app.export_screenshot(title=f"Parley · {shot.title}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SCREENSHOTS, help="folder for the SVGs (default: screenshots/)")
    parser.add_argument("--size", default="120x40", help="terminal size, WIDTHxHEIGHT (default: 120x40)")
    args = parser.parse_args(argv)
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size {args.size!r} is not WIDTHxHEIGHT, e.g. 120x40.")
    fix_environment()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parley-screens-") as scratch:
        folder = Path(scratch)
        demo = build_demo_store(folder)
        for shot in SHOTS:
            app = open_app(fresh_copy(demo, folder, shot), empty=shot.empty_store)
            svg = asyncio.run(take(app, shot, (width, height)))
            (args.out / f"{shot.name}.svg").write_text(svg, encoding="utf-8")
            print(f"{args.out / shot.name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
