"""What differs between the databases a store can live in, behind one interface.

A store is SQLite (``app.store.sqlite``) or PostgreSQL (``app.store.postgres``);
``open_store`` picks the backend once, from the target, and makes it current. From
then on the rest of the store and the core ask the backend to do a thing, never
which database they are on: the write lock, row locks, the full-text index, ids
handed out ahead of a bulk write, and the change feed's mechanics.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

if TYPE_CHECKING:
    from datetime import datetime

    from peewee import Database


class ChangeFeed(ABC):
    """A watcher's own view of the change table: whether anyone committed, and its rows."""

    placeholder: str  # the driver's parameter mark in ``rows``' SQL

    @abstractmethod
    def committed(self) -> bool:
        """Whether another connection may have committed since the last call (cheap)."""

    @abstractmethod
    def rows(self, sql: str, params: tuple) -> list[tuple]:
        """The rows of a query on the feed."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the feed's own connection."""


class Signals(ABC):
    """Passing signals between the processes open on one store ("Ben is typing…", "Omar Haddad
    is viewing"): nothing durable is written, and nothing is left behind once they stop.

    A signal is (kind, conversation, member), on or off. ``heard`` answers, for one
    conversation, when each signal still on was last sent, on this process's monotonic
    clock, so that a reader judges its age without trusting any other clock.
    """

    @abstractmethod
    def send(self, kind: str, conversation_id: int, member_id: int, on: bool = True) -> None:
        """Signal (or stop signalling) ``kind`` for the member in the conversation."""

    @abstractmethod
    def signals_on(self) -> dict[tuple[str, int, int], float]:
        """{(kind, conversation, member): when it was last sent, on time.monotonic()} for every
        signal still on (signals are few: this costs nothing like the store's size)."""

    def heard(self, conversation_id: int) -> dict[tuple[str, int], float]:
        """{(kind, member): when it was last sent} for the conversation's signals still on."""
        return {(kind, member): sent for (kind, conversation, member), sent in self.signals_on().items()
                if conversation == conversation_id}

    def heard_any(self, kind: str) -> dict[tuple[int, int], float]:
        """{(conversation, member): when it was last sent} for the signals of ``kind`` still
        on, in every conversation."""
        return {(conversation, member): sent for (heard_kind, conversation, member), sent in self.signals_on().items()
                if heard_kind == kind}

    @abstractmethod
    def close(self) -> None:
        """Stop every signal this object sent, and let go of what it holds."""


class MessageIndex(ABC):
    """Full-text rows for messages written in bulk, made from the stored messages.

    Use as a context manager around the writing, calling ``add(first_id, last_id)``
    after each batch of messages; leaving the block finishes the indexing, so that
    nothing is indexed after the transaction ends.
    """

    def __enter__(self) -> MessageIndex:
        return self

    @abstractmethod
    def add(self, first_id: int, last_id: int) -> None:
        """Index the messages whose ids run from ``first_id`` to ``last_id``."""

    def __exit__(self, kind, error, trace) -> None:
        return None


class TimeOrderedInsert(ABC):
    """Rows for a table put in any order, written at the end in order of a column.

    The rows are tuples whose first value is a sequence number (the order they came
    in, which breaks ties) followed by the fields. Each backend stages them in a table
    of this name, chunk by chunk.
    """

    TABLE = "bulk_staging"
    CHUNK = 5000

    def __init__(self, model, fields: Sequence[str], order_by: str) -> None:
        meta = model._meta
        self.table = meta.table_name
        self.columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in fields)
        self.order = f'"{meta.fields[order_by].column_name}", seq'
        self.width = len(fields) + 1

    @abstractmethod
    def add(self, rows: Sequence[tuple]) -> None:
        """Stage rows."""

    @abstractmethod
    def finish(self, written: Callable[[int, int], None]) -> None:
        """Copy the rows in order, telling ``written`` the first and last id of each chunk."""


