"""Store errors: the sentences a user reads when the store cannot do what was asked.

Free of Peewee and of any database driver, so every layer may import it.
"""

from __future__ import annotations


class StoreError(Exception):
    """A store that cannot be used; the message is one sentence for the user."""


BUSY = "The store is busy; try again in a moment."
NEEDS_DRIVER = "PostgreSQL needs the postgres extra: pip install 'parley[postgres]'."

# Words in a database error that mean another writer holds what this one needs.
BUSY_SIGNS = ("locked", "busy", "lock timeout", "could not serialize", "deadlock")


def is_busy(exc: Exception) -> bool:
    """Whether a database error means "another writer is in the way" (worth waiting for)."""
    text = str(exc).lower()
    return any(sign in text for sign in BUSY_SIGNS)
