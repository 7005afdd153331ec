"""What an import read and added, and the closing note that tells the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PROGRESS_EVERY = 5000
SKIP_EMPTY = "messages with no text (attachments are not in the export)"
SKIP_DUPLICATE = "rows repeated in the export"
SKIP_CONNECTION = "connections without a name or profile URL"
SKIP_TOO_LONG = "messages longer than a message may be"


@dataclass
class ImportSummary:
    """What an import read and added; ``describe()`` is the closing note for the user."""

    source: str
    files: list[str] = field(default_factory=list)
    conversations: int = 0
    conversations_updated: int = 0
    messages: int = 0
    drafts: int = 0
    members: int = 0
    connections: int = 0
    invitations: int = 0
    already_imported: int = 0
    rows_read: int = 0
    skipped: Counter = field(default_factory=Counter)
    links: list[str] = field(default_factory=list)  # symbolic links left unread
    seconds: float = 0.0

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def messages_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        lines = [f"Read {', '.join(self.files)} from {self.source}."]
        added = [
            counted(self.conversations, "conversation"),
            counted(self.messages, "message"),
            counted(self.drafts, "draft"),
            counted(self.members, "member"),
            counted(self.connections, "connection"),
        ]
        if any((self.conversations, self.messages, self.drafts, self.members, self.connections)):
            lines.append(f"Added {_join(added)}.")
        else:
            lines.append("Nothing new: everything in this export is already in the store.")
        if self.conversations_updated:
            lines.append(f"{counted(self.conversations_updated, 'conversation')} already here got new messages.")
        if self.already_imported:
            lines.append(f"{counted(self.already_imported, 'message')} were already in the store.")
        if self.invitations:
            lines.append(f"{counted(self.invitations, 'invitation')} read (their members are in the store).")
        if self.skipped:
            reasons = _join([f"{reason} ({n:,})" for reason, n in sorted(self.skipped.items())])
            lines.append(f"Skipped {counted(self.rows_skipped, 'row')}: {reasons}.")
        if self.links:
            lines.append(f"Skipped {counted(len(self.links), 'symbolic link')}, which Parley does not follow: "
                         f"{_join(self.links)}.")
        if self.seconds > 0 and self.rows_read >= PROGRESS_EVERY:
            lines.append(f"{self.rows_read:,} message rows in {self.seconds:.1f} s "
                         f"({self.messages_per_second:,.0f} rows/s).")
        return "\n".join(lines)


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
