"""The change feed: what each write touched, noted by the store itself.

Open screens read the ``change`` table to refetch only the conversations named
since their last look (``app.store.live``). The rows are written by triggers on
the tables that screens show, declared once here and made by each backend, so
that no write can forget to note itself: a member's view of a conversation, a
conversation or message that everyone in it sees, the ledger behind a balance,
a member's profile, settings, connections, blocks, invitations, delegates, and a
shared inbox's audit (the only word of a note, which is written with it). An update
that leaves a row as it was notes nothing.

A bulk load pauses the triggers for its transaction and notes one change for
everyone at its end (``write(bulk=True)``), so it pays nothing per row. The feed
keeps its last ``KEEP`` rows: every ``PRUNE_EVERY``-th row written clears those
older, far more than a screen polling twice a second looks back over.
"""

from __future__ import annotations

from dataclasses import dataclass

KEEP = 50_000
PRUNE_EVERY = 1_000


@dataclass(frozen=True)
class Source:
    """A table whose rows, when written, concern some members or a conversation's people."""

    table: str
    events: tuple[str, ...]
    kind: str
    # Columns naming the members concerned; none: everyone who can see the conversation.
    members: tuple[str, ...]
    conversation: str | None

    def trigger(self, event: str) -> str:
        return f"change_{self.table}_{event.lower()}"

    def values(self, event: str) -> list[str]:
        """The change rows' (member, conversation, kind) values, one per member column."""
        row = "OLD" if event == "DELETE" else "NEW"
        conversation = f"{row}.{self.conversation}" if self.conversation else "NULL"
        members = [f"{row}.{column}" for column in self.members] or ["NULL"]
        return [f"{member}, {conversation}, '{self.kind}'" for member in members]


SOURCES = (
    Source("conversation_state", ("INSERT", "UPDATE"), "state", ("member_id",), "conversation_id"),
    Source("conversation", ("UPDATE",), "message", (), "id"),
    Source("message", ("UPDATE",), "message", (), "conversation_id"),
    Source("inmail", ("UPDATE",), "state", (), "conversation_id"),
    Source("ledger_entry", ("INSERT",), "credits", ("member_id",), None),
    Source("member", ("INSERT", "UPDATE"), "member", ("id",), None),
    Source("member_settings", ("INSERT", "UPDATE"), "member", ("member_id",), None),
    Source("connection", ("INSERT", "DELETE"), "member", ("member_id",), None),
    Source("block", ("INSERT", "DELETE"), "member", ("blocker_id", "blocked_id"), None),
    Source("invitation", ("INSERT", "UPDATE"), "member", ("sender_id", "recipient_id"), None),
    Source("delegate", ("INSERT", "DELETE"), "member", ("inbox_id", "staff_id"), None),
    Source("audit", ("INSERT",), "state", ("inbox_id",), "conversation_id"),
)

# The one change a bulk load notes: everything, for everyone.
EVERYTHING = "INSERT INTO change (at, member_id, conversation_id, kind) VALUES (CURRENT_TIMESTAMP, NULL, NULL, 'store')"
# Run when a row whose id is a multiple of PRUNE_EVERY is written (NEW is that row).
PRUNE = f"DELETE FROM change WHERE id <= NEW.id - {KEEP}"
