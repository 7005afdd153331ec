"""Reading and writing the user's files safely: bounded reads, private writes, no symlinks.

One place for the rules every command follows with a file it is given: a read stops
one byte past its limit (``/dev/zero`` is refused, not read until memory runs out);
what Parley writes is readable by its owner only; a file is never written through a
symlink, and never over an existing file unless asked to.

Free of the rest of the app, so that every layer may use it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO, overload

PRIVATE = 0o600


class FileRefused(ValueError):
    """A file that cannot be read or written as asked; the message is one sentence."""


class TooLarge(FileRefused):
    """A file larger than the limit it is read with."""


@overload
def read_bounded(source: str | os.PathLike | BinaryIO, limit: int, what: str) -> bytes: ...


@overload
def read_bounded(source: TextIO, limit: int, what: str) -> str: ...


def read_bounded(source, limit: int, what: str):
    """At most ``limit`` bytes of a file (or of an open stream, in its own units); more is refused.

    Reads ``limit + 1`` bytes at most, so an endless source costs no more than that.
    ``what`` names the file in the sentence, e.g. "The attachment report.pdf".
    """
    if not isinstance(source, (str, os.PathLike)):
        data = source.read(limit + 1)
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise FileRefused(f"Can't read {os.fspath(source)}: {exc.strerror}.") from None
    if len(data) > limit:
        raise TooLarge(f"{what} is larger than {limit:,} bytes.")
    return data


def make_private(path: str | os.PathLike) -> None:
    """Readable and writable by its owner only (a file that is not there is left alone)."""
    try:
        os.chmod(path, PRIVATE, follow_symlinks=False)
    except (FileNotFoundError, PermissionError):  # gone, or someone else's: nothing to do here
        pass
    except NotImplementedError:  # no lchmod here: only a real file is changed
        if not Path(path).is_symlink():
            os.chmod(path, PRIVATE)


def refuse_existing(path: str | os.PathLike, *, protected: Iterable[str | os.PathLike] = (),
                    force: bool = False) -> None:
    """Refuse to write ``path`` when it is one of ``protected`` (whatever ``force`` says),
    or when something is already there and ``force`` is not given."""
    target = Path(path).expanduser()
    for guarded in protected:
        if _same_file(target, Path(guarded).expanduser()):
            raise FileRefused(f"{target} is part of the store; choose another file to write to.")
    if os.path.lexists(target):
        if target.is_dir():
            raise FileRefused(f"{target} is a folder; name a file to write to.")
        if not force:
            raise FileRefused(f"{target} already exists; add --force to replace it.")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


@contextmanager
def private_text_file(path: str | os.PathLike) -> Iterator[TextIO]:
    """A new UTF-8 file at ``path``, readable by its owner only, that appears whole or not at all.

    Written beside ``path`` and renamed over it as it closes, so a failed write never
    leaves half a file; the rename replaces a symlink at ``path`` rather than writing
    through it.
    """
    target = Path(path).expanduser()
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE)
    except OSError as exc:
        raise FileRefused(f"Can't write {target}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(partial, target)
    except OSError as exc:
        raise FileRefused(f"Can't write {target}: {exc.strerror}.") from None
    finally:
        if os.path.lexists(partial):
            os.remove(partial)


def write_new_private(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to a new file at ``path`` (owner only), never through a symlink:
    anything already there, a dangling link included, is refused."""
    target = Path(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE)
    except FileExistsError:
        raise FileRefused(f"{target} already exists.") from None
    except OSError as exc:
        raise FileRefused(f"Can't save to {target}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        os.remove(target)
        raise FileRefused(f"Can't save to {target}: {exc.strerror}.") from None


def is_regular_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file itself, not a link to one, a device or a pipe."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
