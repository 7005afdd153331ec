"""Invitations to connect: the ones waiting for the member's answer, and the ones they sent.

`a` accepts (the two are connected and message each other for free from then on), `i`
ignores, `w` withdraws one the member sent; `tab` switches between received and sent.
The page follows the store live: an invitation that arrives or is answered elsewhere
shows at once.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from app.core.invitations import NOTE_MAX
from app.core.views import InvitationView
from app.presentation import short_time
from app.ui.changes import StoreChanged
from app.ui.keymap import INVITATION_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.styles import styles_dir
from app.ui.text import literal
from app.ui.widgets.status_line import StatusLine
from app.ui.widgets.work import RunsWork

DONE = {
    "accept": "You and {name} are connected: messages between you are free.",
    "ignore": "Ignored {name}'s invitation.",
    "withdraw": "Withdrew your invitation to {name}.",
}


def invitation_prompt(invitation: InvitationView) -> Text:
    """The name and when, the headline, the note in quotes, and a blank line after."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(literal(invitation.name, one_line=True), "bold")
    text.append(f"  ·  {short_time(invitation.sent_at)}", "dim")
    if invitation.headline:
        text.append("\n" + literal(invitation.headline, one_line=True), "dim")
    if invitation.note:
        text.append("\n“" + literal(invitation.note, one_line=True) + "”", "italic")
    text.append("\n")
    return text


class InvitationsScreen(RunsWork, Screen[None]):
    CSS_PATH = styles_dir() / "social.tcss"
    help_title = "Invitations"
    BINDINGS = [*INVITATION_BINDINGS]

    def __init__(self, mailbox: Mailbox, *, sent: bool = False) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.sent = sent
        self.shown: list[InvitationView] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="invitations-title", markup=False)
        yield OptionList(id="invitations")
        yield Static("", id="invitations-empty", markup=False)
        # Where what just happened is said, as on the inbox.
        yield StatusLine(self.mailbox.member, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        mailbox, sent = self.mailbox, self.sent
        self.in_thread(lambda: mailbox.invitations(sent=sent), then=self.show, group="invitations", exclusive=True)

    def show(self, found: list[InvitationView]) -> None:
        self.shown = found
        which = "sent, waiting for an answer" if self.sent else "waiting for your answer"
        self.query_one("#invitations-title", Static).update(
            f"Invitations {which} ({len(found)})  ·  tab: {'received' if self.sent else 'sent'}")
        listing = self.query_one("#invitations", OptionList)
        keep = listing.highlighted or 0
        listing.clear_options()
        listing.add_options([Option(invitation_prompt(i), id=str(i.id)) for i in found])
        empty = self.query_one("#invitations-empty", Static)
        empty.update("" if found else (
            "No invitations of yours are waiting." if self.sent else
            "No invitations are waiting for you. Invite someone from their profile (p, then C)."))
        listing.display = bool(found)
        empty.display = not found
        if found:
            listing.highlighted = min(keep, len(found) - 1)
            listing.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            answer = parameters[0] if parameters else ""
            # Accept and ignore are for the invitations received, withdraw for those sent.
            if (answer == "withdraw") != self.sent:
                return False
            return True if self.shown else None
        return True

    def action_answer(self, answer: str) -> None:
        listing = self.query_one("#invitations", OptionList)
        if listing.highlighted is None or not self.shown:
            return
        invitation = self.shown[listing.highlighted]
        mailbox = self.mailbox

        def answered(done: InvitationView) -> None:
            self.app.notify(DONE[answer].format(name=literal(done.name, one_line=True)), markup=False)
            self.load()
            self.app.post_message(StoreChanged(set()))

        self.in_thread(lambda: mailbox.answer_invitation(answer, invitation.handle), then=answered,
                       group="answer")

    def action_switch(self) -> None:
        self.sent = not self.sent
        self.query_one("#invitations", OptionList).highlighted = 0
        self.load()

    def action_move_down(self) -> None:
        self.query_one("#invitations", OptionList).action_cursor_down()

    def action_move_up(self) -> None:
        self.query_one("#invitations", OptionList).action_cursor_up()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_store_changed(self, event: StoreChanged) -> None:
        self.load()


class InviteDialog(RunsWork, ModalScreen[InvitationView | None]):
    """Invite one member to connect, with an optional note; returns the invitation or None."""

    CSS_PATH = styles_dir() / "social.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, mailbox: Mailbox, handle: str, name: str) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.handle = handle
        self.name_shown = literal(name, one_line=True)

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal, Vertical

        with Vertical(id="dialog", classes="dialog"):
            yield Static(f"Invite {self.name_shown} to connect. Once they accept, you message each other "
                         "for free.", id="question", markup=False)
            yield Input(placeholder="A note (optional)", max_length=NOTE_MAX, id="note")
            yield Static(f"0/{NOTE_MAX}", id="note-count", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Invite", id="invite", variant="primary", compact=True)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = "Connect"
        dialog.border_subtitle = "enter invite · esc cancel"
        self.query_one("#note", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#note-count", Static).update(f"{len(event.value)}/{NOTE_MAX}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.send()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "invite":
            self.send()
        else:
            self.dismiss(None)

    def send(self) -> None:
        note = self.query_one("#note", Input).value
        mailbox, handle = self.mailbox, self.handle
        self.in_thread(lambda: mailbox.invite(handle, note), then=self.dismiss, group="invite", exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
