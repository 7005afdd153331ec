"""Compose: a new message, with its route decided live before anything is sent (SPEC §2, §8).

The To field completes member handles; as it changes, a worker asks the core for
the route to the recipients and the line under it says what sending would do and
cost. Nothing is sent until ctrl+s; escape keeps what was typed as a draft.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.binding import Binding
from textual.widgets import Button, Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from app.core.errors import BadInput, ParleyError
from app.files import FileRefused, read_bounded
from app.core.plans import LIMITS
from app.core.views import POSSIBLE, DraftView, SendResult
from app.presentation import day, split_handles
from app.ui.keymap import COMPOSE_BINDINGS
from app.ui.editor import EditorFailed, edit_in_editor
from app.ui.mailbox import Mailbox
from app.ui.screens.compose_social import INVITE_HINT, ComposeSocial
from app.ui.styles import styles_dir
from app.ui.text import glyphs, human_size, literal
from app.ui.widgets.text_areas import LiteralTextArea
from app.ui.widgets.work import RunsWork

def read_attachment(path: str, limit: int) -> tuple[str, bytes, str]:
    """A file to attach: its name, its bytes (at most ``limit``) and its type."""
    try:
        data = read_bounded(path, limit, f"The file {os.path.basename(path)}")
    except FileRefused as refused:
        raise BadInput(str(refused)) from None
    return os.path.basename(path), data, mimetypes.guess_type(path)[0] or "application/octet-stream"


ROUTE_NAMES = {"message": "Message", "open-profile": "Open Profile message", "inmail": "InMail"}


class RecipientInput(Input):
    """The To field: tab takes the highlighted completion and moves on, up/down choose one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "accept_completion", "Take the completion", show=False, priority=True),
        Binding("down", "choose(1)", show=False),
        Binding("up", "choose(-1)", show=False),
    ]

    async def action_accept_completion(self) -> None:
        await self.screen.run_action("accept_completion")

    def action_choose(self, step: int) -> None:
        choices = self.screen.query_one("#to-choices", OptionList)
        if choices.option_count:
            current = choices.highlighted if choices.highlighted is not None else -1
            choices.highlighted = (current + step) % choices.option_count


@dataclass(frozen=True)
class Completion:
    """A member the To field may complete to: always an existing handle."""

    handle: str
    label: str


