"""Live updates: which conversations other connections changed since the last look.

An open inbox calls ``ChangeWatcher(member_id).poll()`` every half second or so.
Each poll first asks a cheap question, "did anyone commit?", and only then reads
the change feed (the ``change`` table the store's triggers append to, see
``app.store.changes``). How the question is asked is the backend's: SQLite's
``PRAGMA data_version``, PostgreSQL's notifications.

The watcher owns a connection of its own because Peewee gives each thread its own
connection, and a screen may poll from any worker thread.
"""

from __future__ import annotations

import sqlite3
import threading

from peewee import PeeweeException

from app.store import backend

# On PostgreSQL change ids are drawn when a row is inserted, not when it commits, so a
# slow transaction can commit an id lower than one already seen. Each read looks this
# many ids back and skips the ones it has already reported.
LOOKBACK = 1000

_CHANGES_SQL = (
    'SELECT c.id, c.conversation_id FROM "change" AS c '
    "WHERE c.id > {p} AND (c.member_id = {p} OR (c.member_id IS NULL AND "
    "(c.conversation_id IS NULL OR EXISTS (SELECT 1 FROM conversation_state AS s "
    "WHERE s.conversation_id = c.conversation_id AND s.member_id = {p})))) "
    "ORDER BY c.id"
)
_LATEST_SQL = 'SELECT coalesce(max(id), 0) FROM "change"'
_RECENT_SQL = 'SELECT id FROM "change" WHERE id > {p}'


class ChangeWatcher:
    """Reports the conversations changed for one member since the previous poll."""

    def __init__(self, member_id: int):
        self.member_id = member_id
        self._feed = backend.current().change_feed()
        self._sql = _CHANGES_SQL.format(p=self._feed.placeholder)
        self._lock = threading.Lock()
        self._unread = False  # a commit was signalled but the feed could not be read
        # Everything already committed counts as seen; only later commits are news.
        self._last = self._feed.rows(_LATEST_SQL, ())[0][0]
        self._seen: set[int] = {
            row[0] for row in self._feed.rows(_RECENT_SQL.format(p=self._feed.placeholder), (self._last - LOOKBACK,))
        }

    def poll(self) -> set[int] | None:
        """Ids of conversations changed since the last poll; None when nothing changed.

        An empty set means something concerning the member changed that belongs to
        no conversation (credits, settings, a new member): refresh the status line.
        """
        with self._lock:
            try:
                if not (self._unread or self._feed.committed()):
                    return None
                low = max(self._last - LOOKBACK, 0)
                rows = self._feed.rows(self._sql, (low, self.member_id, self.member_id))
            except (sqlite3.Error, PeeweeException):
                # A store that is briefly unreachable is not news yet: the next poll reads
                # the feed whatever the cheap check says, so no commit goes unreported.
                self._unread = True
                return None
            self._unread = False
            fresh = [(change_id, conversation) for change_id, conversation in rows if change_id not in self._seen]
            if not fresh:
                return None
            self._seen.update(change_id for change_id, _ in fresh)
            self._last = max(self._last, max(change_id for change_id, _ in fresh))
            floor = self._last - LOOKBACK
            self._seen = {change_id for change_id in self._seen if change_id > floor}
            return {conversation for _, conversation in fresh if conversation is not None}

    def close(self) -> None:
        with self._lock:
            self._feed.close()

    def __enter__(self) -> "ChangeWatcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
