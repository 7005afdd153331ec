"""The status line: acting member, plan and InMail credits, invitations waiting, and the
latest notice. In another member's inbox it says whose inbox it is and as whom one works there.

Notices take the line's right end, one at a time: a new one replaces the last, and a
passing one (not an error) goes by itself after a while. Escape clears any. To make
room the line drops whole parts, least needed first, and never cuts a number.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widget import Widget

from app.core.views import CreditsView, MemberView
from app.ui.text import literal, possessive

NOTICE_SECONDS = 8.0


class StatusLine(Widget):
    COMPONENT_CLASSES = {"status-line--member", "status-line--note", "status-line--error"}
    DEFAULT_CSS = """
    StatusLine { height: 1; }
    """

    def __init__(self, member: MemberView, *, author: MemberView | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.member = member
        self.author = author if author is not None and author.id != member.id else None
        self.credits: CreditsView | None = None
        self.invitations = 0  # waiting for the member's answer
        self.note = ""
        self.error = False
        self._fade: Timer | None = None

    def show_credits(self, credits: CreditsView, *, invitations: int = 0) -> None:
        self.credits = credits
        self.invitations = invitations
        self.refresh()

    def show_note(self, note: str, *, error: bool = False, lasting: bool = True) -> None:
        """Show `note` in place of the last one ("" clears it); a passing note goes by itself."""
        self.note = note
        self.error = error
        if self._fade is not None:
            self._fade.stop()
            self._fade = None
        if note and not lasting and not error:
            self._fade = self.set_timer(NOTICE_SECONDS, lambda: self.show_note(""))
        self.refresh()

    def credits_parts(self) -> list[str]:
        """The plan, the balance and the next grant, as parts the line may drop from the end."""
        c = self.credits
        if c is None:
            return []
        if c.cap == 0 and c.balance == 0:
            return [c.plan_label, "no InMail credits"]
        parts = [c.plan_label, f"{c.balance} InMail credit{'s' if c.balance != 1 else ''}"]
        if c.next_grant is not None and c.monthly:
            parts.append(f"+{c.monthly} on {c.next_grant:%b} {c.next_grant.day}")
        return parts

    def credits_text(self) -> str:
        return " · ".join(self.credits_parts())

    def render(self) -> Text:
        width = self.size.width or 80
        member_style = self.get_component_rich_style("status-line--member", partial=True)
        name = literal(self.member.name, one_line=True)
        # Each candidate is (who, credits parts), from the fullest to the barest.
        parts = self.credits_parts()
        balance = parts[1:2]
        count = self.invitations
        waiting = [f"{count} invitation{'s' if count != 1 else ''} (i)"] if count else []
        if self.author is not None:
            inbox = f" {possessive(name)} inbox"
            author = f"{inbox} · as {literal(self.author.name, one_line=True)}"
            candidates = [(author, parts + waiting), (author, parts[:2] + waiting), (author, balance + waiting),
                          (author, []), (inbox, balance), (inbox, []), (f" @{self.member.handle}", [])]
        else:
            candidates = [
                (f" {name} (@{self.member.handle})", parts + waiting),
                (f" {name} (@{self.member.handle})", parts[:2] + waiting),
                (f" {name}", parts[:2] + waiting),
                (f" @{self.member.handle}", balance + waiting),
                ("", balance + waiting),
                ("", balance),
                ("", []),
            ]
        note = Text(end="")
        if self.note:
            style = "status-line--error" if self.error else "status-line--note"
            note = Text(f" {literal(self.note, one_line=True)} ", self.get_component_rich_style(style, partial=True))
        text = Text(no_wrap=True, end="")
        for who, shown in candidates:
            text = Text(no_wrap=True, end="")
            text.append(who, member_style)
            if shown:
                text.append((" · " if who else " ") + " · ".join(shown))
            if text.cell_len + note.cell_len <= width:
                break
        if note.cell_len > width - text.cell_len:
            note.truncate(max(width - text.cell_len, 0), overflow="ellipsis")
        text.append(" " * max(width - text.cell_len - note.cell_len, 0))
        text.append_text(note)
        return text
