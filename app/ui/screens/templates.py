"""Saved replies in the screens: the picker (`ctrl+t` in Compose and the reply box) and the
Settings page that adds, edits and removes them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from app.core.templates import PLACEHOLDERS
from app.core.views import TemplateView
from app.ui.mailbox import Mailbox
from app.ui.styles import styles_dir
from app.ui.text import literal
from app.ui.widgets.work import RunsWork

PLACEHOLDER_HELP = "Placeholders: " + " ".join("{" + name + "}" for name in PLACEHOLDERS)


PROMPT_WIDTH = 40  # of the body's first words in the list; the whole body shows below it


def template_prompt(template: TemplateView) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(literal(template.name, one_line=True), "bold")
    body = " ".join(literal(template.body, one_line=True).split())
    if len(body) > PROMPT_WIDTH:
        body = body[:PROMPT_WIDTH - 1] + "…"
    text.append("  " + body, "dim")
    return text


class TemplatePicker(RunsWork, ModalScreen[TemplateView | None]):
    """Choose one of the member's templates; returns it (unfilled) or None."""

    CSS_PATH = [styles_dir() / "dialogs.tcss", styles_dir() / "social.tcss"]
    BINDINGS = [Binding("escape", "cancel", "Cancel"),
                Binding("j", "move(1)", "Down", show=False), Binding("k", "move(-1)", "Up", show=False)]

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.found: list[TemplateView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield OptionList(id="templates")
            yield Static("", id="preview", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#dialog")
        dialog.border_title = "Templates"
        dialog.border_subtitle = "enter insert · esc cancel"
        self.in_thread(self.mailbox.templates, then=self.show, group="templates")

    def show(self, found: list[TemplateView]) -> None:
        self.found = found
        listing = self.query_one("#templates", OptionList)
        if not found:
            listing.display = False
            self.query_one("#preview", Static).update(
                "No templates yet. Add them in Settings (,) under Templates, or with `parley template add`.")
            return
        listing.add_options([Option(template_prompt(t), id=t.name) for t in found])
        listing.highlighted = 0
        listing.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.found and event.option_index is not None:
            self.query_one("#preview", Static).update(literal(self.found[event.option_index].body))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found[event.option_index])

    def action_move(self, step: int) -> None:
        listing = self.query_one("#templates", OptionList)
        listing.action_cursor_down() if step > 0 else listing.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TemplatesPage(RunsWork, Vertical):
    """The Settings tab: the list, and a form that saves the template named in it (a new one,
    or the chosen one changed); Remove takes away the template named in the form."""

    def __init__(self, mailbox: Mailbox, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mailbox = mailbox
        self.found: list[TemplateView] = []

    def compose(self) -> ComposeResult:
        yield OptionList(id="template-list")
        with Vertical(id="template-form"):
            yield Input(placeholder="Name", id="template-name", max_length=100)
            yield Input(placeholder="Subject (optional, used for InMail)", id="template-subject", max_length=200)
            yield TextArea(id="template-body", soft_wrap=True, show_line_numbers=False)
            yield Label(PLACEHOLDER_HELP, id="template-help", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("New", id="template-new", compact=True)
                yield Button("Remove", id="template-delete", variant="error", compact=True)
                yield Button("Save", id="template-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.load()

    def load(self, chosen: str | None = None) -> None:
        self.in_thread(self.mailbox.templates, then=lambda found: self.show(found, chosen), group="templates")

    def show(self, found: list[TemplateView], chosen: str | None = None) -> None:
        self.found = found
        listing = self.query_one("#template-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(template_prompt(t), id=t.name) for t in found])
        if not found:
            listing.add_option(Option("No templates yet: fill in the form below and Save.", disabled=True))
        names = [t.name for t in found]
        if chosen in names:
            listing.highlighted = names.index(chosen)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.found):
            self.fill(self.found[event.option_index])

    def fill(self, template: TemplateView | None) -> None:
        self.query_one("#template-name", Input).value = template.name if template else ""
        self.query_one("#template-subject", Input).value = template.subject if template else ""
        self.query_one("#template-body", TextArea).text = template.body if template else ""

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "template-save":
            self.save()
        elif event.button.id == "template-delete":
            self.remove_template()
        else:
            self.fill(None)
            self.query_one("#template-name", Input).focus()

    def save(self) -> None:
        name = self.query_one("#template-name", Input).value
        subject = self.query_one("#template-subject", Input).value
        body = self.query_one("#template-body", TextArea).text
        mailbox = self.mailbox

        def saved(template: TemplateView) -> None:
            self.app.notify(f"Saved the template {literal(template.name, one_line=True)}.", markup=False)
            self.load(template.name)

        self.in_thread(lambda: mailbox.save_template(name, subject, body), then=saved, group="template-save")

    def remove_template(self) -> None:
        name = self.query_one("#template-name", Input).value
        if not name:
            return
        mailbox = self.mailbox

        def removed(_) -> None:
            self.app.notify(f"Removed the template {literal(name, one_line=True)}.", markup=False)
            self.fill(None)
            self.load()

        self.in_thread(lambda: mailbox.remove_template(name), then=removed, group="template-save")
