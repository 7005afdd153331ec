"""Live updates: which conversations other connections changed since the last look.

An open inbox calls ``ChangeWatcher(member_id).poll()`` every half second or so.
Each poll first asks a cheap question, "did anyone commit?", and only then reads
the change feed (the ``change`` table every writer appends to through
``app.store.changes.record``):

- SQLite: ``PRAGMA data_version`` on the watcher's own connection changes
  whenever another connection commits; reading it costs no I/O.
- PostgreSQL: a trigger on the change table sends a notification on
  ``parley_change``; the watcher LISTENs on its own psycopg connection and
  reads its socket only when something has arrived there. If that connection is lost, it
  reads the change table on every poll until it can listen again.

The watcher owns a connection of its own because Peewee gives each thread its own
connection, and a screen may poll from any worker thread.
"""

from __future__ import annotations

import select
import sqlite3
import threading
import time

from peewee import PeeweeException, SqliteDatabase

from app.store.models import database

# On PostgreSQL change ids are drawn when a row is inserted, not when it commits, so a
# slow transaction can commit an id lower than one already seen. Each read looks this
# many ids back and skips the ones it has already reported.
LOOKBACK = 1000
# How long a watcher that lost its PostgreSQL listener waits before trying again.
RELISTEN_AFTER = 5.0
# How the listening connection shows in pg_stat_activity.
LISTENER_NAME = "parley-live"

_CHANGES_SQL = (
    'SELECT c.id, c.conversation_id FROM "change" AS c '
    "WHERE c.id > {p} AND (c.member_id = {p} OR (c.member_id IS NULL AND "
    "(c.conversation_id IS NULL OR EXISTS (SELECT 1 FROM conversation_state AS s "
    "WHERE s.conversation_id = c.conversation_id AND s.member_id = {p})))) "
    "ORDER BY c.id"
)
_LATEST_SQL = 'SELECT coalesce(max(id), 0) FROM "change"'
_RECENT_SQL = 'SELECT id FROM "change" WHERE id > {p}'


class _SqliteFeed:
    placeholder = "?"

    def __init__(self, path: str):
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=15)
        self._conn.execute("PRAGMA busy_timeout = 15000")
        self._version = self._data_version()

    def _data_version(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def committed(self) -> bool:
        version = self._data_version()
        changed, self._version = version != self._version, version
        return changed

    def rows(self, sql: str, params: tuple) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


class _PostgresFeed:
    placeholder = "%s"

    def __init__(self, db):
        from app.store.postgres import CHANGE_CHANNEL

        self._db = db
        self._channel = CHANGE_CHANNEL
        self._conn = None
        self._schema = None
        self._pending = False
        self._next_try = 0.0
        self._listen()

    def _listen(self) -> None:
        """Open the listening connection; without it every poll reads the table."""
        self._next_try = time.monotonic() + RELISTEN_AFTER
        try:
            import psycopg
        except ImportError:  # psycopg2 only: no listener, the table is read every poll
            return
        try:
            params = {**self._db.connect_params, "application_name": LISTENER_NAME}
            conn = psycopg.connect(dbname=self._db.database, autocommit=True, **params)
            self._schema = conn.execute("SELECT current_schema()").fetchone()[0]
            # psycopg hands every notification it reads to this handler, whether it
            # arrived while the connection was idle or running a query.
            conn.add_notify_handler(self._heard)
            conn.execute(f"LISTEN {self._channel}")
            self._conn = conn
        except psycopg.Error:
            self._conn = None

    def committed(self) -> bool:
        if self._conn is None:
            if time.monotonic() >= self._next_try:
                self._listen()
            return True
        try:
            waiting, _, _ = select.select([self._conn.fileno()], [], [], 0)
            if waiting:  # reading the socket hands its notifications to _heard
                self._conn.execute("SELECT 1")
        except Exception:  # the server went away: read the table until we listen again
            self._drop()
            return True
        heard, self._pending = self._pending, False
        return heard

    def _heard(self, note) -> None:
        if note.payload == self._schema:
            self._pending = True

    def rows(self, sql: str, params: tuple) -> list[tuple]:
        if self._conn is not None:
            try:
                return self._conn.execute(sql, params).fetchall()
            except Exception:
                self._drop()
        return list(self._db.execute_sql(sql, params).fetchall())

    def _drop(self) -> None:
        try:
            self._conn.close()
        except Exception:
            pass
        self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            self._drop()


class ChangeWatcher:
    """Reports the conversations changed for one member since the previous poll."""

    def __init__(self, member_id: int):
        self.member_id = member_id
        db = database.obj
        if isinstance(db, SqliteDatabase):
            self._feed = _SqliteFeed(db.database)
        else:
            self._feed = _PostgresFeed(db)
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
