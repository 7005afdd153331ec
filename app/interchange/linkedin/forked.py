"""Work done by a forked copy of this process, its results used here as they come.

A long import spends about as long making its message rows (parsing the CSV,
hashing, mapping people) as the store spends writing them. One process does
one after the other; with the making in a copy of the process, on a second
core, both go on at once. The copy is forked, so it starts with everything this
process has learnt (the people, the conversations, the ids to give), and it
touches no store: it only sends what it makes through a pipe.

A thread of this process reads the pipe ahead into a short queue, so that the
copy is not kept waiting while a batch is written. Whatever goes wrong in the
copy is raised here, in the writing process, where it rolls the import back.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import signal
import sys
import threading
from typing import Callable, Generic, Iterator, TypeVar

from app.core.errors import ParleyError

AHEAD = 8  # items read from the pipe before they are asked for

_ITEM, _END, _ERROR, _LOST = range(4)

Item = TypeVar("Item")


def can_fork() -> bool:
    """Whether the work can go to a forked copy: the platform forks safely (macOS's system
    libraries may not survive a fork), and no other thread runs here (a lock another
    thread holds would stay held in the copy)."""
    return (sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class Forked(Generic[Item]):
    """Runs ``work(put)`` in a forked copy of this process; iterating gives what it puts.

    Use as a context manager: leaving the block ends the copy, done or not.
    """

    def __init__(self, work: Callable[[Callable[[Item], None]], None], name: str) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, child_end = context.Pipe(duplex=False)
        # Frozen objects are left alone by the copy's collector, so their pages stay shared.
        gc.freeze()
        try:
            self._process = context.Process(target=_run, args=(work, child_end), name=name, daemon=True)
            self._process.start()
        finally:
            gc.unfreeze()
        child_end.close()
        self._ended = False
        self._items: queue.Queue = queue.Queue(maxsize=AHEAD)
        self._receiver = threading.Thread(target=self._receive, name=f"{name}-receiver", daemon=True)
        self._receiver.start()

    def __enter__(self) -> Forked[Item]:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[Item]:
        while True:
            tag, value = self._items.get()
            if tag == _ITEM:
                yield value
            elif tag == _END:
                self._ended = True
                return
            elif tag == _ERROR:
                raise value
            else:
                self._process.join(timeout=1)
                code = self._process.exitcode
                how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                raise ParleyError(f"The import's second process ended unexpectedly ({how}); nothing was imported.")

    def _receive(self) -> None:
        while True:
            try:
                message = self._pipe.recv()
            except (EOFError, OSError):
                message = (_LOST, None)
            self._items.put(message)
            if message[0] != _ITEM:
                return

    def close(self) -> None:
        if self._ended:
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        # The receiver ends at the pipe's end; make room for its last word.
        while self._receiver.is_alive():
            try:
                self._items.get(timeout=0.05)
            except queue.Empty:
                pass
        self._pipe.close()


def _run(work: Callable[[Callable[[object], None]], None], pipe) -> None:
    """The copy's whole life: do the work, say how it ended, leave."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the parent's to handle: it ends this copy
    try:
        work(lambda item: pipe.send((_ITEM, item)))
        pipe.send((_END, None))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an error that cannot cross is told in words
            exc = RuntimeError(str(exc) or type(exc).__name__)
        try:
            pipe.send((_ERROR, exc))
        except OSError:
            pass  # the parent is gone
    finally:
        pipe.close()