def completions(mailbox: Mailbox, typed: str) -> list[Completion]:
    """Members whose name, handle or company starts with what is typed, with headline and degree."""
    found = []
    for member, degree in mailbox.completions(typed):
        facts = [member.name, "@" + member.handle]
        facts += [fact for fact in (member.headline or member.company, degree) if fact]
        found.append(Completion(member.handle, literal(" · ".join(facts), one_line=True)))
    return found


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
            if mailbox.invitation_state(person.id) == POSSIBLE:
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

    def __init__(self, mailbox: Mailbox, *, to: str = "", reply_conversation_id: int | None = None,
                 draft: DraftView | None = None) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.draft = draft  # reopened from Drafts: its fields come back, and sending removes it
        self.initial_to = ", ".join(draft.to_handles) if draft is not None else to
        self.reply_conversation_id = reply_conversation_id
        self.inmail = False
        self.balance = 0
        self.sending = False
        self.completions: list[Completion] = []
        self.attachments: list[tuple[str, bytes, str]] = []
        self._accepting = False  # the To field is changing because a completion was taken
        self._advance = False  # move to the next field once the route is known

    @property
    def body_limit(self) -> int:
        return LIMITS.inmail_body_max if self.inmail else LIMITS.message_body_max

    def compose(self) -> ComposeResult:
        with Vertical(id="compose"):
            with Horizontal(classes="field"):
                yield Label("To", classes="field-label")
                yield RecipientInput(
                    self.initial_to,
                    placeholder="name, handle or company; several separated by commas",
                    id="to",
                    compact=True,
                    disabled=self.reply_conversation_id is not None,
                )
            yield OptionList(id="to-choices", compact=True)
            yield Static("", id="who", markup=False)
            yield Static("", id="route", markup=False)
            with Horizontal(classes="field", id="subject-row"):
                yield Label("Subject", classes="field-label")
                yield Input(
                    self.draft.subject if self.draft is not None else "",
                    placeholder="required for InMail",
                    max_length=LIMITS.subject_max,
                    id="subject",
                    compact=True,
                )
            yield LiteralTextArea(self.draft.body if self.draft is not None else "", id="body", soft_wrap=True,
                                  show_line_numbers=False)
            with Horizontal(classes="field", id="attach-row"):
                yield Label("Attach", classes="field-label")
                yield Input(placeholder="path of a file (enter attaches, escape closes)", id="attach-path",
                            compact=True)
            yield Static("", id="attachments", markup=False)
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
        self.query_one("#attach-row").display = False
        self.query_one("#to-choices").display = False
        self.query_one("#attachments").display = False
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
            if event.input.has_focus and not self._accepting:
                self.complete(event.value.rpartition(",")[2].strip())
            self._accepting = False

    # ---- completing the To field ------------------------------------------------------

    def complete(self, typed: str) -> None:
        if not typed.lstrip("@"):
            self.show_completions([])
            return
        mailbox = self.mailbox
        self.in_thread(lambda: completions(mailbox, typed), then=self.show_completions,
                       failed=lambda _: self.show_completions([]), group="complete", exclusive=True)

    def show_completions(self, found: list[Completion]) -> None:
        typed = self.query_one("#to", Input).value.rpartition(",")[2].strip().lstrip("@")
        if [completion.handle for completion in found] == [typed]:
            found = []  # already the whole handle: nothing to complete
        self.completions = found
        choices = self.query_one("#to-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(completion.label) for completion in found])
        choices.display = bool(found)
        if found:
            choices.highlighted = 0

    def action_accept_completion(self) -> None:
        """tab in To: the highlighted member's handle replaces what was typed; then the next field."""
        choices = self.query_one("#to-choices", OptionList)
        to = self.query_one("#to", Input)
        index = choices.highlighted
        if choices.display and index is not None and index < len(self.completions):
            before, comma, _ = to.value.rpartition(",")
            self._accepting = True
            to.value = f"{before}{comma}{' ' if comma else ''}{self.completions[index].handle}"
            to.cursor_position = len(to.value)
            self.show_completions([])
        self._advance = True
        self.refresh_route(to.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#to-choices", OptionList).highlighted = event.option_index
        self.action_accept_completion()

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
        if self._advance:
            # After a completion is taken: the subject of an InMail, else the body.
            self._advance = False
            self.query_one("#subject" if preview.inmail else "#body").focus()

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
        draft_id = self.draft.id if self.draft is not None else None
        attachments = list(self.attachments)
        handles = split_handles(self.query_one("#to", Input).value)
        body = self.query_one("#body", TextArea).text

        def deliver() -> SendResult:
            if conversation_id is not None:
                return mailbox.reply(conversation_id, body)
            return mailbox.send(handles, body, subject, draft_id=draft_id, attachments=attachments)

        self.in_thread(deliver, then=self.dismiss, failed=self.send_failed, group="send", exclusive=True)

    def send_failed(self, sentence: str) -> None:
        self.sending = False
        self.show_error(sentence)
        # The refusal may depend on things that changed since the line was drawn.
        self.load_credits()

    # ---- leaving with a draft -----------------------------------------------------------

    def action_keep_draft(self) -> None:
        if self.query_one("#attach-row").display:
            self.close_attach()
            return
        if self.query_one("#to-choices").display and self.query_one("#to").has_focus:
            self.show_completions([])
            return
        to = self.query_one("#to", Input).value
        subject = self.query_one("#subject", Input).value
        body = self.query_one("#body", TextArea).text
        # Only words are worth keeping: a recipient alone is not a draft.
        if not (subject.strip() or body.strip()) and self.draft is None:
            self.dismiss(None)
            return
        mailbox, handles, conversation_id = self.mailbox, split_handles(to), self.reply_conversation_id
        draft_id = self.draft.id if self.draft is not None else None
        self.in_thread(lambda: mailbox.save_draft(handles, subject, body, conversation_id, draft_id),
                       then=self.draft_kept, failed=self.show_error, group="draft", exclusive=True)

    def draft_kept(self, kept: int | None) -> None:
        # Emptied, a reopened draft is gone rather than kept blank.
        self.app.notify("Draft kept: 0 lists your drafts." if kept else "Draft removed.", timeout=3)
        self.dismiss(None)

    # ---- attachments -------------------------------------------------------------------

    def action_attach(self) -> None:
        self.query_one("#attach-row").display = True
        self.query_one("#attach-path", Input).focus()

    def close_attach(self) -> None:
        self.query_one("#attach-row").display = False
        self.query_one("#attach-path", Input).value = ""
        self.query_one("#body", TextArea).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "attach-path":
            return
        event.stop()
        path = os.path.expanduser(event.value.strip())
        if not path:
            self.close_attach()
            return
        # The InMail limit while the route is InMail; the core checks again when sending.
        limit = LIMITS.inmail_attachment_max_bytes if self.inmail else LIMITS.attachment_max_bytes
        self.in_thread(lambda: read_attachment(path, limit), then=self.attached, failed=self.show_error,
                       group="attach", exclusive=True)

    def attached(self, attachment: tuple[str, bytes, str]) -> None:
        self.attachments.append(attachment)
        shown = self.query_one("#attachments", Static)
        shown.update(literal("Attached: " + ", ".join(
            f"{glyphs().attachment} {name} ({human_size(len(data))})" for name, data, _ in self.attachments),
            one_line=True))
        shown.display = True
        self.show_error("")
        self.close_attach()

    # ---- $EDITOR ---------------------------------------------------------------------

    def action_edit_in_editor(self) -> None:
        body = self.query_one("#body", TextArea)
        try:
            body.load_text(edit_in_editor(self.app, body.text))
        except EditorFailed as failed:
            self.show_error(str(failed))
            return
        body.focus()
        self.update_counter()
