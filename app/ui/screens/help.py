"""Help (`?`): every key that works right now, read from the live bindings.

The list comes from the screen underneath and the app, after the user's keymap
has been applied, so a remapped key shows as the user set it.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from app.ui.keymap import every_binding
from app.ui.styles import styles_dir


def _where(node: DOMNode) -> str:
    """The part of the app a binding belongs to, in words."""
    if node is node.app:
        return "Everywhere"
    title = getattr(node, "help_title", None) or getattr(node, "TITLE", None)
    if title:
        return str(title)
    # ConversationList -> "Conversation list", InboxScreen -> "Inbox".
    name = type(node).__name__.removesuffix("Screen") or type(node).__name__
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", name)
    return " ".join([words[0], *(word.lower() for word in words[1:])]) if words else name


class HelpScreen(ModalScreen[None]):
    """Lists the active bindings of the app and the screen below, grouped by action."""

    CSS_PATH = styles_dir() / "dialogs.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help"),
        # Priority: the table would take home and end for sideways scrolling.
        Binding("j,down", "move(1)", "Down", show=False, priority=True),
        Binding("k,up", "move(-1)", "Up", show=False, priority=True),
        Binding("g,home", "move_to(0)", "First", show=False, priority=True),
        Binding("G,end", "move_to(-1)", "Last", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog help"):
            yield Static(
                "Keys can be changed in the config file; this list shows them as set.",
                id="question",
            )
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = "Help · keys"
        dialog.border_subtitle = "esc close"
        table = self.query_one("#keys", DataTable)
        table.add_columns("Key", "Action", "Where", "Config id")
        shown = set()
        for keys, description, where, binding_id in self.binding_rows():
            table.add_row(Text(keys), Text(description), Text(where), Text(binding_id))
            shown.add(binding_id)
        # Every other id the config's [keys] table knows, with its default keys.
        for binding_id, keys, description in every_binding():
            if binding_id not in shown:
                table.add_row(Text(keys), Text(description), Text("Elsewhere"), Text(binding_id))
        table.focus()

    def binding_rows(self) -> list[tuple[str, str, str, str]]:
        """(keys, what they do, where, config id) for each action bound on the screen below."""
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else self.app.screen
        grouped: dict[tuple[int, str], tuple[list[str], str, str, str]] = {}
        for active in below.active_bindings.values():
            binding = active.binding
            description = binding.description or binding.action.replace("_", " ")
            group = grouped.setdefault(
                (id(active.node), binding.action), ([], description, _where(active.node), binding.id or "")
            )
            display = self.app.get_key_display(binding)
            if display not in group[0]:
                group[0].append(display)
        rows = [(", ".join(keys), description, where, binding_id)
                for keys, description, where, binding_id in grouped.values()]
        # The screen's own keys first, the app-wide keys after.
        return sorted(rows, key=lambda row: row[2] == "Everywhere")

    def action_move(self, rows: int) -> None:
        table = self.query_one("#keys", DataTable)
        table.move_cursor(row=max(min(table.cursor_row + rows, table.row_count - 1), 0), animate=False)

    def action_move_to(self, row: int) -> None:
        table = self.query_one("#keys", DataTable)
        table.move_cursor(row=row if row >= 0 else table.row_count - 1, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
