"""What Compose adds for reaching people: a saved reply filled for the recipient (`ctrl+t`),
and an invitation to connect when the route line refuses a message (`ctrl+g`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input, TextArea

from app.presentation import split_handles

if TYPE_CHECKING:
    from app.ui.mailbox import Mailbox

INVITE_HINT = "You can invite them to connect instead: ctrl+g."


class ComposeSocial:
    """Mixed into the Compose screen, which provides the attributes declared here."""

    mailbox: Mailbox
    invite_to: tuple[str, str] | None = None  # (handle, name) when the route line offers an invitation

    if TYPE_CHECKING:
        app: Any

        def in_thread(self, fn, *, then=None, failed=None, group: str = "store", exclusive: bool = False): ...
        def query_one(self, selector, expect_type=None) -> Any: ...
        def show_error(self, sentence: str) -> None: ...
        def update_counter(self) -> None: ...

    def action_template(self) -> None:
        from app.ui.screens.templates import TemplatePicker

        handles = split_handles(self.query_one("#to", Input).value)
        if not handles:
            self.show_error("Type the recipient first: a template is filled in for them.")
            return
        mailbox, recipient = self.mailbox, handles[0]

        def chosen(template) -> None:
            if template is None:
                return
            self.in_thread(lambda: mailbox.filled_template(template.name, recipient), then=self.insert_template,
                           failed=self.show_error, group="template")

        self.app.push_screen(TemplatePicker(mailbox), chosen)

    def insert_template(self, filled: tuple[str, str]) -> None:
        subject, body = filled
        if subject:
            self.query_one("#subject", Input).value = subject
        area = self.query_one("#body", TextArea)
        area.load_text(body)
        area.focus()
        self.update_counter()

    def action_invite(self) -> None:
        if self.invite_to is None:
            return
        handle, name = self.invite_to
        self.app.invite(handle, name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "invite":
            return self.invite_to is not None
        return True
