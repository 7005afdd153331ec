"""Undo for triage: the session's history of steps, and the order steps are taken in.

Every triage action (archive, delete, mute, star, read, spam and their reverses, on
one conversation or many) is one step; the core's token holds the flags each
conversation had before it, so `z` puts back exactly those. Keys typed ahead are
taken one at a time (`TriageSteps`): each acts on what the one before it left,
so a burst of `e e` archives two conversations in two steps, never one twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

# The sentence for each action, done or undone.
DONE = {
    "archive": "Archived", "unarchive": "Moved to the inbox", "delete": "Deleted",
    "mute": "Muted", "unmute": "Unmuted", "star": "Starred", "unstar": "Unstarred",
    "read": "Marked read", "unread": "Marked unread", "spam": "Moved to Spam",
    "not-spam": "Moved out of Spam",
}
UNDONE = {
    "archive": "Unarchived", "unarchive": "Archived again", "delete": "Restored",
    "mute": "Unmuted", "unmute": "Muted again", "star": "Unstarred", "unstar": "Starred again",
    "read": "Marked unread again", "unread": "Marked read again", "spam": "Moved out of Spam",
    "not-spam": "Moved back to Spam",
}
# The fewest steps kept; deletes are kept for the whole session whatever their number.
LEVELS = 50


def _conversations(count: int) -> str:
    return f"{count} conversation" if count == 1 else f"{count} conversations"


def done_sentence(action: str, count: int) -> str:
    """What a step did, for the status line; a step that changed nothing says so."""
    if count == 0:
        return "Nothing to change: it is that way already."
    return f"{DONE[action]}: {_conversations(count)} (z to undo)."


def undone_sentence(action: str, count: int) -> str:
    return f"Undone: {UNDONE[action].lower()}, {_conversations(count)}."


class UndoHistory:
    """The steps that can be undone, newest last: LEVELS of them, and every delete."""

    def __init__(self) -> None:
        self._steps: list[Any] = []

    def __len__(self) -> int:
        return len(self._steps)

    def record(self, token: Any) -> int:
        """Keep a step; how many conversations it changed (a step that changed none is not kept)."""
        changed = len(token.previous)
        if not changed:
            return 0
        self._steps.append(token)
        if len(self._steps) > LEVELS:
            oldest = next((step for step in self._steps if step.action != "delete"), None)
            if oldest is not None:
                self._steps.remove(oldest)
        return changed

    def take(self) -> Any | None:
        """The newest step, taken off the history; None when there is nothing to undo."""
        return self._steps.pop() if self._steps else None


Step = Callable[[Callable[[], None]], None]


class TriageSteps:
    """Steps run one after another, in the order their keys came; each calls `done` when the
    screen shows what it did, and only then does the next one start."""

    def __init__(self) -> None:
        self._waiting: deque[Step] = deque()
        self._running = False

    @property
    def busy(self) -> bool:
        return self._running

    def add(self, step: Step) -> None:
        self._waiting.append(step)
        if not self._running:
            self._next()

    def clear(self) -> None:
        self._waiting.clear()
        self._running = False

    def _next(self) -> None:
        if not self._waiting:
            self._running = False
            return
        self._running = True
        step = self._waiting.popleft()
        finished = False

        def done() -> None:
            nonlocal finished
            if not finished:
                finished = True
                self._next()

        step(done)
