"""What the app tells its screens when the store or the member's settings change, and what
the live watch tells the app when access to a shared inbox ends.

The app receives each change once and hands every screen on its stack a copy;
a screen that cares handles it, the others ignore it. The copies do not bubble,
so a screen's handler never sends the change back up to the app.
"""

from __future__ import annotations

from textual.message import Message

from app.core.views import ConversationRow


class StoreChanged(Message, bubble=False):
    """These conversations changed (an empty set: something else did); `news` are the
    ones with a new message worth a notification, `assigned` the ones someone else has just
    assigned to whoever is at the keyboard."""

    def __init__(self, conversation_ids: set[int], news: list[ConversationRow] | None = None,
                 assigned: list[ConversationRow] | None = None) -> None:
        super().__init__()
        self.conversation_ids = conversation_ids
        self.news = news or []
        self.assigned = assigned or []


class SettingsChanged(Message, bubble=False):
    """The acting member's settings, as just saved."""

    def __init__(self, settings: dict[str, bool]) -> None:
        super().__init__()
        self.settings = settings


class AccessEnded(Message, bubble=False):
    """The person at the keyboard no longer works in this shared inbox (the member's id)."""

    def __init__(self, inbox_id: int) -> None:
        super().__init__()
        self.inbox_id = inbox_id
