"""Signals between processes on one SQLite store, as small files in a private runtime folder.

A SQLite store is a file on this machine, so the processes open on it share this machine's
monotonic clock and its runtime folder (memory-backed where the system has one: nothing
durable is written). Each signal that is on is one file, named after its kind, conversation
and member, holding the monotonic time it was last sent; turning it off removes the file.
A process that dies while signalling leaves a file that readers remove once it is stale.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import warnings
from pathlib import Path

from app.store.backend import Signals

# A signal file older than this belongs to a process that is gone: readers remove it.
STALE_AFTER = 60.0


def signals_folder(store_path: str) -> Path:
    """The store's own folder of signals: one per store file, private to this user."""
    try:
        from platformdirs import user_runtime_dir

        with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: platformdirs picks a folder itself
            warnings.simplefilter("ignore")
            base = Path(user_runtime_dir("parley", appauthor=False))
    except Exception:  # no runtime folder on this system: the temporary folder will do
        base = Path(tempfile.gettempdir()) / f"parley-{os.getuid()}"
    digest = hashlib.sha256(os.path.realpath(store_path).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return base / "signals" / digest


class FileSignals(Signals):
    def __init__(self, store_path: str):
        self._folder = signals_folder(store_path)
        self._mine: set[str] = set()

    def send(self, kind: str, conversation_id: int, member_id: int, on: bool = True) -> None:
        name = f"{kind}.{int(conversation_id)}.{int(member_id)}"
        path = self._folder / name
        if not on:
            self._mine.discard(name)
            path.unlink(missing_ok=True)
            return
        try:
            self._write(path)
        except FileNotFoundError:  # the last other process left, taking the folder: make it again
            self._write(path)
        self._mine.add(name)

    def _write(self, path: Path) -> None:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self._folder, prefix=".", text=True)
        with os.fdopen(fd, "w") as out:
            out.write(repr(time.monotonic()))
        os.replace(temporary, path)

    def signals_on(self) -> dict[tuple[str, int, int], float]:
        """Every signal on, from the folder's few files; stale ones are removed on the way."""
        found: dict[tuple[str, int, int], float] = {}
        now = time.monotonic()
        try:
            entries = list(os.scandir(self._folder))
        except FileNotFoundError:
            return found
        for entry in entries:
            parts = entry.name.split(".")
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                continue
            try:
                sent = float(Path(entry.path).read_text())
            except (OSError, ValueError):
                continue
            if now - sent > STALE_AFTER:
                Path(entry.path).unlink(missing_ok=True)
            else:
                found[(parts[0], int(parts[1]), int(parts[2]))] = sent
        return found

    def close(self) -> None:
        for name in list(self._mine):
            (self._folder / name).unlink(missing_ok=True)
        self._mine.clear()
        try:
            self._folder.rmdir()  # the last one out leaves nothing behind
        except OSError:
            pass
