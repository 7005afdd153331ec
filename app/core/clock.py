"""The one clock. Every rule asks it for the time; PARLEY_NOW fixes it."""

from __future__ import annotations

import os
from datetime import datetime, timezone

ENV = "PARLEY_NOW"
# The years a clock may read: earlier is before any store could exist, later is a mistake
# (every date and time around it would overflow, and settling credits would take ages).
EARLIEST_YEAR, LATEST_YEAR = 1970, 8999


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
        try:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        except OverflowError:
            value = value.replace(tzinfo=None)  # out of range either way: refused just below
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ClockError(
            f"{text!r} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR} that Parley's clock can read."
        )
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
