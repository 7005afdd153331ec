"""Who is on it: in a shared inbox, "Omar Haddad is viewing" and "Omar Haddad is replying…"
in a teammate's open thread, and a mark on the list's rows a teammate has open.

Teammates are the other members who work in the same inbox; only they hear one another,
never the other party. An open thread signals "viewing" at once and then every
``SIGNAL_EVERY`` seconds while it stays open, and "replying" likewise while its reply box
holds text; a signal not renewed for ``SHOWN_FOR`` seconds is gone, so a process that dies
drops out on its own, and leaving, sending or emptying the box ends its signal at once.
Signals travel by the store's `Signals` (a runtime folder, or notifications): nothing
durable is written, per key or otherwise. Every time here is the real monotonic clock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from app.core import team
from app.store import backend
from app.store.backend import Signals
from app.store.models import Member, tuples

VIEWING = "viewing"
REPLYING = "replying"
SIGNAL_EVERY = 2.0
SHOWN_FOR = 5.0


def teammates_of(inbox_id: int, author_id: int) -> frozenset[int]:
    """The members other than the author who work in this inbox: its own member and its
    delegates (``app.core.team``); an inbox nobody shares has none."""
    return team.team(inbox_id) - {author_id}


def _fresh(sent: float, now: float) -> bool:
    return now - sent <= SHOWN_FOR


def open_by_teammates(conversation_ids: Iterable[int], teammates: frozenset[int], author_id: int,
                      signals: Signals) -> set[int]:
    """Which of these conversations (the rows on screen) a teammate has open now."""
    wanted = set(conversation_ids)
    now = time.monotonic()
    return {conversation for (conversation, member), sent in signals.heard_any(VIEWING).items()
            if conversation in wanted and member in teammates and member != author_id and _fresh(sent, now)}


def said(names: list[str], verb: str) -> str:
    """ "Omar Haddad is viewing", "Lena Vogel and Omar Haddad are viewing", "A, B and C are …"."""
    if len(names) == 1:
        return f"{names[0]} is {verb}"
    return f"{', '.join(names[:-1])} and {names[-1]} are {verb}"


class Presence:
    """One open thread in a shared inbox: signalling the author's own presence, hearing the
    teammates'. With no teammates nobody could hear it: it neither signals nor listens."""

    def __init__(self, conversation_id: int, author_id: int, teammates: frozenset[int],
                 signals: Signals | None = None):
        self.conversation_id = conversation_id
        self.author_id = author_id
        self.teammates = frozenset(teammates) - {author_id}
        self._signals = signals
        if self._signals is None and self.teammates:
            self._signals = backend.current().signals()
        self._last: dict[str, float] = {}  # kind → when it last went out
        self._replying = False
        self._names: dict[int, str] = {}

    @property
    def active(self) -> bool:
        return self._signals is not None and bool(self.teammates)

    def _send(self, kind: str, on: bool = True) -> None:
        assert self._signals is not None
        if on:
            self._last[kind] = time.monotonic()
        elif self._last.pop(kind, None) is None:
            return  # never went out: nothing to stop
        self._signals.send(kind, self.conversation_id, self.author_id, on=on)

    def _due(self, kind: str) -> bool:
        last = self._last.get(kind)
        return last is None or time.monotonic() - last >= SIGNAL_EVERY

    def open(self) -> None:
        """The thread is shown: teammates see the author viewing it at once."""
        if self.active:
            self._send(VIEWING)

    def due(self, replying: bool) -> bool:
        """Whether the reply box, now empty or not, would send a signal: no I/O, so the
        screen asks before handing a key to a worker."""
        if not self.active:
            return False
        if replying:
            return not self._replying or self._due(REPLYING)
        return self._replying

    def reply(self, replying: bool) -> None:
        """The reply box changed: it holds text (replying, at most one signal every two
        seconds), or it was emptied or sent (replying ends at once)."""
        if not self.due(replying):
            return
        self._replying = replying
        self._send(REPLYING, on=replying)

    def beat(self) -> None:
        """Renew what is on before it goes stale (the screen's poll calls this)."""
        if not self.active:
            return
        for kind in (VIEWING, REPLYING):
            if kind in self._last and self._due(kind):
                self._send(kind)

    def who(self) -> str | None:
        """ "Omar Haddad is replying… · Lena Vogel is viewing" for the teammates on this
        conversation now, each by name in order; None when nobody is."""
        if not self.active:
            return None
        assert self._signals is not None
        now = time.monotonic()
        on: dict[str, set[int]] = {VIEWING: set(), REPLYING: set()}
        for (kind, member), sent in self._signals.heard(self.conversation_id).items():
            if kind in on and member in self.teammates and _fresh(sent, now):
                on[kind].add(member)
        on[VIEWING] -= on[REPLYING]  # replying says more than viewing
        if not on[VIEWING] and not on[REPLYING]:
            return None
        self._learn_names(on[VIEWING] | on[REPLYING])
        parts = [said(sorted((self._names[m] for m in on[kind]), key=str.casefold), verb)
                 for kind, verb in ((REPLYING, "replying…"), (VIEWING, "viewing")) if on[kind]]
        return " · ".join(parts)

    def _learn_names(self, member_ids: set[int]) -> None:
        """Each teammate's name, read once."""
        unknown = member_ids - self._names.keys()
        if unknown:
            self._names.update(tuples(Member.select(Member.id, Member.name).where(Member.id.in_(unknown))))

    def close(self) -> None:
        """Leaving the thread: the author's viewing and replying end at once for everyone."""
        if self._signals is None:
            return
        self._replying = False
        for kind in list(self._last):
            self._send(kind, on=False)
        self._signals.close()
        self._signals = None
