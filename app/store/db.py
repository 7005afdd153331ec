"""Opening, creating and migrating a Parley store, and its write transactions.

A target is a path (SQLite, the embedded default) or a ``postgresql://`` URL; the
backend for it is chosen here, once (``app.store.backend``). Every write goes
through ``write()``, which takes the store's write lock up front so two writers
queue rather than fail half-way.
"""

from __future__ import annotations

import random
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from peewee import Database, OperationalError

from app.store import backend as backends
from app.store.errors import BUSY, StoreError, damaged, explained, is_busy, no_store, redacted
from app.store.models import (
    ALL_MODELS,
    AuditEntry,
    CreditDue,
    Delegate,
    Invitation,
    Meta,
    StateCount,
    Template,
    Withheld,
    database,
)
from app.store.target import is_postgres_url, resolve_target

SCHEMA_VERSION = 10
Result = TypeVar("Result")
APP_MARK = "parley"


@dataclass
class Store:
    target: str
    db: Database
    backend: backends.Backend
    released: bool = False

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        if not self.released:
            self.released = True
            self.backend.release()


def _open_backend(target: str, *, create: bool) -> backends.Backend:
    # Each backend's package is imported only for its own stores: a SQLite store never loads a PostgreSQL driver.
    if is_postgres_url(target):
        from app.store.postgres.backend import PostgresBackend
        from app.store.postgres.connect import connect_postgres

        return PostgresBackend(connect_postgres(target))
    from app.store.sqlite.backend import SqliteBackend
    from app.store.sqlite.connect import connect_sqlite

    return SqliteBackend(connect_sqlite(Path(target).expanduser(), create=create, mark=APP_MARK))


def may_hold_a_store(target: str) -> bool:
    """Whether there is something at ``target`` to open, short of opening it: a file with
    something in it, or a PostgreSQL database (a server is only asked by opening it)."""
    if is_postgres_url(target):
        return True
    path = Path(target).expanduser()
    return path.exists() and path.stat().st_size > 0


def open_store(target: str | None = None, *, create: bool = True) -> Store:
    """Open (and if ``create``, create) the store and migrate it, binding the models and the backend to it.

    Without ``create`` a place that holds no store is refused and left as it was.
    """
    resolved = resolve_target(target)
    backend = _open_backend(resolved, create=create)
    database.initialize(backend.db)
    backends.use(backend)
    store = Store(resolved, backend.db, backend)
    try:
        _ensure_schema(store, create=create)
    except Exception as exc:
        # Closed at once: a refused SQLite store keeps no -wal or -shm file beside it.
        store.close()
        explained(exc, resolved)
        raise
    return store


def _schema_version(store: Store) -> int:
    row = Meta.get_or_none(Meta.key == "schema_version")
    try:
        version = int(row.value) if row is not None else 0
    except ValueError:
        version = 0
    if version < 1:
        raise StoreError(damaged(store.target, "its schema version is missing or unreadable"))
    return version


def _ensure_schema(store: Store, *, create: bool = True) -> None:
    db = store.db
    tables = set(db.get_tables())
    if not tables:
        if not create:
            raise no_store(store.target)
        # Under the write lock: teammates starting at once on an empty database
        # create it once; the others find it made when the lock is theirs.
        with write():
            tables = set(db.get_tables())
            if not tables:
                db.create_tables(ALL_MODELS)
                store.backend.create_search_index()
                store.backend.create_state_counts()
                store.backend.create_change_feed()
                Meta.create(key="app", value=APP_MARK)
                Meta.create(key="schema_version", value=str(SCHEMA_VERSION))
                return
    shown = redacted(store.target)
    if "meta" not in tables:
        raise StoreError(f"{shown} is not a Parley store.")
    mark = Meta.get_or_none(Meta.key == "app")
    if mark is None or mark.value != APP_MARK:
        raise StoreError(f"{shown} is not a Parley store.")
    version = _schema_version(store)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{shown} was written by a newer Parley (schema {version}); upgrade Parley to open it.")
    migrate(store, version)


