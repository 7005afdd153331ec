"""What the app tells its screens when the store or the member's settings change.

The app receives each change once and hands every screen on its stack a copy;
a screen that cares handles it, the others ignore it. The copies do not bubble,
so a screen's handler never sends the change back up to the app.
"""

from __future__ import annotations

from textual.message import Message

from app.core.views import ConversationRow


class StoreChanged(Message, bubble=False):
    """These conversations changed (an empty set: something else did); `news` are the
    ones with a new message worth a notification."""

    def __init__(self, conversation_ids: set[int], news: list[ConversationRow] | None = None) -> None:
        super().__init__()
        self.conversation_ids = conversation_ids
        self.news = news or []


class SettingsChanged(Message, bubble=False):
    """The acting member's settings, as just saved."""

    def __init__(self, settings: dict[str, bool]) -> None:
        super().__init__()
        self.settings = settings
