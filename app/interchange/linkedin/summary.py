"""What an import read and added, and the closing note that tells the user."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

PROGRESS_EVERY = 5000
FIRST_SKIPPED = 5  # skipped rows shown by their line, for each file
SKIP_DUPLICATE = "rows repeated in the export"
SKIP_CONNECTION = "connections without a name or profile URL"
SKIP_CONNECTION_DATE = "connections whose Connected On is not a date"
SKIP_DATE = "messages whose DATE is not a date"
SKIP_TOO_LONG = "messages longer than a message may be"
SKIP_INVITATION = "invitations without a name or profile URL"
SKIP_INVITATION_DATE = "invitations whose Sent At is not a date"
SKIP_INVITATION_NOTE = "invitations whose note is longer than 300 characters"


@dataclass
class FileReport:
    """What one file of the export gave: its rows, what became of them, and why rows were skipped."""

    name: str
    layout: str = ""  # "2024 layout", "UTF-16, tab-separated"…: how the file was read
    rows: int = 0
    imported: int = 0  # rows added to the store
    already: int = 0  # rows the store had before
    drafts: int = 0
    noun: str = "row"  # what an imported row became: "message", "connection"
    conversations: int = 0
    skipped: Counter = field(default_factory=Counter)
    first_skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)

    def skip(self, reason: str, line: int | None) -> None:
        self.skipped[reason] += 1
        if line is not None and len(self.first_skipped) < FIRST_SKIPPED:
            self.first_skipped.append((line, reason))

    def describe(self) -> str:
        how = ", ".join(part for part in (self.layout, counted(self.rows, "row")) if part)
        text = f"{self.name} ({how})"
        if self.noun != "row":
            added = counted(self.imported, self.noun) + (f" and {counted(self.drafts, 'draft')}" if self.drafts else "")
            text += f": {added} added"
            if self.conversations:
                text += f" in {counted(self.conversations, 'conversation')}"
            if self.already:
                text += f"; {self.already:,} already in the store"
        if self.skipped:
            reasons = _join([f"{reason} ({n:,})" for reason, n in sorted(self.skipped.items())])
            text += f"; skipped {counted(sum(self.skipped.values()), 'row')}: {reasons}"
            if self.first_skipped:
                text += "; first at " + ", ".join(f"line {line}" for line, _ in sorted(self.first_skipped))
        return text + "."


@dataclass
class ImportSummary:
    """What an import read and added; ``describe()`` is the closing note for the user."""

    source: str
    reports: list[FileReport] = field(default_factory=list)
    not_imported: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    owner: str = ""
    owner_chosen: str = ""  # how the owner was chosen, in words
    dry_run: bool = False
    conversations: int = 0
    conversations_updated: int = 0
    messages: int = 0
    without_text: int = 0  # messages whose row had no text: an attachment or shared item
    drafts: int = 0
    members: int = 0
    connections: int = 0
    invitations: int = 0
    already_imported: int = 0
    rows_read: int = 0
    skipped: Counter = field(default_factory=Counter)
    links: list[str] = field(default_factory=list)  # symbolic links left unread
    seconds: float = 0.0

    def report(self, name: str, **values) -> FileReport:
        made = FileReport(name, **values)
        self.reports.append(made)
        return made

    def skip(self, report: FileReport, reason: str, line: int | None) -> None:
        self.skipped[reason] += 1
        report.skip(reason, line)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def messages_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        lines = [f"Read {self.source}:"]
        lines += [f"  {report.describe()}" for report in self.reports]
        for name, why in self.not_imported:
            lines.append(f"  {name}: not imported, {why}.")
        if self.owner:
            lines.append(f"The export's owner (you, \"me\"): {self.owner}, {self.owner_chosen}.")
        added = [
            counted(self.conversations, "conversation"),
            counted(self.messages, "message"),
            counted(self.drafts, "draft"),
            counted(self.members, "member"),
            counted(self.connections, "connection"),
        ]
        verb = "Would add" if self.dry_run else "Added"
        if any((self.conversations, self.messages, self.drafts, self.members, self.connections)):
            lines.append(f"{verb} {_join(added)}.")
        else:
            lines.append("Nothing new: everything in this export is already in the store.")
        if self.without_text:
            lines.append(f"{counted(self.without_text, 'message')} had no text in the export (an attachment or "
                         "shared item): each is kept at its time with a note saying so.")
        if self.conversations_updated:
            lines.append(f"{counted(self.conversations_updated, 'conversation')} already here got new messages.")
        if self.already_imported:
            lines.append(f"{counted(self.already_imported, 'message')} were already in the store.")
        if self.invitations:
            lines.append(f"{counted(self.invitations, 'invitation')} read: those still waiting for an answer are "
                         "on the Invitations page (parley invitations).")
        if self.skipped:
            reasons = _join([f"{reason} ({n:,})" for reason, n in sorted(self.skipped.items())])
            lines.append(f"Skipped {counted(self.rows_skipped, 'row')}: {reasons}.")
        if self.links:
            lines.append(f"Skipped {counted(len(self.links), 'symbolic link')}, which Parley does not follow: "
                         f"{_join(self.links)}.")
        if self.seconds > 0 and self.rows_read >= PROGRESS_EVERY:
            lines.append(f"{self.rows_read:,} message rows in {self.seconds:.1f} s "
                         f"({self.messages_per_second:,.0f} rows/s).")
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines)


def counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
