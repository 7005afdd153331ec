"""The status line: acting member, plan and InMail credits, and what just happened."""

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
        self.note = ""

    def show_credits(self, credits: CreditsView) -> None:
        self.credits = credits
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
        if self.note:
            note = Text(f"{literal(self.note, one_line=True)} ",
                        self.get_component_rich_style("status-line--note", partial=True))
            room = self.size.width - text.cell_len - 2
            if room > 8:
                note.truncate(room, overflow="ellipsis")
                text.append(" " * max(self.size.width - text.cell_len - note.cell_len, 2))
                text.append_text(note)
        return text