def _leaner_indexes(store: Store) -> None:
    """Schema step 3: a sender's messages indexed by time alone, and no index that a
    composite one already begins with."""
    for name in ("message_sender_id_body_hash_sent_at", "conversation_state_conversation_id",
                 "conversation_state_member_id"):
        store.db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    store.db.execute_sql('CREATE INDEX IF NOT EXISTS "message_sender_id_sent_at" ON "message" ("sender_id", "sent_at")')


def _withheld_messages(store: Store) -> None:
    """Schema step 6: the table of group messages kept from a member by a block, filled with
    the messages already sent across a block that stood when they were sent."""
    store.db.create_tables([Withheld])
    store.db.execute_sql(
        'INSERT INTO "withheld" ("member_id", "message_id") '
        'SELECT DISTINCT s."member_id", m."id" FROM "message" m '
        'JOIN "conversation_state" s ON s."conversation_id" = m."conversation_id" AND s."member_id" <> m."sender_id" '
        'JOIN "block" b ON b."at" <= m."sent_at" AND ('
        '(b."blocker_id" = s."member_id" AND b."blocked_id" = m."sender_id") OR '
        '(b."blocker_id" = m."sender_id" AND b."blocked_id" = s."member_id")) '
        "ON CONFLICT DO NOTHING"
    )


def _invitations_and_templates(store: Store) -> None:
    """Schema step 7: connection requests, saved replies, the desktop notifications setting,
    and the change feed made again so that invitations wake open screens."""
    store.db.create_tables([Invitation, Template])
    _add_column(store, "member_settings", "desktop_notifications", "BOOLEAN NOT NULL DEFAULT FALSE")
    store.backend.create_change_feed()


def _add_column(store: Store, table: str, column: str, declaration: str) -> None:
    """Add a column unless a teammate's Parley, opening the store at the same time, already did."""
    if column not in {found.name for found in store.db.get_columns(table)}:
        store.db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {declaration}')


def _kept_as_written(store: Store) -> None:
    """Schema step 8: what every write used to make a reader work out, kept as it is written.

    Each member's filter counts (``app.store.counts``), counted once here. When each
    member's credits next change by themselves, indexed, and the reminders due found
    through an index of their own: the store does not know the plans, so each member
    who holds credits or was ever granted some is noted as due when their plan started
    (no later than any of their grants and expiries), and the first settle works out
    their real time, once.
    """
    store.db.create_tables([CreditDue, StateCount])
    store.backend.create_state_counts()
    store.db.execute_sql('CREATE INDEX IF NOT EXISTS "inmail_status_billed_reminded_at_sent_at" '
                         'ON "inmail" ("status", "billed", "reminded_at", "sent_at")')
    store.db.execute_sql(
        "INSERT INTO credit_due (member_id, due_at) SELECT id, plan_started_at FROM member "
        "WHERE (id IN (SELECT member_id FROM credit_lot WHERE remaining > 0) "
        "OR id IN (SELECT member_id FROM ledger_entry WHERE kind = 'grant')) "
        "AND id NOT IN (SELECT member_id FROM credit_due)"
    )


def _shared_inboxes(store: Store) -> None:
    """Schema step 9: delegates who work in a member's inbox, the assignee of each of its
    conversations, the teammate who wrote a message, the audit of who did what, and the
    change feed made again so that a delegate added or removed wakes open screens."""
    store.db.create_tables([Delegate, AuditEntry])
    member = 'INTEGER REFERENCES "member" ("id") ON DELETE SET NULL'
    _add_column(store, "conversation_state", "assignee_id", member)
    _add_column(store, "message", "author_id", member)
    store.db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "conversation_state_member_id_box_assignee_id_last_at_id" '
        'ON "conversation_state" ("member_id", "box", "assignee_id", "last_at", "id")'
    )
    store.backend.create_change_feed()


def _copies_indexed(store: Store) -> None:
    """Schema step 10: a sender's copies of one text indexed, so that the bulk-outreach rule
    checked on every send to a stranger is one probe, however much the sender has sent."""
    store.db.execute_sql('CREATE INDEX IF NOT EXISTS "message_sender_id_body_hash_sent_at" '
                         'ON "message" ("sender_id", "body_hash", "sent_at")')


