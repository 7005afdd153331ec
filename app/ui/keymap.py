"""Every key of the app, by binding id, and the user's remapping of them.

Each binding has an `id`; the `[keys]` table of the config file maps ids to keys
(`archive = "a"` or `move-down = "j,down,ctrl+n"`), applied with App.set_keymap.
The same table feeds the command palette and the help screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from app.core.views import FILTER_LABELS, FILTERS

if TYPE_CHECKING:
    from app.config import Config


def bind(key: str, action: str, description: str, binding_id: str, *, show: bool = True,
       key_display: str | None = None, priority: bool = False) -> Binding:
    return Binding(key, action, description, show=show, key_display=key_display,
                   priority=priority, id=binding_id)


APP_BINDINGS: list[Binding] = [
    bind("q", "quit", "Quit", "quit"),
    bind("question_mark", "help", "Help", "help", key_display="?"),
    bind("comma", "settings", "Settings", "settings", show=False, key_display=","),
    bind("c", "compose", "Compose", "compose"),
    bind("i", "invitations", "Invitations", "invitations", show=False),
    bind("o", "open_news", "Open the newest message", "open-news", show=False),
    bind("ctrl+p", "command_palette", "Commands", "command-palette", show=False),
]

# Moving through a list or a thread (ConversationList and MessageView carry these).
MOVE_BINDINGS: list[Binding] = [
    bind("j,down", "move_down", "Down", "move-down", show=False),
    bind("k,up", "move_up", "Up", "move-up", show=False),
    bind("g,home", "first", "First", "first", show=False),
    bind("G,end", "last", "Last", "last", show=False),
    bind("pagedown", "page_down", "Page down", "page-down", show=False),
    bind("pageup", "page_up", "Page up", "page-up", show=False),
]

# Acting on conversations: the inbox acts on the selection (or the highlighted row),
# the thread on its own conversation.
CONVERSATION_BINDINGS: list[Binding] = [
    bind("e", "archive", "Archive", "archive"),
    bind("d", "delete", "Delete", "delete", show=False),
    bind("m", "mute", "Mute", "mute", show=False),
    bind("s", "star", "Star", "star", show=False),
    bind("u", "toggle_read", "Read/unread", "toggle-read", show=False),
    bind("exclamation_mark", "report", "Report", "report", show=False, key_display="!"),
    bind("z", "undo", "Undo", "undo", show=False),
]

INBOX_BINDINGS: list[Binding] = [
    bind("enter", "open", "Open", "open"),
    bind("slash", "search", "Search", "search", key_display="/"),
    bind("x", "select", "Select", "select"),
    bind("r", "reply", "Reply", "reply", show=False),
    bind("p", "profile", "Profile", "profile", show=False),
    bind("X", "select_all", "Select all", "select-all", show=False),
    bind("escape", "back", "Clear", "back", show=False),
    *[
        bind(str(number), f"filter('{name}')", FILTER_LABELS[name], f"filter-{number}", show=False)
        for number, name in enumerate(FILTERS, 1)
    ],
    *CONVERSATION_BINDINGS,
]

THREAD_BINDINGS: list[Binding] = [
    bind("escape", "back", "Back", "back"),
    bind("r", "reply", "Reply", "reply"),
    bind("p", "profile", "Profile", "profile"),
    bind("a", "save_attachment", "Save attachment", "save-attachment", show=False),
    bind("R", "recall", "Recall message", "recall", show=False),
    bind("y", "quick_reply('accept')", "Yes, interested", "accept", show=False),
    bind("n", "quick_reply('decline')", "No thanks", "decline", show=False),
    bind("C", "connect", "Connect", "connect", show=False),
    bind("ctrl+t", "template", "Insert a template", "insert-template", show=False, priority=True),
    *CONVERSATION_BINDINGS,
]

# The reply box sends with ctrl+s as well as enter.
REPLY_BINDINGS: list[Binding] = [
    bind("ctrl+s", "send", "Send", "send", priority=True),
]

# Compose: ctrl+s is not a priority binding there, so it waits behind the keys typed
# before it; ctrl+e is, because the text fields would take it as "end of line".
COMPOSE_BINDINGS: list[Binding] = [
    bind("ctrl+s", "send", "Send", "send"),
    bind("escape", "keep_draft", "Close, keep draft", "back"),
    bind("ctrl+e", "edit_in_editor", "Edit in $EDITOR", "edit-in-editor", priority=True),
    bind("ctrl+t", "template", "Insert a template", "insert-template", priority=True),
    bind("ctrl+g", "invite", "Invite to connect", "invite", priority=True),
]

ALL_BINDINGS: list[Binding] = [
    *APP_BINDINGS, *MOVE_BINDINGS, *INBOX_BINDINGS, *THREAD_BINDINGS, *REPLY_BINDINGS,
    *COMPOSE_BINDINGS,
]
BINDING_IDS: frozenset[str] = frozenset(b.id for b in ALL_BINDINGS if b.id)


def keymap_from_config(config: Config | Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """The `[keys]` table as a keymap, and the ids in it that name no binding."""
    table = config.get("keys") or {}
    if not isinstance(table, dict):
        return {}, ["keys"]
    keymap: dict[str, str] = {}
    unknown: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in BINDING_IDS:
            unknown.append(str(binding_id))
            continue
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        keymap[binding_id] = str(keys)
    return keymap, unknown
