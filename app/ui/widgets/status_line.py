"""The status line: acting member, plan and InMail credits, invitations waiting, and what
just happened."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from app.core.views import CreditsView, MemberView
from app.ui.text import literal


class StatusLine(Widget):
    COMPONENT_CLASSES = {"status-line--member", "status-line--note"}
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    """

    def __init__(self, member: MemberView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.member = member
        self.credits: CreditsView | None = None
        self.invitations = 0  # waiting for the member's answer
        self.note = ""

    def show_credits(self, credits: CreditsView, *, invitations: int = 0) -> None:
        self.credits = credits
        self.invitations = invitations
        self.refresh()

    def show_note(self, note: str) -> None:
        self.note = note
        self.refresh()

    def credits_text(self) -> str:
        c = self.credits
        if c is None:
            return ""
        if c.cap == 0 and c.balance == 0:
            return f"{c.plan_label} · no InMail credits"
        text = f"{c.plan_label} · {c.balance} InMail credit{'s' if c.balance != 1 else ''}"
        if c.next_grant is not None and c.monthly:
            text += f" · +{c.monthly} on {c.next_grant:%b} {c.next_grant.day}"
        return text

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f" {literal(self.member.name, one_line=True)} (@{self.member.handle})",
                    self.get_component_rich_style("status-line--member", partial=True))
        credits = self.credits_text()
        if credits:
            text.append(f" · {credits}")
        if self.invitations:
            text.append(f" · {self.invitations} invitation{'s' if self.invitations != 1 else ''} (i)")
        if not self.note:
            return text
        # What just happened matters more than the credits: the member and credits give way.
        width = self.size.width
        note = Text(f"{literal(self.note, one_line=True)} ",
                    self.get_component_rich_style("status-line--note", partial=True))
        note.truncate(max(width - 12, 8), overflow="ellipsis")
        text.truncate(max(width - note.cell_len - 2, 0), overflow="ellipsis")
        text.append(" " * max(width - text.cell_len - note.cell_len, 1))
        text.append_text(note)
        return text
