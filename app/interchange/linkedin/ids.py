"""The conversation ids a Parley export writes, so that importing it back keeps each
conversation's kind (LinkedIn's own ids say nothing of it)."""

from __future__ import annotations

PARLEY_ID_PREFIX = "parley-"


def parley_conversation_id(conversation_id: int, kind: str) -> str:
    return f"{PARLEY_ID_PREFIX}{conversation_id}-{kind.replace('_', '-')}"


def kind_from_conversation_id(conversation_id: str) -> str | None:
    """The kind a Parley export wrote into a conversation id, or None for LinkedIn's ids."""
    if not conversation_id.startswith(PARLEY_ID_PREFIX):
        return None
    number, _, kind = conversation_id[len(PARLEY_ID_PREFIX):].partition("-")
    kind = kind.replace("-", "_")
    if number.isdigit() and kind in ("direct", "inmail", "open_profile", "group", "sponsored"):
        return kind
    return None
