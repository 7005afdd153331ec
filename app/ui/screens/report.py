"""Report a conversation: pick a reason (SPEC §6)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from app.ui.styles import styles_dir


class ReportDialog(ModalScreen[str | None]):
    """Returns one of the reasons it is given, or None when cancelled."""

    CSS_PATH = styles_dir() / "dialogs.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "down", "Down", show=False),
        Binding("k", "up", "Up", show=False),
    ]

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__()
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(
                "Why are you reporting this conversation? It moves to Spam and the "
                "sender is blocked.",
                id="question",
            )
            # A short fixed list of reasons: an OptionList is the right size here.
            yield OptionList(
                *(Option(reason.capitalize(), id=reason) for reason in self.reasons),
                id="reasons",
            )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Report", id="report", variant="error", compact=True)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = "Report"
        dialog.border_subtitle = "enter report · esc cancel"
        reasons = self.query_one("#reasons", OptionList)
        reasons.highlighted = 0
        reasons.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "report":
            reasons = self.query_one("#reasons", OptionList)
            if reasons.highlighted is not None:
                self.dismiss(self.reasons[reasons.highlighted])
                return
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one("#reasons", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#reasons", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
