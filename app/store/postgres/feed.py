"""The change feed on PostgreSQL: triggers write it, a notification says it grew.

Every insert into the change table wakes listeners (LISTEN parley_change); the
payload is the schema's name, so stores that share a database in different
schemas do not wake each other's screens. A watcher LISTENs on its own psycopg
connection and reads its socket only when something has arrived there. If that
connection is lost, it reads the change table on every poll until it can listen
again.
"""

from __future__ import annotations

import select
import time
from typing import TYPE_CHECKING, Any

from app.store import changes
from app.store.backend import ChangeFeed
from app.store.postgres.listen import close_quietly, listening

if TYPE_CHECKING:
    import psycopg

CHANGE_CHANNEL = "parley_change"
# A bulk load sets this for its transaction alone: the rows it writes note no change each.
FEED_SETTING = "parley.feed"
# How long a watcher that lost its listener waits before trying again.
RELISTEN_AFTER = 5.0
# How the listening connection shows in pg_stat_activity.
LISTENER_NAME = "parley-live"


def create_change_feed(db) -> None:
    """The signal on the change table, its pruning, and a trigger per source of changes."""
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION parley_change_signal() RETURNS trigger AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANGE_CHANNEL}', TG_TABLE_SCHEMA); RETURN NULL; END "
        "$$ LANGUAGE plpgsql"
    )
    db.execute_sql("DROP TRIGGER IF EXISTS change_signal ON change")
    db.execute_sql(
        "CREATE TRIGGER change_signal AFTER INSERT ON change "
        "FOR EACH STATEMENT EXECUTE FUNCTION parley_change_signal()"
    )
    _trigger(db, "change_pruned", "change", "INSERT", f"{changes.PRUNE};",
             when=f"mod(NEW.id, {changes.PRUNE_EVERY}) = 0")
    for source in changes.SOURCES:
        for event in source.events:
            rows = ", ".join(f"(now() AT TIME ZONE 'utc', {values})" for values in source.values(event))
            when = f"current_setting('{FEED_SETTING}', true) IS DISTINCT FROM 'off'"
            if event == "UPDATE":
                when += " AND OLD.* IS DISTINCT FROM NEW.*"  # an update that changes nothing notes nothing
            _trigger(db, source.trigger(event), source.table, event,
                     f"INSERT INTO change (at, member_id, conversation_id, kind) VALUES {rows};", when=when)


def _trigger(db, name: str, table: str, event: str, body: str, when: str) -> None:
    db.execute_sql(
        f"CREATE OR REPLACE FUNCTION parley_{name}() RETURNS trigger AS $$ "
        f"BEGIN {body} RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    db.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
    db.execute_sql(
        f'CREATE TRIGGER {name} AFTER {event} ON "{table}" FOR EACH ROW WHEN ({when}) '
        f"EXECUTE FUNCTION parley_{name}()"
    )


def pause(db) -> None:
    db.execute_sql(f"SET LOCAL {FEED_SETTING} = 'off'")


def resume(db) -> None:
    db.execute_sql(f"SET LOCAL {FEED_SETTING} = 'on'")
    db.execute_sql(changes.EVERYTHING)


class PostgresFeed(ChangeFeed):
    placeholder = "%s"

    def __init__(self, db):
        self._db = db
        self._conn: psycopg.Connection[Any] | None = None
        self._schema: str | None = None
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
            self._conn, self._schema = listening(self._db, LISTENER_NAME, CHANGE_CHANNEL, self._heard)
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
        close_quietly(self._conn)
        self._conn = None

    def close(self) -> None:
        self._drop()
