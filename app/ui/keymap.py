"""Every key of the app, by binding id, and the user's remapping of them.

Each binding has an `id`; the `[keys]` table of the config file maps ids to keys
(`archive = "a"` or `move-down = "j,down,ctrl+n"`), applied with App.set_keymap.
The same table feeds the command palette and the help screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from app.core.views import FILTER_LABELS, LIST_KEYS

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

# Reading conversations in a row, and how the list is drawn.
NEXT_UNREAD = bind("N", "next_unread", "Next unread", "next-unread")
LIST_VIEW_BINDINGS: list[Binding] = [
    NEXT_UNREAD,
    bind("v", "toggle_density", "One/two-line list", "toggle-density", show=False),
]
READING_BINDINGS: list[Binding] = [
    bind("J", "next_conversation", "Next conversation", "next-conversation"),
    bind("K", "previous_conversation", "Previous conversation", "previous-conversation", show=False),
    NEXT_UNREAD,
    bind("q", "back", "Back to the list", "close-thread", show=False),
]

# A shared inbox: moving between the inboxes one works in, assigning a conversation to one of
# the team, and the two filters of a team's inbox (after the others, by their initials).
TEAM_FILTER_KEYS: dict[str, str] = {"mine": "M", "unassigned": "U"}
ASSIGN = bind("A", "assign", "Assign to…", "assign", show=False)
TEAM_BINDINGS: list[Binding] = [
    bind("I", "switch_inbox", "Switch inbox", "switch-inbox", show=False),
    ASSIGN,
    *[
        bind(key, f"filter('{name}')", FILTER_LABELS[name], f"filter-{name}", show=False)
        for name, key in TEAM_FILTER_KEYS.items()
    ],
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
        bind(key, f"filter('{name}')", FILTER_LABELS[name], f"filter-{key}", show=False)
        for name, key in LIST_KEYS.items()
    ],
    *CONVERSATION_BINDINGS,
    *LIST_VIEW_BINDINGS,
    *TEAM_BINDINGS,
]

# A shared inbox's team, in a thread: an internal note (in one's own inbox, a private one) and
# the conversation's history of who did what.
TEAM_THREAD_BINDINGS: list[Binding] = [
    bind("T", "note", "Internal note", "note", show=False),
    bind("H", "history", "History: who did what", "history", show=False),
]

THREAD_BINDINGS: list[Binding] = [
    bind("escape", "back", "Back", "back"),
    bind("r", "reply", "Reply", "reply"),
    bind("p", "profile", "Profile", "profile"),
    bind("a", "save_attachment", "Save attachment", "save-attachment", show=False),
    bind("R", "recall", "Recall message", "recall", show=False),
    bind("b", "toggle_block", "Block/unblock sender", "toggle-block", show=False),
    bind("y", "quick_reply('accept')", "Yes, interested", "accept", show=False),
    bind("n", "quick_reply('decline')", "No thanks", "decline", show=False),
    bind("C", "connect", "Connect", "connect", show=False),
    bind("ctrl+t", "template", "Insert a template", "insert-template", show=False, priority=True),
    *TEAM_THREAD_BINDINGS,
    *CONVERSATION_BINDINGS,
    *READING_BINDINGS,
    ASSIGN,
]

# The reply box sends with ctrl+s as well as enter (unless `enter-sends = false`), starts a
# new line with ctrl+j (or alt+enter, where the terminal tells it from enter), and hands the
# reply to $EDITOR with ctrl+e.
REPLY_BINDINGS: list[Binding] = [
    bind("ctrl+s", "send", "Send", "send", priority=True),
    bind("ctrl+j,alt+enter", "newline", "New line", "reply-newline", priority=True),
    bind("ctrl+e", "edit_in_editor", "Edit in $EDITOR", "edit-reply-in-editor", priority=True),
]

# Compose: ctrl+s is not a priority binding there, so it waits behind the keys typed
# before it; ctrl+e is, because the text fields would take it as "end of line".
COMPOSE_BINDINGS: list[Binding] = [
    bind("ctrl+s", "send", "Send", "send"),
    bind("escape", "keep_draft", "Close, keep draft", "back"),
    bind("ctrl+e", "edit_in_editor", "Edit in $EDITOR", "edit-in-editor", priority=True),
    bind("ctrl+o", "attach", "Attach a file", "attach", priority=True),
    bind("ctrl+t", "template", "Insert a template", "insert-template", priority=True),
    bind("ctrl+g", "invite", "Invite to connect", "invite", priority=True),
]

# Actions without a key of their own: the command palette offers each on the screens that
# can do it (those with its action_ method), beside every bound action.
@dataclass(frozen=True)
class PaletteAction:
    id: str
    action: str
    description: str

    @property
    def method(self) -> str:
        return "action_" + self.action.partition("(")[0]


PALETTE_ACTIONS: tuple[PaletteAction, ...] = (
    PaletteAction("mark-read", "mark_read", "Mark read"),
    PaletteAction("mark-unread", "mark_unread", "Mark unread"),
    PaletteAction("mark-spam", "mark_spam", "Mark spam"),
    PaletteAction("mark-safe", "not_spam", "Mark safe (not spam)"),
    PaletteAction("block-sender", "block_sender(True)", "Block sender"),
    PaletteAction("unblock-sender", "block_sender(False)", "Unblock sender"),
    PaletteAction("plan-and-credits", "plan_and_credits", "Plan & credits"),
    PaletteAction("blocked-members", "blocked_members", "Blocked members"),
    PaletteAction("audit", "audit", "Audit: who did what"),
)

# The Invitations page (i): answer the invitations waiting, withdraw the ones sent.
INVITATION_BINDINGS: list[Binding] = [
    bind("escape", "back", "Back", "back"),
    bind("a", "answer('accept')", "Accept", "invitation-accept"),
    bind("i", "answer('ignore')", "Ignore", "invitation-ignore"),
    bind("w", "answer('withdraw')", "Withdraw", "invitation-withdraw"),
    bind("tab", "switch", "Received/sent", "invitations-switch"),
    bind("j,down", "move_down", "Down", "move-down", show=False),
    bind("k,up", "move_up", "Up", "move-up", show=False),
]

ALL_BINDINGS: list[Binding] = [
    *APP_BINDINGS, *MOVE_BINDINGS, *INBOX_BINDINGS, *THREAD_BINDINGS, *REPLY_BINDINGS,
    *COMPOSE_BINDINGS, *INVITATION_BINDINGS,
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


# The bindings that are live together (one screen and what it carries): a key may serve
# two actions on different screens, never two on the same one.
LIVE_TOGETHER: tuple[list[Binding], ...] = (
    [*APP_BINDINGS, *MOVE_BINDINGS, *INBOX_BINDINGS],
    [*APP_BINDINGS, *MOVE_BINDINGS, *THREAD_BINDINGS],
    [*APP_BINDINGS, *THREAD_BINDINGS, *REPLY_BINDINGS],
    COMPOSE_BINDINGS,
)


def key_collisions(keymap: Mapping[str, str]) -> list[str]:
    """A sentence for each remapped key that another action on the same screen already has."""
    found: list[str] = []
    for bindings in LIVE_TOGETHER:
        owner: dict[str, str] = {}
        for binding in bindings:
            binding_id = binding.id or binding.action
            for key in keymap.get(binding_id, binding.key).split(","):
                key = key.strip()
                other = owner.setdefault(key, binding_id)
                if other == binding_id or not (binding_id in keymap or other in keymap):
                    continue
                sentence = f"The config's [keys] gives '{key}' to both {other} and {binding_id}."
                if sentence not in found:
                    found.append(sentence)
    return found


def every_binding() -> list[tuple[str, str, str]]:
    """(id, default keys, what it does) of every remappable action, each id once, in order."""
    rows: dict[str, tuple[str, str, str]] = {}
    for binding in ALL_BINDINGS:
        if binding.id and binding.id not in rows:
            rows[binding.id] = (binding.id, binding.key_display or binding.key, binding.description)
    return list(rows.values())
