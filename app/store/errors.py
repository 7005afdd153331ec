"""Store errors: the sentences a user reads when the store cannot do what was asked.

Free of Peewee and of any database driver, so every layer may import it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StoreError(Exception):
    """A store that cannot be used; the message is one sentence for the user."""


class NoStore(StoreError):
    """Nothing is stored at the place named yet, and the command does not create a store."""


BUSY = "The store is busy; try again in a moment."
NEEDS_DRIVER = "PostgreSQL needs the postgres extra: pip install 'parley[postgres]'."

# Words in a database error that mean another writer holds what this one needs.
BUSY_SIGNS = ("locked", "busy", "lock timeout", "could not serialize", "deadlock")


def is_busy(exc: Exception) -> bool:
    """Whether a database error means "another writer is in the way" (worth waiting for)."""
    text = str(exc).lower()
    return any(sign in text for sign in BUSY_SIGNS)


DISK_FULL = "The disk is full: nothing was written."

# Words in a database error that name its real cause, whichever driver said it.
DAMAGED_SIGNS = ("malformed", "not a database", "file is encrypted", "corrupt")
FULL_SIGNS = ("disk is full", "no space left", "disk full", "could not extend file")
READ_ONLY_SIGNS = ("readonly database", "read-only file system", "read-only transaction")
# PostgreSQL's text cannot hold U+0000, which SQLite's can.
NUL_SIGNS = ("cannot contain nul",)
NUL_REFUSED = "This store can't keep the character U+0000 (NUL); nothing was written."


def redacted(target: str) -> str:
    """A store target fit to show: a PostgreSQL URL without its password (a path as it is).

    Every message, hint and listing that names a store shows it through this.
    """
    if not target.startswith(POSTGRES_SCHEMES):
        return target
    try:
        parts = urlsplit(target)
        if parts.password is None:
            return target
        host = parts.netloc.rsplit("@", 1)[-1]
        user = (parts.username or "") + ":***"
        return urlunsplit(parts._replace(netloc=f"{user}@{host}"))
    except ValueError:
        return "the PostgreSQL URL"


def no_store(target: str) -> NoStore:
    return NoStore(f"There is no Parley store at {redacted(target)}.")


def damaged(target: str, why: str = "") -> str:
    because = f" ({why})" if why else ""
    return f"{redacted(target)} is damaged{because}; restore it from a copy."


def read_only(target: str) -> str:
    return f"{redacted(target)} is read-only; Parley needs to write to it."


def store_error(exc: BaseException, target: str) -> StoreError | None:
    """The sentence for a database error whose cause a user can act on, or None.

    The whole chain is read: a failed write's own rollback can fail too ("cannot
    rollback - no transaction is active") and hide the cause, such as a full disk.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, StoreError):
            return seen
        text = str(seen).lower()
        if any(sign in text for sign in FULL_SIGNS):
            return StoreError(DISK_FULL)
        if any(sign in text for sign in DAMAGED_SIGNS):
            return StoreError(damaged(target))
        if any(sign in text for sign in READ_ONLY_SIGNS):
            return StoreError(read_only(target))
        if any(sign in text for sign in NUL_SIGNS):
            return StoreError(NUL_REFUSED)
        seen = seen.__cause__ or seen.__context__
    return None


def explained(exc: BaseException, target: str) -> None:
    """Raise the sentence for ``exc`` when its cause is known; otherwise return."""
    error = store_error(exc, target)
    if error is not None and error is not exc:
        raise error from exc
