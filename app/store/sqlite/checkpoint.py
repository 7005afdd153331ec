"""Copying the write-ahead log back into a SQLite store on a thread of its own.

SQLite copies its log back into the store (a checkpoint) in whichever commit finds
the log over a thousand pages, so one send in forty or so waits while a few
megabytes are written and synced, longer the larger the store: at ten million
messages that was the slowest send by far.
After every few commits of its own, a process has a thread of its own checkpoint
instead, on a connection of its own and without waiting for anyone (PASSIVE): writers
go on appending to the log meanwhile, and the log stays short enough that no
commit has to do it. SQLite's own checkpoint stays in place for what this misses.
"""

from __future__ import annotations

import sqlite3
import threading

# Commits between checkpoints: a send writes some twenty pages, so the log is copied back
# at about a third of the size at which a commit would do it itself.
COMMITS_PER_CHECKPOINT = 16


class Checkpointer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.commits = 0
        self.stopping = False
        self.thread: threading.Thread | None = None

    def committed(self) -> None:
        """One more commit in this process: every few, the log is copied back.

        Each checkpoint has a thread that ends with it, so that a process that stops
        writing keeps no thread (a forked copy must not start beside one)."""
        self.commits += 1
        if self.commits % COMMITS_PER_CHECKPOINT or self.stopping:
            return
        if self.thread is not None and self.thread.is_alive():
            return  # still copying: the next one takes what this one would have
        self.thread = threading.Thread(target=self._checkpoint, name="parley-checkpoint", daemon=True)
        self.thread.start()

    def _checkpoint(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return  # SQLite's own checkpoints carry on
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            pass  # busy or gone: the next one, or SQLite's own, copies it
        finally:
            connection.close()

    def stop(self) -> None:
        """No more checkpoints; the one under way ends first (the store is being closed)."""
        self.stopping = True
        if self.thread is not None:
            self.thread.join()
