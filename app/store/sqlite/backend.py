"""The SQLite backend: one file, ``BEGIN IMMEDIATE`` for the write lock, FTS5 for search."""

from __future__ import annotations

import random
import time
from typing import Callable, Iterable, Sequence

from peewee import OperationalError

from app.store import backend
from app.store.errors import is_busy
from app.store.sqlite import counts, feed, search
from app.store.sqlite.checkpoint import Checkpointer


ASK_AGAIN_SECONDS = 0.001


def _bulk():
    """The bulk writers, for imports and the benchmark: loaded when first used, not by every command."""
    from app.store.sqlite import bulk

    return bulk


class _Committing:
    """A write transaction that tells the checkpointer when it has committed."""

    def __init__(self, txn, checkpointer: Checkpointer) -> None:
        self.txn, self.checkpointer = txn, checkpointer

    def __exit__(self, kind, error, trace):
        suppressed = self.txn.__exit__(kind, error, trace)
        if kind is None:
            self.checkpointer.committed()
        return suppressed


class SqliteBackend(backend.Backend):
    def __init__(self, db) -> None:
        super().__init__(db)
        self.checkpointer = Checkpointer(db.database)

    def release(self) -> None:
        from app.store.sqlite.connect import closed_here

        self.checkpointer.stop()
        closed_here(self.db.database)

    # --- writing: the write lock is the whole store's, so no row needs one of its own

    def begin_write(self, *, rows_locked: bool = False):
        """One writer at a time, whatever the unit locks: its lock is held from BEGIN to COMMIT.

        SQLite's own wait for a busy store sleeps longer each time (up to 100 ms a try), so
        among several writers most of the wait would be spent asleep after the lock was
        free: here the store is asked again every millisecond or two, for as long as the
        connection's busy timeout.
        """
        timeout_ms = self.db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
        deadline = time.monotonic() + timeout_ms / 1000
        self.db.execute_sql("PRAGMA busy_timeout = 0")
        try:
            while True:
                txn = self.db.atomic("IMMEDIATE")
                try:
                    txn.__enter__()
                    return _Committing(txn, self.checkpointer)
                except OperationalError as exc:
                    if not is_busy(exc) or time.monotonic() >= deadline:
                        raise
                time.sleep(ASK_AGAIN_SECONDS * (1 + random.random()))
        finally:
            self.db.execute_sql(f"PRAGMA busy_timeout = {int(timeout_ms)}")

    def lock_rows(self, model, ids: Sequence[int]) -> None:
        return None

    # --- schema

    def create_search_index(self) -> None:
        search.create_index()

    def rebuild_search_index(self) -> None:
        search.rebuild_index()

    def rebuild_people_index(self) -> None:
        search.add_people_index()

    def create_state_counts(self) -> None:
        counts.create(self.db.execute_sql)

    def create_change_feed(self) -> None:
        feed.create_change_feed(self.db.execute_sql)

    # --- the full-text index

    def add_messages(self, rows: Iterable[Sequence]) -> None:
        search.index_messages(list(rows))

    def add_message(self, message_id: int, subject: str, body: str, people: Callable[[], str]) -> None:
        search.index_message(message_id, subject, body)

    def refresh_people(self, conversation_ids: Sequence[int]) -> None:
        search.refresh_people(conversation_ids)

    def matching_messages(self, member_id, phrases, **options):
        return search.matching_messages(member_id, phrases, **options)

    def conversations_containing(self, conversation_ids, phrases) -> set[int]:
        return search.conversations_containing(conversation_ids, phrases)

    # --- bulk writing

    def take_ids(self, model, n: int) -> Sequence[int]:
        return _bulk().take_ids(model, n)

    def indexes_rebuilt(self, model, adding: int):
        return _bulk().indexes_rebuilt(model, adding)

    def message_index(self, people: Callable[[], dict[int, str]]) -> backend.MessageIndex:
        return _bulk().MessageIndex()

    def time_ordered_insert(self, model, fields, order_by) -> backend.TimeOrderedInsert:
        return _bulk().TimeOrderedInsert(model, fields, order_by)

    # --- the change feed

    def data_version(self) -> int:
        return self.db.execute_sql("PRAGMA data_version").fetchone()[0]

    def pause_feed(self) -> None:
        feed.pause(self.db.execute_sql)

    def resume_feed(self) -> None:
        feed.resume(self.db.execute_sql)

    def change_feed(self) -> backend.ChangeFeed:
        return feed.SqliteFeed(self.db.database)

    def signals(self) -> backend.Signals:
        from app.store.sqlite.signals import FileSignals

        return FileSignals(self.db.database)
