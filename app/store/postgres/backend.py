"""The PostgreSQL backend: an advisory write lock per store, shared by units that lock rows, tsvector search."""

from __future__ import annotations

import functools
from contextlib import nullcontext, suppress
from typing import Callable, Iterable, Sequence

from app.store import backend
from app.store.postgres import counts, feed, search

# One advisory lock per store (schema), held until the transaction ends. Units that lock
# the rows they change (sends, replies, settling) hold it shared, so they run side by side
# and meet only on the rows they share; every other unit holds it alone, so it queues as
# on SQLite. Either waits no longer than SQLite's busy timeout before trying again.
STORE_KEY = "hashtext('parley:' || current_schema())"
WRITE_LOCK = f"SELECT pg_advisory_xact_lock({STORE_KEY})"
SHARED_WRITE_LOCK = f"SELECT pg_advisory_xact_lock_shared({STORE_KEY})"
LOCK_WAIT = "SET LOCAL lock_timeout = '15s'"
# A writer's statements are few and run again and again: PostgreSQL may plan each once for
# any values, where the connection otherwise plans every run afresh for the inbox's reads
# (``TeamDatabase``). Sent with BEGIN, the wait and the lock, in one round trip.
WRITER_PLANS = "SET LOCAL plan_cache_mode = auto"


def _bulk():
    """The bulk writers, for imports and the benchmark: loaded when first used, not by every command."""
    from app.store.postgres import bulk

    return bulk


@functools.lru_cache(maxsize=64)
def _rows_lock(table: str, n: int) -> str:
    """The statement that locks ``n`` rows of ``table`` by id, in id order (made once per shape)."""
    return f'SELECT "id" FROM "{table}" WHERE "id" IN ({", ".join(["%s"] * n)}) ORDER BY "id" FOR UPDATE'


class PostgresBackend(backend.Backend):
    # --- writing

    def begin_write(self, *, rows_locked: bool = False):
        lock = SHARED_WRITE_LOCK if rows_locked else WRITE_LOCK
        # BEGIN, the wait, the plans and the lock go to the server together.
        txn = self.db.atomic(then=f"{LOCK_WAIT}; {WRITER_PLANS}; {lock}")
        try:
            txn.__enter__()
        except BaseException:
            # Waiting for the lock ended the transaction it began; what the caller hears is why.
            with suppress(Exception):
                self.db.rollback()
            raise
        return txn

    def lock_rows(self, model, ids: Sequence[int]) -> None:
        ids = list(ids)
        self.db.execute_sql(_rows_lock(model._meta.table_name, len(ids)), ids).fetchall()

    # --- schema

    def create_search_index(self) -> None:
        search.create_search_index()

    def rebuild_search_index(self) -> None:
        _bulk().rebuild_index()

    def rebuild_people_index(self) -> None:
        return None  # people have always been filed with each message here

    def create_state_counts(self) -> None:
        counts.create(self.db)

    def create_change_feed(self) -> None:
        feed.create_change_feed(self.db)

    # --- the full-text index

    def add_messages(self, rows: Iterable[Sequence]) -> None:
        search.index_messages(rows)

    def add_message(self, message_id: int, subject: str, body: str, people: Callable[[], str]) -> None:
        search.index_messages([(message_id, subject, body, people())])

    def refresh_people(self, conversation_ids: Sequence[int]) -> None:
        return None  # filed with each message as it is indexed

    def matching_messages(self, member_id, phrases, **options):
        return search.matching_messages(member_id, phrases, **options)

    def conversations_containing(self, conversation_ids, phrases) -> set[int]:
        return search.conversations_containing(conversation_ids, phrases)

    # --- bulk writing

    def take_ids(self, model, n: int) -> Sequence[int]:
        return _bulk().take_ids(model, n)

    def indexes_rebuilt(self, model, adding: int):
        # Kept up row by row: dropping an index would lock every reader out until the load commits.
        return nullcontext()

    def message_index(self, people: Callable[[], dict[int, str]]) -> backend.MessageIndex:
        return _bulk().MessageIndex(people)

    def time_ordered_insert(self, model, fields, order_by) -> backend.TimeOrderedInsert:
        return _bulk().TimeOrderedInsert(model, fields, order_by)

    # --- the change feed

    def data_version(self) -> int:
        # The current snapshot (lowest running, next and running transaction ids) decides
        # what a query can see, so it changes exactly when some commit becomes visible.
        row = self.db.execute_sql("SELECT hashtext(pg_current_snapshot()::text)").fetchone()
        return int(row[0])

    def pause_feed(self) -> None:
        feed.pause(self.db)

    def resume_feed(self) -> None:
        feed.resume(self.db)

    def change_feed(self) -> backend.ChangeFeed:
        return feed.PostgresFeed(self.db)

    def signals(self) -> backend.Signals:
        from app.store.postgres.signals import NotifySignals

        return NotifySignals(self.db)
