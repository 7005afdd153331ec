"""Settings (SPEC §7): the member's toggles, a plan & credits page with the ledger, and
the saved replies (templates).

Every toggle is written to the store the moment it flips; the plan page reads the
credits view (settled to now) and changes plan only after a confirm dialog has
spelled out what will be forfeited.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Label,
    Select,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)

from app.core.plans import PLANS
from app.core.views import BlockedMember, CreditsView, MemberView
from app.presentation import day, minute
from app.ui.changes import SettingsChanged
from app.ui.mailbox import Mailbox
from app.ui.screens.confirm import ConfirmDialog
from app.ui.screens.templates import TemplatesPage
from app.ui.styles import styles_dir
from app.ui.text import literal, literal_text
from app.ui.widgets.work import RunsWork


@dataclass(frozen=True)
class Toggle:
    key: str  # as members.get_settings/update_setting name it
    title: str
    description: str


TOGGLES: tuple[Toggle, ...] = (
    Toggle("allow-inmail", "Allow InMail", "Members outside your network may spend a credit to write to you."),
    Toggle(
        "allow-open-profile",
        "Allow Open Profile messages",
        "Premium members with an Open Profile may write free; lands in Other.",
    ),
    Toggle("allow-sponsored", "Allow Sponsored messages", "Companies may send you sponsored messages."),
    Toggle("focused-inbox", "Focused Inbox", "Split the inbox into Focused and Other."),
    Toggle(
        "read-receipts",
        "Read receipts and typing indicators",
        "Show \"Seen\" and \"… is typing\" when both of you have this on.",
    ),
    Toggle("notifications", "Notifications", "A toast and the bell for new messages; muted ones stay quiet."),
    Toggle("desktop-notifications", "Desktop notifications",
           "New messages pop up on your desktop too, through the terminal (SSH and tmux as well)."),
    Toggle("open-profile", "Open Profile", "Anyone may message you for free. Needs a Premium plan."),
)
TOGGLE_TITLES = {toggle.key: toggle.title for toggle in TOGGLES}


def plan_summary(view: CreditsView) -> str:
    """The plan page's facts, one per line, label then value."""
    lines = [
        ("Plan", view.plan_label),
        ("Balance", f"{view.balance} of at most {view.cap} InMail credits"),
        ("Monthly", f"{view.monthly} credits" if view.monthly else "none"),
        ("Next grant", day(view.next_grant) if view.next_grant else "none on this plan"),
    ]
    soonest = sorted(view.expiring, key=lambda lot: lot.expires_at)[:3]
    if soonest:
        lines.append(("Expiring", " · ".join(f"{lot.amount} on {day(lot.expires_at)}" for lot in soonest)))
    else:
        lines.append(("Expiring", "nothing held"))
    return "\n".join(f"{label:<11} {value}" for label, value in lines)


@dataclass(frozen=True)
class SettingsState:
    member: MemberView
    settings: dict[str, bool]


