"""The change feed: every write transaction notes what it touched.

Open screens poll ``latest_change()`` (SQLite) or listen for notifications
(PostgreSQL) and refetch only the conversations named since their last look.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from app.store.models import Change


def record(kind: str, at: datetime, *, member_ids: Iterable[int | None] = (None,),
           conversation_id: int | None = None) -> None:
    """Note a change for each affected member (None: everyone who can see the conversation)."""
    rows = [
        {"at": at, "member": member_id, "conversation": conversation_id, "kind": kind}
        for member_id in member_ids
    ]
    if rows:
        Change.insert_many(rows).execute()


def latest_change() -> int:
    row = Change.select(Change.id).order_by(Change.id.desc()).limit(1).first()
    return row.id if row else 0


def changes_since(change_id: int, member_id: int) -> list[Change]:
    """Changes after ``change_id`` that concern ``member_id`` (or everyone)."""
    return list(
        Change.select()
        .where((Change.id > change_id) & ((Change.member == member_id) | Change.member.is_null()))
        .order_by(Change.id)
    )
