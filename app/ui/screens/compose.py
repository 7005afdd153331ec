"""Compose: a new message, with its route decided live before anything is sent (SPEC §2, §8).

The To field completes member handles; as it changes, a worker asks the core for
the route to the recipients and the line under it says what sending would do and
cost. Nothing is sent until ctrl+s; escape keeps what was typed as a draft.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Footer, Input, Label, Static, TextArea

from app.core.errors import ParleyError
from app.core.plans import LIMITS
from app.core.views import SendResult
from app.presentation import day, split_handles
from app.ui.keymap import COMPOSE_BINDINGS
from app.ui.mailbox import Mailbox, failure_sentence
from app.ui.screens.compose_social import INVITE_HINT, ComposeSocial
from app.ui.styles import styles_dir
from app.ui.text import literal
from app.ui.widgets.work import RunsWork

ROUTE_NAMES = {"message": "Message", "open-profile": "Open Profile message", "inmail": "InMail"}


class MemberSuggester(Suggester):
    """Completes the handle being typed (the last one after a comma) from the store."""

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        self.mailbox = mailbox

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.rpartition(",")[2]
        prefix = typed.lstrip().lstrip("@").lower()
        if not prefix:
            return None
        try:
            found = await asyncio.to_thread(self.mailbox.search_members, prefix, 10)
        except Exception as exc:
            if failure_sentence(exc) is None:
                raise
            # A busy store only means no completion this time.
            return None
        for member in found:
            if member.handle.startswith(prefix) and member.handle != prefix:
                return value + member.handle[len(prefix) :]
        return None


@dataclass(frozen=True)
class RoutePreview:
    """What the route line shows for the recipients typed so far."""

    text: str
    refused: bool = False
    inmail: bool = False
    who: str = ""  # the recipients' names and headlines, to confirm the handle is the right person
    invite: tuple[str, str] | None = None  # (handle, name): refused, but an invitation to connect is possible


@dataclass(frozen=True)
class CreditsLine:
    balance: int
    text: str


def credits_line(mailbox: Mailbox) -> CreditsLine:
    view = mailbox.credits()
    if view.monthly == 0 and view.balance == 0:
        return CreditsLine(0, f"No InMail credits on {view.plan_label}.")
    text = f"{view.balance} InMail credit{'s' if view.balance != 1 else ''} left"
    if view.next_grant is not None:
        text += f" · next grant {day(view.next_grant)}"
    return CreditsLine(view.balance, text)


def route_preview(mailbox: Mailbox, handles: list[str], balance: int) -> RoutePreview:
    """Ask the core for the route to each recipient; a group needs every one connected."""
    if not handles:
        return RoutePreview("Type a member's handle; the route shows here before you send.")
    try:
        people = [mailbox.person(handle) for handle in handles]
    except ParleyError as err:
        return RoutePreview(literal(str(err), one_line=True), refused=True)
    if len(people) == 1:
        person = people[0]
        who = literal(f"{person.name} · {person.headline}" if person.headline else person.name, one_line=True)
        decision = mailbox.route_to(person.id)
        if not decision.allowed:
            if mailbox.invitation_state(person.id) == "possible":
                return RoutePreview(f"{decision.refusal} {INVITE_HINT}", refused=True, who=who,
                                    invite=(person.handle, person.name))
            return RoutePreview(decision.refusal or "", refused=True, who=who)
        name = ROUTE_NAMES.get(decision.route or "", "Message")
        if decision.cost:
            return RoutePreview(
                f"{name} · {decision.cost} credit · {balance} left", inmail=True, who=who
            )
        return RoutePreview(f"{name} · free · lands in {(decision.folder or '').capitalize()}", who=who)
    if len(people) > LIMITS.group_max_members:
        return RoutePreview(
            f"A group conversation holds at most {LIMITS.group_max_members} members.", refused=True
        )
    for person in people:
        decision = mailbox.route_to(person.id)
        if not decision.allowed:
            return RoutePreview(literal(f"{person.name}: {decision.refusal}", one_line=True), refused=True)
        if not mailbox.is_connected(person.id):
            return RoutePreview(
                literal(
                    f"Group conversations are for connections only; {person.name} isn't one of yours.", one_line=True
                ),
                refused=True,
            )
    names = literal(", ".join(person.name for person in people), one_line=True)
    return RoutePreview(f"Group message · free · {len(people)} members", who=names)


class ComposeScreen(ComposeSocial, RunsWork, ModalScreen[SendResult | None]):
    """A new message (or a reply into ``reply_conversation_id``); returns the SendResult or None."""

    CSS_PATH = styles_dir() / "compose.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*COMPOSE_BINDINGS]

    def __init__(self, mailbox: Mailbox, *, to: str = "", reply_conversation_id: int | None = None) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.initial_to = to
        self.reply_conversation_id = reply_conversation_id
        self.inmail = False
        self.balance = 0
        self.sending = False

    @property
    def body_limit(self) -> int:
        return LIMITS.inmail_body_max if self.inmail else LIMITS.message_body_max

    def compose(self) -> ComposeResult:
        with Vertical(id="compose"):
            with Horizontal(classes="field"):
                yield Label("To", classes="field-label")
                yield Input(
                    self.initial_to,
                    placeholder="handle, or several separated by commas",
                    suggester=MemberSuggester(self.mailbox),
                    id="to",
                    compact=True,
                    disabled=self.reply_conversation_id is not None,
                )
            yield Static("", id="who", markup=False)
            yield Static("", id="route", markup=False)
            with Horizontal(classes="field", id="subject-row"):
                yield Label("Subject", classes="field-label")
                yield Input(
                    placeholder="required for InMail",
                    max_length=LIMITS.subject_max,
                    id="subject",
                    compact=True,
                )
            yield TextArea(id="body", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="meta"):
                yield Static("", id="credits", markup=False)
                yield Static("", id="counter")
            yield Static("", id="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Send", id="send", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#compose")
        box.border_title = "Reply" if self.reply_conversation_id else "New message"
        self.query_one("#subject-row").display = False
        self.query_one("#error").display = False
        self.update_counter()
        self.load_credits()
        if self.initial_to:
            self.query_one("#body", TextArea).focus()
        else:
            self.query_one("#to", Input).focus()

    # ---- the route line -------------------------------------------------------------

    def load_credits(self) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: credits_line(mailbox), then=self.show_credits,
                       failed=lambda sentence: self.show_credits(CreditsLine(0, literal(sentence, one_line=True))),
                       group="credits", exclusive=True)

    def show_credits(self, line: CreditsLine) -> None:
        self.balance = line.balance
        self.query_one("#credits", Static).update(line.text)
        self.refresh_route(self.query_one("#to", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "to":
            event.stop()
            self.show_error("")
            self.refresh_route(event.value)

    def refresh_route(self, to_text: str) -> None:
        if self.reply_conversation_id is not None:
            self.show_route(RoutePreview("Reply · in this conversation"))
            return
        mailbox, handles, balance = self.mailbox, split_handles(to_text), self.balance
        self.in_thread(lambda: route_preview(mailbox, handles, balance), then=self.show_route,
                       failed=lambda sentence: self.show_route(RoutePreview(literal(sentence, one_line=True),
                                                                            refused=True)),
                       group="route", exclusive=True)

    def show_route(self, preview: RoutePreview) -> None:
        line = self.query_one("#route", Static)
        line.update(preview.text)
        line.set_class(preview.refused, "-refused")
        self.query_one("#who", Static).update(preview.who)
        self.invite_to = preview.invite
        self.refresh_bindings()
        self.inmail = preview.inmail
        self.query_one("#subject-row").display = preview.inmail
        self.update_counter()

    # ---- the body counter -----------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.show_error("")
        self.update_counter()

    def update_counter(self) -> None:
        used = len(self.query_one("#body", TextArea).text)
        counter = self.query_one("#counter", Static)
        counter.update(f"{used:,} / {self.body_limit:,}")
        counter.set_class(used > self.body_limit, "-over")

    # ---- sending ----------------------------------------------------------------------

    def show_error(self, sentence: str) -> None:
        error = self.query_one("#error", Static)
        error.update(sentence)
        error.display = bool(sentence)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "send":
            self.action_send()
        else:
            self.action_keep_draft()

    def action_send(self) -> None:
        if self.sending:
            return
        self.sending = True
        self.show_error("")
        subject = self.query_one("#subject", Input).value if self.inmail else None
        mailbox, conversation_id = self.mailbox, self.reply_conversation_id
        handles = split_handles(self.query_one("#to", Input).value)
        body = self.query_one("#body", TextArea).text

        def deliver() -> SendResult:
            if conversation_id is not None:
                return mailbox.reply(conversation_id, body)
            return mailbox.send(handles, body, subject)

        self.in_thread(deliver, then=self.dismiss, failed=self.send_failed, group="send", exclusive=True)

    def send_failed(self, sentence: str) -> None:
        self.sending = False
        self.show_error(sentence)
        # The refusal may depend on things that changed since the line was drawn.
        self.load_credits()

    # ---- leaving with a draft -----------------------------------------------------------

    def action_keep_draft(self) -> None:
        to = self.query_one("#to", Input).value
        subject = self.query_one("#subject", Input).value
        body = self.query_one("#body", TextArea).text
        # Only words are worth keeping: a recipient alone is not a draft.
        if not (subject.strip() or body.strip()):
            self.dismiss(None)
            return
        mailbox, handles, conversation_id = self.mailbox, split_handles(to), self.reply_conversation_id
        self.in_thread(lambda: mailbox.save_draft(handles, subject, body, conversation_id),
                       then=lambda _: self.draft_kept(), failed=self.show_error, group="draft", exclusive=True)

    def draft_kept(self) -> None:
        self.app.notify("Draft kept.", timeout=3)
        self.dismiss(None)

    # ---- $EDITOR ---------------------------------------------------------------------

    def action_edit_in_editor(self) -> None:
        body = self.query_one("#body", TextArea)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", prefix="parley-", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(body.text)
            path = Path(handle.name)
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
            text = path.read_text(encoding="utf-8")
        except SuspendNotSupported:
            self.show_error("This terminal can't hand over to an editor; edit the body here.")
            return
        except (OSError, ValueError) as err:
            self.show_error(f"Couldn't run the editor {editor!r}: {err}.")
            return
        finally:
            path.unlink(missing_ok=True)
        # Editors end the file with a newline the user never typed.
        if text.endswith("\n") and not body.text.endswith("\n"):
            text = text[:-1]
        body.load_text(text)
        body.focus()
        self.update_counter()
