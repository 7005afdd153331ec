"""The benchmark build's second process: it writes the message table and its full-text index.

Rows arrive over a pipe in message-id order, chunk by chunk; each chunk is indexed
from the stored rows, and the message table's indexes are made after the load.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import sqlite3
import threading
from typing import TYPE_CHECKING

from app.core.delivery import body_hash
from app.store.search import people_text
from app.store.sqlite.search import FTS_TABLE, PEOPLE_INSERT, end_bulk_load, start_bulk_load
from app.store.words import SQL_FUNCTION, add_sql_function, index_text

if TYPE_CHECKING:
    from app.bench.data import _Conversation

CHUNKS_AHEAD = 8  # chunks held for the message writer (memory) before this process waits
FTS_FROM_MESSAGES = (
    f"INSERT INTO {FTS_TABLE}(rowid, subject, body) SELECT id, {SQL_FUNCTION}(subject), {SQL_FUNCTION}(body) "
    "FROM message WHERE id BETWEEN ? AND ? AND recalled_at IS NULL ORDER BY id"
)
MESSAGE_INSERT = (
    "INSERT INTO message (id, conversation_id, sender_id, kind, subject, body, sent_at, recalled_at, "
    "has_links, body_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)



def _message_writer(path: str, work: dict, rows_in) -> None:
    """Write the message table and its full-text rows into the store at ``path``, from rows sent over ``rows_in``.

    Each conversation's people are made and filed first, while the other process
    makes the first rows (``work["people"]``: the conversations, members and titles
    they are made from). Rows arrive in message-id order, as the store's writers
    would add them one by one, without their body hash (computed here to share the
    work out), and ``None`` after the last. Each chunk is indexed from the stored
    rows, so the text crosses from the other process once. The message table's
    secondary indexes are made at the end, from sorted keys. One transaction.
    """
    gc.disable()  # as in build(): this process makes no cycles, and exits when done
    db = sqlite3.connect(path, isolation_level=None)
    # A cache that holds the million-message table: the indexes made at the end read it from memory.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1048576",
                   "temp_store=MEMORY"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("BEGIN")
    for name in work["drop"]:
        db.execute(f'DROP INDEX "{name}"')
    start_bulk_load(db)
    add_sql_function(db)
    plans, members, titles = work["people"]
    db.executemany(PEOPLE_INSERT, enumerate((_people(c, members, title) for c, title in zip(plans, titles)), start=1))
    hashes: dict[str, str] = {}  # bodies repeat (short replies, sponsored texts): hash each once
    known = hashes.get
    while True:
        messages = rows_in.recv()
        if messages is None:
            break
        rows = []
        for message in messages:
            body = message[5]
            folded = known(body)
            if folded is None:
                folded = hashes[body] = body_hash(body)
            rows.append((*message, folded))
        db.executemany(MESSAGE_INSERT, rows)
        db.execute(FTS_FROM_MESSAGES, (messages[0][0], messages[-1][0]))
        if len(hashes) > 200_000:
            hashes.clear()
    end_bulk_load(db)
    for statement in work["create"]:
        db.execute(statement)
    db.execute("COMMIT")
    db.close()
    rows_in.send(True)


class MessageWriter:
    """The process writing messages and their index, fed through a pipe by a thread of this one.

    The thread lets this process go on making rows while the writer catches up.
    """

    def __init__(self, path: str, work: dict):
        context = (multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods()
                   else multiprocessing.get_context("spawn"))
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_message_writer, args=(path, work, child_end), daemon=True)
        self.process.start()
        child_end.close()
        self.waiting: queue.Queue = queue.Queue(maxsize=CHUNKS_AHEAD)
        self.feeder = threading.Thread(target=self._feed, daemon=True)
        self.feeder.start()

    def _feed(self) -> None:
        while True:
            rows = self.waiting.get()
            try:
                self.pipe.send(rows)
            except OSError:  # the writer is gone; add() and finish() report it
                return
            if rows is None:  # the last word sent
                return

    def _check(self) -> None:
        if not self.process.is_alive() or not self.feeder.is_alive():
            raise RuntimeError("writing the messages failed")

    def add(self, rows: list[tuple] | None) -> None:
        while True:
            try:
                self.waiting.put(rows, timeout=1)
                return
            except queue.Full:
                self._check()

    def last(self) -> None:
        """Tell the writer that every row has been sent."""
        self.add(None)

    def finish(self) -> None:
        """Wait for the writer to commit (after ``last``)."""
        self.feeder.join()
        try:
            self.pipe.recv()
        except (EOFError, OSError):
            pass  # the writer is gone (a reset when it left rows unread); its exit code tells how it ended
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError("writing the messages failed")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _people(conversation: _Conversation, members: list[dict], title: str) -> str:
    """The conversation's people, as ``search.refresh_people`` files them: its title, then the
    names of everyone in it (a sponsored conversation's company is its creator), folded."""
    return index_text(people_text(title, ((m["name"], m["company"], m["headline"])
                                          for m in (members[i - 1] for i in sorted(set(conversation.members))))))
