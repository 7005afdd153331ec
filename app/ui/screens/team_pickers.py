"""A shared inbox's two pickers: which inbox to work in, and whom to assign a conversation to."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.core.views import MemberView
from app.ui.styles import styles_dir
from app.ui.text import literal, possessive

NOBODY = ""  # the assign picker's answer for "Nobody" (None: cancelled)


class TeamPicker(ModalScreen):
    """A short list of people to choose one from: enter chooses, escape cancels."""

    CSS_PATH = styles_dir() / "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]
    heading = ""
    subtitle = "enter choose · esc cancel"

    def __init__(self, question: str, options: list[tuple[Text, str]], highlighted: int = 0) -> None:
        super().__init__()
        self.question = question
        self.options = options
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.question, id="question", markup=False)
            yield OptionList(*(Option(label) for label, _ in self.options), id="choices")

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = self.heading
        dialog.border_subtitle = self.subtitle
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = self.highlighted
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])

    def action_move(self, step: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if step > 0:
            choices.action_cursor_down()
        else:
            choices.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


def _person(name: str, note: str = "") -> Text:
    text = Text(literal(name, one_line=True), no_wrap=True, overflow="ellipsis")
    if note:
        text.append(f"  {note}", "dim")
    return text


class InboxPicker(TeamPicker):
    """The inboxes the person at the keyboard works in, their own first; returns the chosen
    one's handle, or None."""

    heading = "Switch inbox"

    def __init__(self, inboxes: list[MemberView], here: int) -> None:
        own = inboxes[0]
        options = [(_person(f"{possessive(inbox.name)} inbox" if inbox.id != own.id else "Your own inbox",
                            "here" if inbox.id == here else ""), inbox.handle)
                   for inbox in inboxes]
        question = ("Which inbox do you work in now?" if len(inboxes) > 1 else
                    "You work in no other inbox: its member adds you as a delegate "
                    "(parley delegate add INBOX YOU).")
        start = next((place for place, inbox in enumerate(inboxes) if inbox.id != here), 0)
        super().__init__(question, options, start)


class AssignPicker(TeamPicker):
    """The inbox's team by name, then Nobody; returns a handle, NOBODY, or None."""

    heading = "Assign"

    def __init__(self, people: list[MemberView], author_id: int, count: int) -> None:
        options = [(_person(person.name, "you" if person.id == author_id else ""), person.handle)
                   for person in people]
        options.append((_person("Nobody", "unassigned"), NOBODY))
        what = "this conversation" if count == 1 else f"these {count} conversations"
        super().__init__(f"Whom do you assign {what} to?", options)
