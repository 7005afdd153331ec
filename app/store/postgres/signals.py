"""Signals between processes on one PostgreSQL store, as notifications (NOTIFY parley_signal).

Nothing is written to any table: a signal is a notification whose payload names the
store's schema, the kind, the conversation and the member, and whether it is on. Each
process LISTENs on a connection of its own and notes when it heard each signal, on its
own monotonic clock; a signal not heard again for a while is no longer reported, so a
process that dies while signalling leaves nothing behind.
"""

from __future__ import annotations

import select
import threading
import time
from typing import Any

from app.store.backend import Signals
from app.store.postgres.listen import close_quietly, listening

SIGNAL_CHANNEL = "parley_signal"
# A signal not heard again for this long is dropped (its sender is gone or stopped).
STALE_AFTER = 60.0
LISTENER_NAME = "parley-signals"


class NotifySignals(Signals):
    def __init__(self, db):
        self._db = db
        self._lock = threading.Lock()
        self._heard: dict[tuple[str, int, int], float] = {}
        self._mine: set[tuple[str, int, int]] = set()
        self._conn: Any = None
        self._schema = ""
        self._connect()

    def _connect(self) -> None:
        try:
            self._conn, self._schema = listening(self._db, LISTENER_NAME, SIGNAL_CHANNEL, self._note)
        except Exception:  # no listener: signals are neither sent nor heard, and nothing breaks
            self._conn = None

    def _note(self, note) -> None:
        schema, _, rest = note.payload.partition("|")
        if schema != self._schema:
            return
        try:
            kind, conversation, member, on = rest.split("|")
            key = (kind, int(conversation), int(member))
        except ValueError:
            return
        if on == "1":
            self._heard[key] = time.monotonic()
        else:
            self._heard.pop(key, None)

    def send(self, kind: str, conversation_id: int, member_id: int, on: bool = True) -> None:
        key = (kind, int(conversation_id), int(member_id))
        (self._mine.add if on else self._mine.discard)(key)
        payload = f"{self._schema}|{key[0]}|{key[1]}|{key[2]}|{1 if on else 0}"
        with self._lock:
            if self._conn is None:
                return
            try:
                self._conn.execute("SELECT pg_notify(%s, %s)", (SIGNAL_CHANNEL, payload))
            except Exception:
                self._drop()

    def signals_on(self) -> dict[tuple[str, int, int], float]:
        """Every signal on: what arrived since the last look is read first, stale ones dropped."""
        with self._lock:
            if self._conn is not None:
                try:
                    waiting, _, _ = select.select([self._conn.fileno()], [], [], 0)
                    if waiting:  # reading the socket hands its notifications to _note
                        self._conn.execute("SELECT 1")
                except Exception:
                    self._drop()
            now = time.monotonic()
            for key in [key for key, at in self._heard.items() if now - at > STALE_AFTER]:
                del self._heard[key]
            return dict(self._heard)

    def close(self) -> None:
        for kind, conversation, member in list(self._mine):
            self.send(kind, conversation, member, on=False)
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        close_quietly(self._conn)
        self._conn = None
