"""A small real store for the inbox and thread tests, and helpers to drive the app."""

from __future__ import annotations

import contextlib
import time

import pytest
from textual.worker import WorkerCancelled

from app.core import members, messaging
from app.store.db import open_store
from app.ui.app import ParleyApp

SIZE = (100, 30)
FIXED_NOW = "2026-03-02T09:00:00Z"


@pytest.fixture
def ui_store(tmp_path, clock):
    """A fresh SQLite store: the screens' tests run on the embedded default."""
    st = open_store(str(tmp_path / "parley.db"))
    yield st
    st.close()


@pytest.fixture
def world(ui_store, clock):
    """Maya ("me", Premium Business) and the people who wrote to her.

    Bob and Carol are connections; Jane (Premium Career) sends Maya an InMail;
    Sam is a stranger whose message Maya will report.
    """
    clock("2026-03-02T08:00:00Z")  # everyone joins before the first letter is written
    me = members.add_member("me", "Maya Chen", headline="Engineering Manager", company="Northwind",
                            plan="premium-business")
    bob = members.add_member("bob", "Bob Stone", headline="Data Engineer", company="Northwind")
    carol = members.add_member("carol", "Carol Diaz", headline="Analyst", company="Acme")
    dave = members.add_member("dave", "Dave Kim", company="Acme")
    jane = members.add_member("jane", "Jane Smith", headline="Recruiter", company="Hireco",
                              plan="premium-career")
    sam = members.add_member("sam", "Sam Spammer", plan="premium-career")
    for other in ("bob", "carol", "dave"):
        members.connect("me", other)
    members.connect("bob", "carol")
    members.connect("jane", "bob")
    letters = [
        ("bob", "The pipeline backfill finished overnight.", None),
        ("carol", "Lunch on Thursday? The quarterly numbers look good.", None),
        ("dave", "Could you review my design doc?", None),
        ("jane", "Hi Maya, would you consider a director role?", "Director of Data at Hireco"),
        ("sam", "Buy followers cheap!!!", "Grow fast"),
    ]
    sent = {}
    for minute, (handle, body, subject) in enumerate(letters, 1):
        # A minute apart, so the list's order is the order written.
        clock(f"2026-03-02T08:0{minute}:00Z")
        sender = members.member_view(members.member_by_handle(handle))
        sent[handle] = messaging.send(sender.id, ["me"], body, subject=subject)
    clock(FIXED_NOW)
    return {"me": me, "bob": bob, "carol": carol, "dave": dave, "jane": jane, "sam": sam,
            "conversations": {name: result.conversation for name, result in sent.items()}}


class Drive:
    """Helpers to start the app and drive it like a user (the `drive` fixture)."""

    size = SIZE

    @staticmethod
    def app(member, *, live: bool = False) -> ParleyApp:
        return ParleyApp(member, members.get_settings(member.id), {}, live=live)


    @staticmethod
    async def settle(pilot) -> None:
        """Let the screens' workers finish and their results be drawn."""
        for _ in range(3):
            with contextlib.suppress(WorkerCancelled):
                await pilot.app.workers.wait_for_complete()
            await pilot.pause()


    @staticmethod
    async def press(pilot, *keys: str) -> None:
        await pilot.press(*keys)
        await Drive.settle(pilot)


    @staticmethod
    async def until(pilot, condition, seconds: float = 2.0) -> float:
        """Pause until `condition()` holds; how long it took (fails after `seconds`)."""
        start = time.monotonic()
        while not condition():
            if time.monotonic() - start > seconds:
                raise AssertionError(f"not within {seconds} s")
            await pilot.pause(0.05)
        return time.monotonic() - start


    @staticmethod
    async def read_line(pilot, process, seconds: float = 30) -> str:
        """The next line another process prints, read while the app runs ("" after `seconds`)."""
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if selector.select(timeout=0):
                return process.stdout.readline().strip()
            await pilot.pause(0.05)
        return ""

    @staticmethod
    def notices(app) -> list[str]:
        """What the app has told the user: the status line's note on each screen, and any toast."""
        from app.ui.widgets.status_line import StatusLine

        notes = [line.note for screen in app.screen_stack for line in screen.query(StatusLine) if line.note]
        return notes + [str(notification.message) for notification in app._notifications]

    @staticmethod
    def titles(app) -> list[str]:
        """The titles of the conversation list's rows, as loaded, in order."""
        from app.ui.widgets.conversation_list import ConversationList

        return [row.title for row in app.screen.query_one(ConversationList).loaded_rows()]


    @staticmethod
    async def highlight(pilot, title: str) -> None:
        """Move the list's cursor to the row with this title."""
        from app.ui.widgets.conversation_list import ConversationList

        conversations = pilot.app.screen.query_one(ConversationList)
        rows = conversations.loaded_rows()
        conversations.cursor = next(i for i, row in enumerate(rows) if row.title == title)
        await pilot.pause()


@pytest.fixture
def drive() -> type[Drive]:
    return Drive


@pytest.fixture(scope="session")
def big_store_file(tmp_path_factory):
    """A synthetic store of 300 conversations (the benchmark's generator), built once."""
    from app.bench.data import build

    path = tmp_path_factory.mktemp("big") / "big.db"
    build(str(path), 3000, now=clock_instant(FIXED_NOW))
    from app.store.models import database

    database.obj.close()
    return path


def clock_instant(text: str):
    from app.core.clock import parse_instant

    return parse_instant(text)


@pytest.fixture
def big_store(big_store_file, tmp_path, clock):
    """A copy of the synthetic store for one test, opened."""
    import shutil

    path = tmp_path / "big.db"
    shutil.copy(big_store_file, path)
    st = open_store(str(path))
    yield st
    st.close()
