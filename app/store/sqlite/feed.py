"""The change feed on SQLite: triggers write it, ``PRAGMA data_version`` says it grew.

A watcher keeps a connection of its own: ``PRAGMA data_version`` on it changes
whenever another connection commits, and reading it costs no I/O.
"""

from __future__ import annotations

import sqlite3

from app.store import changes
from app.store.backend import ChangeFeed
from app.store.models import ALL_MODELS

PRUNE_TRIGGER = "change_pruned"


def triggers() -> list[tuple[str, str]]:
    """(name, CREATE statement) of every trigger that writes or prunes the feed."""
    made = [(PRUNE_TRIGGER, f"CREATE TRIGGER {PRUNE_TRIGGER} AFTER INSERT ON change "
                            f"WHEN NEW.id % {changes.PRUNE_EVERY} = 0 BEGIN {changes.PRUNE}; END")]
    for source in changes.SOURCES:
        for event in source.events:
            rows = ", ".join(f"(CURRENT_TIMESTAMP, {values})" for values in source.values(event))
            made.append((source.trigger(event), (
                f'CREATE TRIGGER {source.trigger(event)} AFTER {event} ON "{source.table}" '
                f"{_when_changed(source.table) if event == 'UPDATE' else ''}BEGIN "
                f"INSERT INTO change (at, member_id, conversation_id, kind) VALUES {rows}; END"
            )))
    return made


def _when_changed(table: str) -> str:
    """An update that leaves every column as it was notes nothing."""
    model = next(model for model in ALL_MODELS if model._meta.table_name == table)
    columns = [field.column_name for field in model._meta.sorted_fields]
    return "WHEN " + " OR ".join(f'OLD."{column}" IS NOT NEW."{column}"' for column in columns) + " "


def feed_triggers() -> list[tuple[str, str]]:
    """The triggers that write the feed (not its pruning): what a bulk load pauses."""
    return [(name, sql) for name, sql in triggers() if name != PRUNE_TRIGGER]


def create_change_feed(execute) -> None:
    for name, sql in triggers():
        execute(f'DROP TRIGGER IF EXISTS "{name}"')
        execute(sql)


def pause(execute) -> None:
    """Drop the feed's triggers inside the caller's transaction (a rollback brings them back).

    ``execute`` runs one statement: Peewee's or a plain sqlite3 connection's.
    """
    for name, _sql in feed_triggers():
        execute(f'DROP TRIGGER IF EXISTS "{name}"')


def resume(execute) -> None:
    """Make the feed's triggers again and note one change for everyone, in the same transaction."""
    for _name, sql in feed_triggers():
        execute(sql)
    execute(changes.EVERYTHING)


class SqliteFeed(ChangeFeed):
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
