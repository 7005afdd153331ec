"""The one clock. Every rule asks it for the time; PARLEY_NOW fixes it."""

from __future__ import annotations

import os
from datetime import datetime, timezone

ENV = "PARLEY_NOW"


class ClockError(ValueError):
    pass


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant as a naive UTC datetime (the store keeps UTC, naive)."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ClockError(f"{text!r} is not an ISO 8601 date and time.") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def now() -> datetime:
    """Current time, UTC, naive, to the microsecond (fixed by PARLEY_NOW)."""
    fixed = os.environ.get(ENV)
    if fixed:
        return parse_instant(fixed)
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(value: datetime) -> datetime:
    """A stored UTC instant in the machine's local time, for display."""
    return value.replace(tzinfo=timezone.utc).astimezone()
