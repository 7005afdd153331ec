"""The `parley` command line's parser: every command, option and argument type (SPEC §9).

Each command names its handler as "module:function" inside this package; the module
is imported only once the command is known and the store's database driver chosen,
so `parley --help`, `--version` and `completion` load no database code at all.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.views import DRAFTS, FILTERS, TEAM_FILTERS
from app.presentation import split_handles

TRUE_WORDS = ("on", "true", "yes")
FALSE_WORDS = ("off", "false", "no")
CONVERSATION_ACTIONS = (
    "archive", "unarchive", "mute", "unmute", "star", "unstar", "read", "unread", "spam", "not-spam", "delete",
)
SHELLS = ("bash", "zsh", "fish")
LARGEST = 2**63 - 1  # the largest id or count a store can hold
# What `inbox --filter` lists: the filters, a shared inbox's two, then the drafts.
ALL_LISTS = (*FILTERS, *TEAM_FILTERS, DRAFTS)


class UsageError(Exception):
    """Bad usage found while parsing arguments (exit 2)."""


class TextValue(argparse.Action):
    """A free-text option's value exactly as given: argparse drops a lone "--" from the
    arguments, which leaves an empty list where the text "--" was."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, "--" if values == [] else values)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports a usage error as one line instead of exiting."""

    _given: Sequence[str] = ()

    def add_argument(self, *names, **kwargs):
        if names and names[0] in TEXT_OPTIONS and "action" not in kwargs:
            kwargs["action"] = TextValue
        return super().add_argument(*names, **kwargs)

    def parse_known_args(self, args=None, namespace=None):
        self._given = list(args or ())
        return super().parse_known_args(args, namespace)

    def error(self, message: str):  # argparse's hook; never returns
        unknown = [arg for arg in self._given
                   if arg.startswith("-") and arg != "--" and arg.split("=", 1)[0] not in self._option_string_actions]
        if unknown and "required" in message:
            # "-lead" read as an option leaves its argument "missing": name what went wrong.
            message = f"{unknown[0]!r} is not an option here (a value cannot start with '-')"
        raise UsageError(f"{self.prog}: {message}. See '{self.prog} --help'.")