class Backend(ABC):
    """One database kind's way of doing what the store needs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def release(self) -> None:
        """The store is closed: what the backend keeps for an open store goes."""

    # --- writing -------------------------------------------------------------------

    @abstractmethod
    def begin_write(self, *, rows_locked: bool = False) -> AbstractContextManager:
        """Enter a transaction that holds the store's write lock, and return it entered.

        ``rows_locked``: the unit locks every row it changes itself (``lock_rows``), so
        where the database has row locks it runs alongside other such units and waits
        only for the rest. A busy store raises the driver's OperationalError before
        anything is written.
        """

    @abstractmethod
    def lock_rows(self, model, ids: Sequence[int]) -> None:
        """Hold these rows until the transaction ends (where the write lock does not already)."""

    # --- schema --------------------------------------------------------------------

    @abstractmethod
    def create_search_index(self) -> None:
        """The full-text index's tables, empty."""

    @abstractmethod
    def rebuild_search_index(self) -> None:
        """The whole index made again from the stored messages and people (a new way of cutting words)."""

    @abstractmethod
    def rebuild_people_index(self) -> None:
        """Schema step 2: every conversation's people filed anew, where the index keeps them apart."""

    @abstractmethod
    def create_state_counts(self) -> None:
        """The triggers that keep each member's filter counts, and the counts of the states there are."""

    @abstractmethod
    def create_change_feed(self) -> None:
        """The triggers that write the change feed, and whatever tells watchers it grew."""

    # --- the full-text index ---------------------------------------------------------

    @abstractmethod
    def add_messages(self, rows: Iterable[Sequence]) -> None:
        """Add (message_id, subject, body, people) rows to the index."""

    @abstractmethod
    def add_message(self, message_id: int, subject: str, body: str, people: Callable[[], str]) -> None:
        """Add one message; ``people()`` is asked for only where people are filed with each message."""

    @abstractmethod
    def refresh_people(self, conversation_ids: Sequence[int]) -> None:
        """Make the people filed for these conversations match the store."""

    @abstractmethod
    def matching_messages(self, member_id: int, phrases, *, people=(), excluded=(), boxes: Sequence[int],
                          state: dict[str, object] | None = None, before: datetime | None = None,
                          after: datetime | None = None, by_member: bool = False) -> Iterator[tuple]:
        """Messages in the member's conversations that match, newest first, streamed."""

    @abstractmethod
    def conversations_containing(self, conversation_ids: Sequence[int], phrases) -> set[int]:
        """Which of these conversations hold a message or people matching any of the phrases."""

    # --- bulk writing ----------------------------------------------------------------

    @abstractmethod
    def take_ids(self, model, n: int) -> Sequence[int]:
        """``n`` new ids for ``model``'s rows, so related rows can point at them before they exist."""

    @abstractmethod
    def indexes_rebuilt(self, model, adding: int) -> AbstractContextManager:
        """A block that adds ``adding`` rows to ``model``'s table, its indexes kept the cheapest way."""

    @abstractmethod
    def message_index(self, people: Callable[[], dict[int, str]]) -> MessageIndex:
        """A bulk indexer; ``people()`` gives each conversation's people where messages file them."""

    @abstractmethod
    def time_ordered_insert(self, model, fields: Sequence[str], order_by: str) -> TimeOrderedInsert:
        """A staging area whose rows reach ``model``'s table sorted by ``order_by``."""

    # --- the change feed ---------------------------------------------------------------

    @abstractmethod
    def data_version(self) -> int:
        """A number that changes when another connection commits (cheap change check)."""

    @abstractmethod
    def pause_feed(self) -> None:
        """Rows written from here to the end of the transaction note no change each."""

    @abstractmethod
    def resume_feed(self) -> None:
        """Rows written from here note their changes again (before the transaction ends)."""

    @abstractmethod
    def change_feed(self) -> ChangeFeed:
        """A watcher's own connection to the change feed."""

    @abstractmethod
    def signals(self) -> Signals:
        """A process's own way of sending and hearing signals on this store."""


_current: Backend | None = None


def use(backend: Backend) -> None:
    """Make ``backend`` the one the models' store lives in (``open_store`` does this)."""
    global _current
    _current = backend


def current() -> Backend:
    """The backend of the store the models are bound to."""
    if _current is None:
        raise RuntimeError("no store is open")
    return _current
