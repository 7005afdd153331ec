"""The sender's profile beside a thread (`p`): headline, company, degree, shared connections."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from app.core.views import POSSIBLE, RECEIVED, SENT, ProfileFacts
from app.ui.text import literal

SHARED_SHOWN = 8
INVITATION_LINES = {
    POSSIBLE: "C  Connect with a note",
    SENT: "Invitation sent, waiting for an answer",
    RECEIVED: "Invited you to connect: i to answer",
}


class ProfilePanel(Widget):
    COMPONENT_CLASSES = {"profile-panel--name", "profile-panel--dim"}
    DEFAULT_CSS = """
    ProfilePanel { width: 34; display: none; padding: 0 1; }
    ProfilePanel.-open { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facts: ProfileFacts | None = None

    def show_facts(self, facts: ProfileFacts | None) -> None:
        self.facts = facts
        self.refresh(layout=True)

    def render(self) -> Text:
        dim = self.get_component_rich_style("profile-panel--dim", partial=True)
        if self.facts is None:
            return Text("No profile to show.", dim)
        person = self.facts.member
        text = Text(end="")
        name_style = self.get_component_rich_style("profile-panel--name", partial=True)
        text.append(literal(person.name, one_line=True), name_style)
        text.append(f"\n@{person.handle} · {self.facts.degree}\n", dim)
        if person.headline:
            text.append("\n" + literal(person.headline, one_line=True) + "\n")
        if person.position or person.company:
            role = " at ".join(part for part in (person.position, person.company) if part)
            if role != person.headline:
                text.append("\n" + literal(role, one_line=True) + "\n")
        if person.location:
            text.append(literal(person.location, one_line=True) + "\n", dim)
        shared = self.facts.shared
        if self.facts.degree != "you":
            count = len(shared)
            text.append(f"\n{count} shared connection{'s' if count != 1 else ''}\n", dim)
            for other in shared[:SHARED_SHOWN]:
                text.append(" · " + literal(other.name, one_line=True) + "\n")
            if count > SHARED_SHOWN:
                text.append(f"   and {count - SHARED_SHOWN} more\n", dim)
        if self.facts.degree != "you":
            text.append("\nBlocked: no messages either way · b unblocks" if self.facts.blocked
                        else "\nb blocks this member", dim)
        offer = INVITATION_LINES.get(self.facts.invitation or "")
        if offer:
            text.append("\n\n" + offer, dim)
        text.rstrip()
        return text