class Version(argparse.Action):
    """--version: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS,
                         help="print Parley's version and exit", **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("parley")
        except PackageNotFoundError:
            number = "(not installed)"
        print(f"parley {number}")
        parser.exit()


@dataclass(frozen=True)
class Handler:
    """What runs a command: ``function`` in ``app.cli.<module>``, whether it opens a store,
    and whether it may create one (only the commands that add to an empty store do: any
    other command on a mistyped path says so and leaves nothing behind)."""

    module: str
    function: str
    store: bool = True
    creates: bool = False
    # Whether it may work in another member's inbox (--inbox): reading, triage, sending, the team's own.
    shared: bool = False


# Parley with no command: the full-screen app.
SCREENS = Handler("launch", "open_tui")


# ---------------------------------------------------------------- argument types


def _positive(kind: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind} number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"a {kind} number must be 1 or more, not {text}")
        if value > LARGEST:
            raise argparse.ArgumentTypeError(f"a {kind} number must be at most {LARGEST}, not {text}")
        return value

    return convert


conversation_id = _positive("conversation")
message_id = _positive("message")
count = _positive("whole")


def switch(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not on or off (use on/off, true/false, yes/no)")


def handles(text: str) -> list[str]:
    found = split_handles(text)
    if not found:
        raise argparse.ArgumentTypeError("name at least one member handle")
    return found


# ---------------------------------------------------------------- the parser


def build_parser() -> Parser:
    # Global options are accepted before or after the subcommand; SUPPRESS keeps a
    # subcommand's unset copy from hiding the value given before it.
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="store: a path (SQLite) or postgresql://… (default: PARLEY_DB, the config file, "
                             "then the user data folder)")
    common.add_argument("--as", dest="acting", metavar="HANDLE", default=argparse.SUPPRESS,
                        help="the acting member (default: config 'as', then the member 'me')")
    common.add_argument("--inbox", metavar="INBOX", default=argparse.SUPPRESS,
                        help="work in INBOX's shared inbox, as one of its delegates")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON for scripts")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show a traceback on unexpected errors")

    parser = Parser(
        prog="parley",
        parents=[common],
        description="Professional messaging with InMail, in the terminal. "
                    "With no command, open the full-screen inbox.",
        epilog="Exit codes: 0 done, 2 bad usage or input, 3 refused by a rule, 1 anything else. "
               "PARLEY_NOW=<ISO 8601> fixes the clock.",
    )
    parser.add_argument("--version", action=Version)
    parser.set_defaults(handler=SCREENS)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    def command(name: str, handler: Handler | None, help: str, parent=commands) -> Parser:
        sub = parent.add_parser(name, parents=[common], help=help, description=help)
        if handler is not None:
            sub.set_defaults(handler=handler)
        return sub

    def family(name: str, help: str, title: str, metavar: str = "ACTION"):
        return command(name, None, help).add_subparsers(title=title, metavar=metavar, parser_class=Parser,
                                                        required=True)

    command("demo", Handler("launch", "run_demo", creates=True), "build a demo store (if absent) and open it")

    member_commands = family("member", "add or list members", "member commands")
    sub = command("add", Handler("members", "member_add", creates=True), "add a member", member_commands)
    sub.add_argument("handle", metavar="HANDLE", help="lowercase letters, digits and hyphens")
    sub.add_argument("--name", required=True, help="display name")
    sub.add_argument("--headline", default="")
    sub.add_argument("--company", default="")
    sub.add_argument("--position", default="")
    sub.add_argument("--location", default="")
    sub.add_argument("--plan", default="basic",
                     help="basic, premium-career, premium-business, sales-navigator or recruiter-lite")
    sub.add_argument("--open-profile", action="store_true", help="accept Open Profile messages (premium)")
    command("list", Handler("members", "member_list"), "list members", member_commands)

    sub = command("connect", Handler("members", "connect"), "connect two members (1st degree)")
    sub.add_argument("handles", metavar="HANDLE", nargs=2)

    plan_commands = family("plan", "change a member's plan", "plan commands")
    sub = command("set", Handler("members", "plan_set"), "change a member's plan (forfeits the credits held)",
                  plan_commands)
    sub.add_argument("handle", metavar="HANDLE")
    sub.add_argument("plan", metavar="PLAN")

    sub = command("settings", Handler("members", "settings"),
                  "show the acting member's settings, or one of them, or change one")
    sub.add_argument("key", metavar="KEY", nargs="?",
                     help="allow-inmail, allow-open-profile, allow-sponsored, focused-inbox, "
                          "read-receipts, notifications, desktop-notifications or open-profile")
    sub.add_argument("value", metavar="VALUE", nargs="?", type=switch, help="on/off, true/false, yes/no")

    sub = command("send", Handler("messaging", "send", shared=True),
                  "send a message, an Open Profile message or an InMail")
    sub.add_argument("--to", required=True, type=handles, metavar="HANDLE[,HANDLE…]",
                     help="one member, or several for a group of connections")
    sub.add_argument("--subject", help="required for InMail (up to 200 characters)")
    body = sub.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT", action=TextValue)
    body.add_argument("--body-file", metavar="FILE", help="read the body from FILE ('-' for standard input)")
    body.add_argument("--template", metavar="NAME",
                      help="a saved reply, filled for each recipient and sent to each on their own")
    sub.add_argument("--attach", metavar="FILE", action="append", default=[], help="attach a file (repeatable)")

    sub = command("reply", Handler("messaging", "reply", shared=True),
                  "reply to a conversation, or accept or decline an InMail")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    sub.add_argument("--body", metavar="TEXT", help="the reply (with --accept/--decline: replaces the quick reply)")
    answer = sub.add_mutually_exclusive_group()
    answer.add_argument("--accept", action="store_true", help="quick reply 'Yes, interested'")
    answer.add_argument("--decline", action="store_true", help="quick reply 'No thanks'")

    sub = command("recall", Handler("messaging", "recall", shared=True), "unsend your own message (within 60 minutes)")
    sub.add_argument("message", metavar="MESSAGE", type=message_id)

    sub = command("conversation", Handler("conversations", "conversation", shared=True),
                  "archive, mute, star, mark read… one or more conversations")
    sub.add_argument("action", metavar="ACTION", help=" ".join(CONVERSATION_ACTIONS))
    sub.add_argument("conversations", metavar="CONVERSATION", nargs="+", type=conversation_id)

    sub = command("report", Handler("conversations", "report", shared=True),
                  "report a conversation: moves it to Spam and blocks the sender")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    sub.add_argument("--reason", required=True,
                     help="spam, scam-or-fraud, harassment, fake-account, inappropriate-content, something-else")

    for name, blocking, text in (("block", True, "block a member: no messages either way"),
                                 ("unblock", False, "unblock a member")):
        sub = command(name, Handler("members", "block"), text)
        sub.add_argument("handle", metavar="HANDLE")
        sub.set_defaults(blocking=blocking)

    sub = command("inbox", Handler("reading", "inbox", shared=True), "list conversations")
    sub.add_argument("--filter", default="all", choices=ALL_LISTS, metavar="NAME", help=", ".join(ALL_LISTS))
    sub.add_argument("--search", metavar="QUERY", help="words, \"phrases\", -word, from: company: is: in: has: "
                                                      "before: after:")
    sub.add_argument("--limit", type=count, default=50, metavar="N")

    sub = command("show", Handler("reading", "show", shared=True), "print a conversation")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)

    command("credits", Handler("credits", "credits", shared=True), "plan, InMail credits and the ledger")

    command("drafts", Handler("reading", "drafts_command", shared=True), "list the messages and replies kept as drafts")

    import_commands = family("import", "import messages from another service", "sources", "SOURCE")
    sub = command("linkedin", Handler("interchange", "import_linkedin", creates=True),
                  "import a LinkedIn data export (.zip or folder)", import_commands)
    sub.add_argument("path", metavar="PATH")
    sub.add_argument("--owner", metavar="NAME", help="whose export it is, by the name in it")
    sub.add_argument("--dry-run", action="store_true", help="read it all and print the summary; write nothing")

    sub = command("export", Handler("interchange", "export", shared=True), "export the acting member's conversations")
    sub.add_argument("--format", required=True, choices=("json", "csv"))
    sub.add_argument("--out", metavar="PATH", help="write to PATH instead of standard output")
    sub.add_argument("--force", action="store_true", help="replace the file at --out if there is one")

    sub = command("bench", Handler("launch", "bench", creates=True), "measure Parley on a large synthetic store")
    sub.add_argument("--messages", type=count, default=1_000_000, metavar="N")
    sub.add_argument("--members", type=count, default=2_000, metavar="M", help="members in the store (2,000)")
    sub.add_argument("--writers", type=count, default=None, metavar="W",
                     help="also time W processes sending at once between different members")

    sub = command("invite", Handler("social", "invite"), "invite a member to connect, with an optional note")
    sub.add_argument("handle", metavar="HANDLE")
    sub.add_argument("--note", metavar="TEXT", help="at most 300 characters")
    sub = command("invitations", Handler("social", "list_invitations"),
                  "pending invitations: received, or with --sent those you sent")
    sub.add_argument("--sent", action="store_true")
    for name, text in (("accept", "accept a member's invitation: you are connected"),
                       ("ignore", "ignore a member's invitation"),
                       ("withdraw", "take back your invitation to a member")):
        sub = command(name, Handler("social", "answer"), text)
        sub.add_argument("handle", metavar="HANDLE")
        sub.set_defaults(answer=name)

    template_commands = family("template", "saved replies with placeholders", "template commands")
    sub = command("add", Handler("social", "template_add"),
                  "save a template ({first_name} {last_name} {name} {company} {position} {my_first_name})",
                  template_commands)
    sub.add_argument("name", metavar="NAME")
    sub.add_argument("--subject", metavar="TEXT")
    body = sub.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--body-file", metavar="FILE", help="read the body from FILE ('-' for standard input)")
    command("list", Handler("social", "template_list"), "list your templates", template_commands)
    sub = command("remove", Handler("social", "template_remove"), "remove a template", template_commands)
    sub.add_argument("name", metavar="NAME")

    team_commands(command, family)

    command("watch", Handler("social", "watch", shared=True),
            "print each new message, read, archive… of your inbox as it happens, until Ctrl-C")

    sub = command("completion", Handler("completion", "completion", store=False),
                  "print a shell completion script (bash, zsh or fish)")
    sub.add_argument("shell", choices=SHELLS, metavar="SHELL", help=", ".join(SHELLS))
    return parser


def team_commands(command, family) -> None:
    """A shared inbox: its delegates, assignment, internal notes and audit."""
    delegate_commands = family("delegate", "who may work in your inbox", "delegate commands")
    for name, text in (("add", "let STAFF work in INBOX (only INBOX's own member may)"),
                       ("remove", "end STAFF's access to INBOX at once")):
        sub = command(name, Handler("team", f"delegate_{name}"), text, delegate_commands)
        sub.add_argument("inbox_handle", metavar="INBOX")
        sub.add_argument("staff", metavar="STAFF")
    sub = command("list", Handler("team", "delegate_list"),
                  "the delegates of INBOX, or of every inbox you work in", delegate_commands)
    sub.add_argument("inbox_handle", metavar="INBOX", nargs="?")

    sub = command("assign", Handler("team", "assign", shared=True),
                  "assign a conversation to one of the inbox's team, or to nobody with --none")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    who = sub.add_mutually_exclusive_group(required=True)
    who.add_argument("assignee", metavar="HANDLE", nargs="?")
    who.add_argument("--none", action="store_true", help="unassign it")

    sub = command("note", Handler("team", "note", shared=True),
                  "leave an internal note in a conversation: the inbox's team alone sees it")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    sub.add_argument("--body", metavar="TEXT", required=True, action=TextValue)

    sub = command("audit", Handler("team", "audit", shared=True), "who did what in the inbox, oldest first")
    sub.add_argument("--conversation", metavar="ID", type=conversation_id)
    sub.add_argument("--since", metavar="DATE", help="from this day or time on (ISO 8601, UTC)")


# Options whose value is free text: a value such as "-budget" (search: exclude a word)
# must not be taken for an option, so it is joined to its option before parsing.
TEXT_OPTIONS = ("--search", "--body", "--subject", "--name", "--headline", "--company", "--position",
                "--location", "--reason", "--note", "--template")


def join_text_options(argv: Sequence[str]) -> list[str]:
    joined: list[str] = []
    items = iter(argv)
    for item in items:
        if item in TEXT_OPTIONS:
            value = next(items, None)
            joined.append(item if value is None else f"{item}={value}")
        else:
            joined.append(item)
    return joined