class SettingsScreen(RunsWork, Screen[None]):
    """Toggles, plan & credits, and templates, each on a tab; escape goes back."""

    CSS_PATH = styles_dir() / "settings.tcss"
    help_title = "Settings"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("t", "show_tab('toggles')", "Toggles"),
        Binding("p", "show_tab('plan')", "Plan & credits"),
        Binding("b", "show_tab('blocked')", "Blocked members"),
        Binding("u", "unblock", "Unblock", show=False),
        Binding("r", "show_tab('templates')", "Templates"),
    ]

    def __init__(self, mailbox: Mailbox, tab: str = "toggles") -> None:
        super().__init__()
        self.mailbox = mailbox
        self.state: SettingsState | None = None
        self.tab = tab
        self.blocked: list[BlockedMember] = []

    def compose(self) -> ComposeResult:
        yield Static("Settings", id="settings-title", markup=False)
        with TabbedContent(initial=self.tab):
            with TabPane("Messages & inbox", id="toggles"):
                with VerticalScroll(id="toggle-list"):
                    for toggle in TOGGLES:
                        with Horizontal(classes="toggle"):
                            yield Switch(id=f"set-{toggle.key}", disabled=True)
                            # The state in words too, for terminals with few colours.
                            yield Label("", id=f"state-{toggle.key}", classes="toggle-state")
                            with Vertical(classes="toggle-text"):
                                yield Label(toggle.title, classes="toggle-title")
                                yield Label(toggle.description, classes="toggle-description")
            with TabPane("Plan & credits", id="plan"):
                with Vertical(id="plan-page"):
                    yield Static("", id="plan-summary", markup=False)
                    with Horizontal(id="plan-change"):
                        yield Label("Change plan to", id="plan-change-label")
                        yield Select(
                            [(p.label, p.name) for p in PLANS.values()],
                            allow_blank=False,
                            id="plan-choice",
                            compact=True,
                        )
                        yield Button("Change plan…", id="change-plan", compact=True)
                    yield Label("Ledger, newest first", id="ledger-title")
                    yield DataTable(id="ledger", cursor_type="row", zebra_stripes=True)
            with TabPane("Blocked members", id="blocked"):
                with Vertical(id="blocked-page"):
                    yield Static("", id="blocked-summary", markup=False)
                    yield DataTable(id="blocked-list", cursor_type="row", zebra_stripes=True)
                    yield Button("Unblock", id="unblock", compact=True)
            with TabPane("Templates", id="templates"):
                yield TemplatesPage(self.mailbox, id="templates-page")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#ledger", DataTable)
        table.add_column("When", key="when")
        table.add_column("Change", key="amount")
        table.add_column("Kind", key="kind")
        table.add_column("Held", key="balance")
        table.add_column("Reason", key="reason")
        blocked = self.query_one("#blocked-list", DataTable)
        blocked.add_column("Name", key="name")
        blocked.add_column("Handle", key="handle")
        blocked.add_column("Blocked on", key="since")
        self.load()
        self.load_credits()
        self.load_blocked()
        if self.tab != "toggles":
            self.call_after_refresh(self.action_show_tab, self.tab)

    # ---- loading ------------------------------------------------------------------------

    def load(self) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: SettingsState(member=mailbox.member_view(), settings=mailbox.settings()),
                       then=self.show_state, group="settings-load", exclusive=True)

    # The credits view settles the ledger first, which may wait for the store's write
    # lock: the toggles don't wait for it.
    def load_credits(self) -> None:
        self.in_thread(self.mailbox.credits, then=self.show_credits, group="settings-credits", exclusive=True)

    def show_state(self, state: SettingsState) -> None:
        first_time = self.state is None
        self.state = state
        member = state.member
        self.query_one("#settings-title", Static).update(
            literal(f"Settings · {member.name} (@{member.handle}) · {PLANS[member.plan].label}", one_line=True)
        )
        premium = PLANS[member.plan].premium
        with self.prevent(Switch.Changed):
            for toggle in TOGGLES:
                switch = self.query_one(f"#set-{toggle.key}", Switch)
                switch.value = state.settings.get(toggle.key, False)
                # Open Profile can be switched on only by a premium member; off is always allowed.
                switch.disabled = toggle.key == "open-profile" and not premium and not switch.value
                self.show_toggle_state(toggle.key, switch.value)
        if first_time:
            self.query_one(f"#set-{TOGGLES[0].key}", Switch).focus()

    def show_credits(self, view: CreditsView) -> None:
        self.query_one("#plan-summary", Static).update(plan_summary(view))
        with self.prevent(Select.Changed):
            self.query_one("#plan-choice", Select).value = view.plan
        table = self.query_one("#ledger", DataTable)
        table.clear()
        for line in reversed(view.ledger):
            when = minute(line.at)
            table.add_row(when, f"{line.amount:+d}", line.kind, str(line.balance), literal_text(line.reason))

    # ---- blocked members -------------------------------------------------------------------

    def load_blocked(self) -> None:
        self.in_thread(self.mailbox.blocked_members, then=self.show_blocked, group="settings-blocked",
                       exclusive=True)

    def show_blocked(self, blocked: list[BlockedMember]) -> None:
        self.blocked = blocked
        count = len(blocked)
        self.query_one("#blocked-summary", Static).update(
            "You have blocked nobody." if not count else
            f"{count} blocked member{'s' if count != 1 else ''}: no messages either way. u unblocks.")
        table = self.query_one("#blocked-list", DataTable)
        table.clear()
        for entry in blocked:
            table.add_row(literal_text(entry.member.name), literal_text("@" + entry.member.handle),
                          day(entry.since))
        self.query_one("#unblock", Button).display = bool(count)

    @on(Button.Pressed, "#unblock")
    def _unblock_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_unblock()

    def action_unblock(self) -> None:
        table = self.query_one("#blocked-list", DataTable)
        if self.query_one(TabbedContent).active != "blocked" or not self.blocked:
            return
        entry = self.blocked[min(table.cursor_row, len(self.blocked) - 1)]
        mailbox, handle = self.mailbox, entry.member.handle

        def done(sentence: str) -> None:
            self.app.notify(sentence)
            self.load_blocked()

        self.in_thread(lambda: mailbox.block(handle, False), then=done, group="settings-blocked")

    # ---- toggles --------------------------------------------------------------------------

    def show_toggle_state(self, key: str, value: bool) -> None:
        state = self.query_one(f"#state-{key}", Label)
        state.update("on" if value else "off")
        state.set_class(value, "-on")

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        key = (event.switch.id or "").removeprefix("set-")
        self.show_toggle_state(key, event.value)
        self.save_toggle(key, event.value)

    def save_toggle(self, key: str, value: bool) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: mailbox.update_setting(key, value),
                       then=lambda settings: self.toggle_saved(key, settings),
                       failed=lambda sentence: self.toggle_refused(key, not value, sentence),
                       group="settings-save")

    def toggle_saved(self, key: str, settings: dict[str, bool]) -> None:
        if self.state is not None:
            self.state = SettingsState(self.state.member, settings)
        # The app and the screens underneath follow (Focused Inbox, notifications).
        self.app.post_message(SettingsChanged(settings))
        state = "on" if settings.get(key) else "off"
        self.app.notify(f"{TOGGLE_TITLES[key]} is {state}.", timeout=2)

    def toggle_refused(self, key: str, previous: bool, sentence: str) -> None:
        with self.prevent(Switch.Changed):
            self.query_one(f"#set-{key}", Switch).value = previous
        self.show_toggle_state(key, previous)
        self.app.notify(sentence, severity="error")

    # ---- plan change ----------------------------------------------------------------------

    @on(Button.Pressed, "#change-plan")
    def ask_plan_change(self, event: Button.Pressed) -> None:
        event.stop()
        chosen = self.query_one("#plan-choice", Select).value
        if self.state is None or not isinstance(chosen, str):
            return
        if chosen == self.state.member.plan:
            self.app.notify(f"You are already on {PLANS[chosen].label}.", severity="warning")
            return
        self.preview_forfeit(chosen)

    def preview_forfeit(self, plan_name: str) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: mailbox.forfeit_preview(plan_name),
                       then=lambda sentence: self.confirm_plan_change(plan_name, sentence),
                       group="plan", exclusive=True)

    def confirm_plan_change(self, plan_name: str, sentence: str) -> None:
        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.change_plan(plan_name)
            elif self.state is not None:
                with self.prevent(Select.Changed):
                    self.query_one("#plan-choice", Select).value = self.state.member.plan

        self.app.push_screen(ConfirmDialog(sentence, "Change plan"), decided)

    def change_plan(self, plan_name: str) -> None:
        mailbox = self.mailbox
        self.in_thread(lambda: mailbox.set_plan(plan_name), then=lambda _: self.plan_changed(plan_name),
                       group="plan", exclusive=True)

    def plan_changed(self, plan_name: str) -> None:
        self.app.notify(f"You are now on {PLANS[plan_name].label}.")
        self.load()
        self.load_credits()

    # ---- navigation -----------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        """j/k move through the ledger's rows when it has focus, else from setting to setting."""
        focused = self.focused
        if isinstance(focused, DataTable):
            if step > 0:
                focused.action_cursor_down()
            else:
                focused.action_cursor_up()
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        # Focus follows to the page shown, never left on a control now hidden.
        first = {"plan": "#plan-choice", "blocked": "#blocked-list", "templates": "#template-list"}.get(
            tab, f"#set-{TOGGLES[0].key}")
        self.query_one(first).focus()

    def action_back(self) -> None:
        self.dismiss(None)