# Each step takes the store from version N-1 to N inside one transaction.
MIGRATIONS: dict[int, Callable[[Store], None]] = {
    2: lambda store: store.backend.rebuild_people_index(),
    3: _leaner_indexes,
    # The change feed written by the store's triggers rather than by each writer.
    4: lambda store: store.backend.create_change_feed(),
    # The full-text index made again with the words of app.store.words, on both backends.
    5: lambda store: store.backend.rebuild_search_index(),
    6: _withheld_messages,
    7: _invitations_and_templates,
    8: _kept_as_written,
    9: _shared_inboxes,
    10: _copies_indexed,
}


def migrate(store: Store, version: int) -> None:
    """Bring the store up to SCHEMA_VERSION, each step one transaction under the write lock."""
    while version < SCHEMA_VERSION:
        with write():
            # Read again under the lock: a teammate opening the store may have run this step.
            version = _schema_version(store)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version + 1](store)
                version += 1
                Meta.update(value=str(version)).where(Meta.key == "schema_version").execute()


def _begin_write(attempts: int, rows_locked: bool = False):
    """Enter a write transaction holding the store's write lock, waiting with backoff.

    Nothing of the unit of work has run yet, so waiting here is the same as
    retrying the whole unit; once the write lock is held no other writer can
    make the body fail half-way.
    """
    return _while_busy(lambda: backends.current().begin_write(rows_locked=rows_locked), attempts,
                       first_wait=0.05, longest_wait=1.0)


def _while_busy(attempt: Callable[[], Result], attempts: int, *, first_wait: float,
                longest_wait: float) -> Result:
    """``attempt()``, tried again while the store is busy, each wait twice the last (with some
    randomness, so that writers waiting together do not try again together); after
    ``attempts`` tries the store is said to be busy."""
    wait = first_wait
    for tried in range(1, attempts + 1):
        try:
            return attempt()
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            if tried >= attempts:
                raise StoreError(BUSY) from exc
        time.sleep(wait + random.random() * wait)
        wait = min(wait * 2, longest_wait)
    raise StoreError(BUSY)


@contextmanager
def write(attempts: int = 4, *, bulk: bool = False, rows_locked: bool = False) -> Iterator[None]:
    """One write transaction that holds the store's write lock from the start.

    SQLite: ``BEGIN IMMEDIATE`` (each attempt waits up to the busy timeout).
    PostgreSQL: a transaction-scoped advisory lock, shared among ``rows_locked``
    units (see ``write_unit``). Either way two writers queue rather than fail
    half-way, and a busy store never reaches the user as "database is locked".
    A ``bulk`` unit writes no change per row: it notes one change for everyone
    as it ends.
    """
    db = database.obj
    backend = backends.current()
    if db.transaction_depth() > 0:
        with db.atomic():
            yield
        return
    with ExitStack() as stack:
        stack.push(_begin_write(attempts, rows_locked))  # entered already: only its exit is left to run
        if bulk:
            backend.pause_feed()
        yield
        if bulk:
            backend.resume_feed()


def write_unit(body: Callable[[], Result], attempts: int = 6) -> Result:
    """Run ``body`` as one write transaction that locks every row it changes, in a fixed order
    (``Backend.lock_rows``, members by id first): on PostgreSQL such units run side by side.

    Where the database breaks one off to end a deadlock or a serialization failure, the
    whole unit runs again from the start, after a short random wait; inside another
    transaction it is part of that one, and the outermost unit decides.
    """
    if database.obj.transaction_depth() > 0:
        with write():
            return body()

    def unit() -> Result:
        with write(rows_locked=True):
            return body()

    return _while_busy(unit, attempts, first_wait=0.01, longest_wait=0.5)


def retrying(fn: Callable[[], Result], attempts: int = 10) -> Result:
    """Run ``fn`` (a whole write transaction) again with backoff while the store is busy."""
    return _while_busy(fn, attempts, first_wait=0.02, longest_wait=1.0)


def data_version() -> int:
    """A number that changes when another connection commits (cheap change check)."""
    return backends.current().data_version()
