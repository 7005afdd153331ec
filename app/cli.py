"""The `parley` command line (SPEC §9).

Every subcommand is a thin call into ``app.core``: parse, open the store, settle
credits up to now, call one core function, print. Core modules are imported
inside the handlers so that ``parley --help`` and the TUI start quickly, and
textual is imported only when the TUI opens.

Exit codes: 0 done · 2 bad usage or bad input · 3 refused by a rule · 1 anything else.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence

from app.core.views import FILTERS

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2  # a refusal's code (3) comes with the error
TRUE_WORDS = ("on", "true", "yes")
FALSE_WORDS = ("off", "false", "no")
CONVERSATION_ACTIONS = (
    "archive unarchive mute unmute star unstar read unread spam not-spam delete"
)
NO_ACTING_MEMBER = "Say who you are with --as HANDLE."
LAST_COLUMN_MIN = 40  # a narrow terminal wraps a table's last column rather than hiding it


class UsageError(Exception):
    """Bad usage found while parsing arguments (exit 2)."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports a usage error as one line instead of exiting."""

    def error(self, message: str):  # argparse's hook; never returns
        raise UsageError(f"{self.prog}: {message}. See '{self.prog} --help'.")


# ---------------------------------------------------------------- argument types


def _positive(kind: str) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind} number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"a {kind} number must be 1 or more, not {text}")
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
    found = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
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
    parser.set_defaults(handler=open_tui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    def command(name: str, handler: Callable, help: str, parent=commands) -> Parser:
        sub = parent.add_parser(name, parents=[common], help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    sub = command("demo", run_demo, "build a demo store (if absent) and open it")

    member = command("member", None, "add or list members")
    member_commands = member.add_subparsers(title="member commands", metavar="ACTION",
                                            parser_class=Parser, required=True)
    sub = command("add", member_add, "add a member", member_commands)
    sub.add_argument("handle", metavar="HANDLE", help="lowercase letters, digits and hyphens")
    sub.add_argument("--name", required=True, help="display name")
    sub.add_argument("--headline", default="")
    sub.add_argument("--company", default="")
    sub.add_argument("--position", default="")
    sub.add_argument("--location", default="")
    sub.add_argument("--plan", default="basic",
                     help="basic, premium-career, premium-business, sales-navigator or recruiter-lite")
    sub.add_argument("--open-profile", action="store_true", help="accept Open Profile messages (premium)")
    command("list", member_list, "list members", member_commands)

    sub = command("connect", connect, "connect two members (1st degree)")
    sub.add_argument("handles", metavar="HANDLE", nargs=2)

    plan = command("plan", None, "change a member's plan")
    plan_commands = plan.add_subparsers(title="plan commands", metavar="ACTION",
                                        parser_class=Parser, required=True)
    sub = command("set", plan_set, "change a member's plan (forfeits the credits held)", plan_commands)
    sub.add_argument("handle", metavar="HANDLE")
    sub.add_argument("plan", metavar="PLAN")

    sub = command("settings", settings, "show the acting member's settings, or one of them, or change one")
    sub.add_argument("key", metavar="KEY", nargs="?",
                     help="allow-inmail, allow-open-profile, allow-sponsored, focused-inbox, "
                          "read-receipts, notifications or open-profile")
    sub.add_argument("value", metavar="VALUE", nargs="?", type=switch, help="on/off, true/false, yes/no")

    sub = command("send", send, "send a message, an Open Profile message or an InMail")
    sub.add_argument("--to", required=True, type=handles, metavar="HANDLE[,HANDLE…]",
                     help="one member, or several for a group of connections")
    sub.add_argument("--subject", help="required for InMail (up to 200 characters)")
    body = sub.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--body-file", metavar="FILE", help="read the body from FILE ('-' for standard input)")
    sub.add_argument("--attach", metavar="FILE", action="append", default=[], help="attach a file (repeatable)")

    sub = command("reply", reply, "reply to a conversation, or accept or decline an InMail")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    sub.add_argument("--body", metavar="TEXT", help="the reply (with --accept/--decline: replaces the quick reply)")
    answer = sub.add_mutually_exclusive_group()
    answer.add_argument("--accept", action="store_true", help="quick reply 'Yes, interested'")
    answer.add_argument("--decline", action="store_true", help="quick reply 'No thanks'")

    sub = command("recall", recall, "unsend your own message (within 60 minutes)")
    sub.add_argument("message", metavar="MESSAGE", type=message_id)

    sub = command("conversation", conversation, "archive, mute, star, mark read… one or more conversations")
    sub.add_argument("action", metavar="ACTION", help=CONVERSATION_ACTIONS)
    sub.add_argument("conversations", metavar="CONVERSATION", nargs="+", type=conversation_id)

    sub = command("report", report, "report a conversation: moves it to Spam and blocks the sender")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)
    sub.add_argument("--reason", required=True,
                     help="spam, scam-or-fraud, harassment, fake-account, inappropriate-content, something-else")

    for name, blocking, text in (("block", True, "block a member: no messages either way"),
                                 ("unblock", False, "unblock a member")):
        sub = command(name, block, text)
        sub.add_argument("handle", metavar="HANDLE")
        sub.set_defaults(blocking=blocking)

    sub = command("inbox", inbox, "list conversations")
    sub.add_argument("--filter", default="all", choices=FILTERS, metavar="NAME",
                     help=", ".join(FILTERS))
    sub.add_argument("--search", metavar="QUERY", help="words, \"phrases\", -word, from: company: is: in: has: "
                                                      "before: after:")
    sub.add_argument("--limit", type=count, default=50, metavar="N")

    sub = command("show", show, "print a conversation")
    sub.add_argument("conversation", metavar="CONVERSATION", type=conversation_id)

    command("credits", credits, "plan, InMail credits and the ledger")

    importer = command("import", None, "import messages from another service")
    import_commands = importer.add_subparsers(title="sources", metavar="SOURCE",
                                              parser_class=Parser, required=True)
    sub = command("linkedin", import_linkedin, "import a LinkedIn data export (.zip or folder)", import_commands)
    sub.add_argument("path", metavar="PATH")

    sub = command("export", export, "export the acting member's conversations")
    sub.add_argument("--format", required=True, choices=("json", "csv"))
    sub.add_argument("--out", metavar="PATH", help="write to PATH instead of standard output")

    sub = command("bench", bench, "measure Parley on a large synthetic store")
    sub.add_argument("--messages", type=count, default=1_000_000, metavar="N")
    return parser


# ---------------------------------------------------------------- running


# Options whose value is free text: a value such as "-budget" (search: exclude a word)
# must not be taken for an option, so it is joined to its option before parsing.
TEXT_OPTIONS = ("--search", "--body", "--subject", "--name", "--headline", "--company", "--position",
                "--location", "--reason")


def _join_text_options(argv: Sequence[str]) -> list[str]:
    joined: list[str] = []
    items = iter(argv)
    for item in items:
        if item in TEXT_OPTIONS:
            value = next(items, None)
            joined.append(item if value is None else f"{item}={value}")
        else:
            joined.append(item)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(_join_text_options(sys.argv[1:] if argv is None else argv))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return args.handler(args) or EXIT_OK
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (parley inbox | head): not an error worth a message.
        # Point stdout at nothing so the interpreter's final flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exit codes
        code, sentence = _explain(exc)
        if code == EXIT_ERROR and getattr(args, "debug", False):
            import traceback

            traceback.print_exc()
        print(sentence, file=sys.stderr)
        return code
    finally:
        _close_store()


def _explain(exc: Exception) -> tuple[int, str]:
    """The exit code and the one-line sentence for an error."""
    from app.config import ConfigError
    from app.core.clock import ClockError
    from app.core.errors import ParleyError
    from app.core.plans import UnknownPlan
    from app.store.errors import StoreError

    if isinstance(exc, ParleyError):
        return exc.exit_code, _one_line(str(exc))
    if isinstance(exc, (StoreError, UnknownPlan, ClockError, ConfigError)):
        return EXIT_BAD_INPUT, _one_line(str(exc))
    detail = _one_line(str(exc)) or type(exc).__name__
    return EXIT_ERROR, f"Something went wrong: {detail} (run with --debug for details)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


_open_stores: list = []


def _close_store() -> None:
    while _open_stores:
        _open_stores.pop().close()


def open_store(args) -> None:
    """Open the store named by --db / PARLEY_DB / the config file, and settle credits."""
    from app.core import credits
    from app.store.db import open_store as open_

    _open_stores.append(open_(getattr(args, "db", None)))
    credits.settle()


def acting_member(args):
    """The acting member: --as, then the config file's "as", then the member "me"."""
    from app.core.errors import BadInput, NotFound
    from app.core.members import member_by_handle

    handle = getattr(args, "acting", None) or _configured("as")
    if handle:
        return member_by_handle(handle)
    try:
        return member_by_handle("me")
    except NotFound:
        raise BadInput(NO_ACTING_MEMBER) from None


def _configured(key: str) -> str | None:
    from app.config import load_config

    value = load_config().get(key)
    return str(value) if value else None


def wants_json(args) -> bool:
    return bool(getattr(args, "json", False))


# ---------------------------------------------------------------- output helpers


def utc(value: datetime | None) -> str | None:
    """An instant for JSON: ISO 8601, UTC, with Z."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + "Z"


def local(value: datetime | None) -> str:
    """An instant for people: the machine's local time, to the minute."""
    if value is None:
        return "–"
    from app.core.clock import to_local

    return to_local(value).strftime("%Y-%m-%d %H:%M")


def literal(text: str) -> str:
    """Text safe to print: control characters (ANSI escapes…) shown, never obeyed."""
    return "".join(
        ch if ch in "\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160) else f"\\x{ord(ch):02x}"
        for ch in text
    )


def one_line(text: str, width: int) -> str:
    flat = " ".join(literal(text).split())
    return flat if len(flat) <= width else flat[: max(width - 1, 0)] + "…"


def print_json(value: Any) -> None:
    import json

    print(json.dumps(value, ensure_ascii=False, indent=2))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, right: Iterable[int] = ()) -> None:
    """Aligned columns; the last column takes what is left of the terminal's width."""
    import shutil

    rows = [[str(cell) for cell in row] for row in rows]
    right = set(right)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    room = shutil.get_terminal_size((120, 24)).columns - sum(widths[:-1]) - 2 * (len(widths) - 1)
    widths[-1] = max(min(widths[-1], room), len(headers[-1]), LAST_COLUMN_MIN)

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            if i == len(cells) - 1:
                out.append(cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…")
            elif i in right:
                out.append(cell.rjust(widths[i]))
            else:
                out.append(cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    print(line(headers))
    for row in rows:
        print(line(row))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------- members, plans, settings


def member_add(args) -> int:
    from app.core.members import add_member
    from app.core.plans import plan

    open_store(args)
    chosen = plan(args.plan)
    view = add_member(args.handle, args.name, headline=args.headline, company=args.company,
                      position=args.position, location=args.location, plan=chosen.name,
                      open_profile=args.open_profile)
    if wants_json(args):
        print_json(_member_json(view))
        return EXIT_OK
    grant = f": {plural(chosen.monthly, 'InMail credit')}" if chosen.monthly else ""
    print(f"Added {view.name} ({view.handle}) on {chosen.label}{grant}.")
    return EXIT_OK


def _member_json(view) -> dict:
    from dataclasses import asdict

    return asdict(view)


def member_list(args) -> int:
    from app.core.members import list_members

    open_store(args)
    members = list_members()
    if wants_json(args):
        print_json([_member_json(m) for m in members])
        return EXIT_OK
    if not members:
        print("No members yet. Add one with: parley member add HANDLE --name NAME")
        return EXIT_OK
    print_table(("HANDLE", "NAME", "PLAN", "COMPANY", "LOCATION", "HEADLINE"),
                ((m.handle, literal(m.name), m.plan, literal(m.company), literal(m.location),
                  one_line(m.headline, 200)) for m in members))
    return EXIT_OK


def connect(args) -> int:
    from app.core.members import connect as connect_members, member_by_handle

    open_store(args)
    a, b = args.handles
    connect_members(a, b)
    if wants_json(args):
        print_json({"connected": [a, b]})
    else:
        print(f"{member_by_handle(a).name} and {member_by_handle(b).name} are connected.")
    return EXIT_OK


def plan_set(args) -> int:
    from app.core.credits import credits_view
    from app.core.members import member_by_handle, set_plan
    from app.core.plans import plan

    open_store(args)
    chosen = plan(args.plan)
    member = member_by_handle(args.handle)
    set_plan(member.handle, chosen.name)
    view = credits_view(member.id)
    if wants_json(args):
        print_json(_credits_json(view))
    else:
        print(f"{member.name} is now on {chosen.label}; {plural(view.balance, 'InMail credit')} held.")
    return EXIT_OK


def settings(args) -> int:
    from app.core.errors import BadInput
    from app.core.members import get_settings, update_setting

    open_store(args)
    member = acting_member(args)
    current = get_settings(member.id)
    if args.key is not None:
        if args.key not in current:
            raise BadInput(f"There is no setting {args.key!r}; choose one of: {', '.join(current)}.")
        if args.value is not None:
            update_setting(member.id, args.key, args.value)
            current = get_settings(member.id)
    if wants_json(args):
        print_json(current)
    elif args.key is not None:
        print(f"{args.key} is {'on' if current[args.key] else 'off'}.")
    else:
        print_table(("SETTING", "VALUE"), ((k, "on" if v else "off") for k, v in current.items()))
    return EXIT_OK


def block(args) -> int:
    """block and unblock: the subcommand sets ``blocking``."""
    from app.core import members

    open_store(args)
    me = acting_member(args)
    other = members.member_by_handle(args.handle)
    if args.blocking:
        members.block(me.id, args.handle)
    else:
        members.unblock(me.id, args.handle)
    if wants_json(args):
        print_json({"member": other.handle, "blocked": args.blocking})
    elif args.blocking:
        print(f"Blocked {literal(other.name)}: no messages either way.")
    else:
        print(f"Unblocked {literal(other.name)}.")
    return EXIT_OK


# ---------------------------------------------------------------- sending


ROUTE_WORDS = {"message": "a message", "open-profile": "an Open Profile message", "inmail": "an InMail"}


def read_body_file(name: str) -> str:
    from app.core.errors import BadInput

    if name == "-":
        return sys.stdin.read()
    try:
        with open(name, encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError:
        raise BadInput(f"{name} is not UTF-8 text.") from None
    except OSError as exc:
        raise BadInput(f"Can't read {name}: {exc.strerror}.") from None


def read_attachment(name: str) -> tuple[str, bytes, str]:
    import mimetypes

    from app.core.errors import BadInput

    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise BadInput(f"Can't read {name}: {exc.strerror}.") from None
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return os.path.basename(name), data, mime


def _sent(args, result, done: str) -> int:
    """Report a send or reply; ``done`` is what happened, with {to} for the other side."""
    if wants_json(args):
        print_json({"conversation": result.conversation, "message": result.message,
                    "route": result.route, "credits_left": result.credits_left})
        return EXIT_OK
    from app.core.inbox import thread

    me = acting_member(args)
    title = literal(thread(me.id, result.conversation).title)
    credits_left = f" {plural(result.credits_left, 'InMail credit')} left." if result.route == "inmail" else ""
    what = ROUTE_WORDS.get(result.route, "a message")
    print(f"{done.format(what=what, to=title)} (conversation {result.conversation}, message {result.message})."
          + credits_left)
    return EXIT_OK


def send(args) -> int:
    from app.core.messaging import send as send_message

    body = args.body if args.body is not None else read_body_file(args.body_file)
    attachments = [read_attachment(name) for name in args.attach]
    open_store(args)
    me = acting_member(args)
    result = send_message(me.id, args.to, body, subject=args.subject, attachments=attachments)
    return _sent(args, result, "Sent {what} to {to}")


def reply(args) -> int:
    from app.core.errors import BadInput
    from app.core.messaging import reply as reply_to

    if args.body is None and not (args.accept or args.decline):
        raise BadInput("Say what to reply with --body TEXT, --accept or --decline.")
    open_store(args)
    me = acting_member(args)
    result = reply_to(me.id, args.conversation, args.body, accept=args.accept, decline=args.decline)
    done = ("Accepted the InMail and replied to {to}" if args.accept
            else "Declined the InMail and replied to {to}" if args.decline else "Replied to {to}")
    return _sent(args, result, done)


def recall(args) -> int:
    from app.core.messaging import recall as recall_message

    open_store(args)
    me = acting_member(args)
    recall_message(me.id, args.message)
    if wants_json(args):
        print_json({"recalled": args.message})
    else:
        print(f"Recalled message {args.message}: both sides now see \"This message was deleted.\"")
    return EXIT_OK


# ---------------------------------------------------------------- conversation actions


def conversation(args) -> int:
    from app.core import moderation

    open_store(args)
    me = acting_member(args)
    moderation.apply(me.id, args.action, args.conversations)
    ids = ", ".join(str(c) for c in args.conversations)
    if wants_json(args):
        print_json({"action": args.action, "conversations": args.conversations})
    else:
        print(f"{args.action.capitalize()}: {plural(len(args.conversations), 'conversation')} ({ids}).")
    return EXIT_OK


def report(args) -> int:
    from app.core import moderation
    from app.core.errors import BadInput
    from app.store.models import REPORT_REASONS

    reason = " ".join(args.reason.lower().replace("-", " ").replace("_", " ").split())
    if reason not in REPORT_REASONS:
        choices = ", ".join(r.replace(" ", "-") for r in REPORT_REASONS)
        raise BadInput(f"{args.reason!r} is not a report reason; choose one of: {choices}.")
    open_store(args)
    me = acting_member(args)
    moderation.report(me.id, args.conversation, reason)
    if wants_json(args):
        print_json({"conversation": args.conversation, "reason": reason})
        return EXIT_OK
    print(f"Reported conversation {args.conversation} ({reason}): moved to Spam and the sender is blocked.")
    return EXIT_OK


# ---------------------------------------------------------------- reading


def _row_json(row) -> dict:
    return {"id": row.id, "title": row.title, "kind": row.kind, "folder": row.folder,
            "unread": row.unread, "archived": row.archived, "starred": row.starred,
            "muted": row.muted, "spam": row.spam, "last_at": utc(row.last_at), "preview": row.preview}


def _row_flags(row) -> str:
    flags = {"sponsored": ["Sponsored"], "open_profile": ["Open Profile"]}.get(row.kind, [])
    if row.inmail:
        flags.append("InMail" + (f" {row.inmail_status}" if row.inmail_status else ""))
    if row.reminder:
        flags.append("reminder")
    if row.starred:
        flags.append("starred")
    if row.muted:
        flags.append("muted")
    if row.spam:
        flags.append("spam")
    elif row.archived:
        flags.append("archived")
    if row.has_attachment:
        flags.append("attachment")
    return ", ".join(flags)


def inbox(args) -> int:
    from app.core.inbox import page

    open_store(args)
    me = acting_member(args)
    rows = page(me.id, args.filter, query=args.search, limit=args.limit)
    if wants_json(args):
        print_json([_row_json(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("No conversations here.")
        return EXIT_OK
    print_table(
        ("ID", "NEW", "WHEN", "FROM", "FOLDER", "FLAGS", "PREVIEW"),
        ((r.id, r.unread or "", local(r.last_at), one_line(r.title, 28), r.folder, _row_flags(r),
          one_line(f"{r.subject} — {r.preview}" if r.subject else r.preview, 500)) for r in rows),
        right=(0, 1),
    )
    return EXIT_OK


def _all_messages(member_id: int, conversation: int) -> list:
    from app.core.inbox import messages

    found: list = []
    while True:
        batch = messages(member_id, conversation, after_id=found[-1].id if found else None, limit=500)
        found.extend(batch)
        if len(batch) < 500:
            return found


def show(args) -> int:
    from app.core.inbox import thread

    open_store(args)
    me = acting_member(args)
    view = thread(me.id, args.conversation)
    items = _all_messages(me.id, args.conversation)
    if wants_json(args):
        print_json({"id": view.id, "title": view.title, "messages": [
            {"id": m.id, "sender": m.sender_handle or m.sender_name, "at": utc(m.at), "body": m.body,
             "kind": m.kind} for m in items]})
        return EXIT_OK
    heading = f"#{view.id}  {literal(view.title)}"
    if view.subject:
        heading += f" — {literal(view.subject)}"
    print(heading)
    state = [view.folder.capitalize()]
    if view.inmail_status:
        state.append(f"InMail {view.inmail_status}")
    state += [word for word, on in (("archived", view.archived), ("starred", view.starred),
                                    ("muted", view.muted), ("spam", view.spam)) if on]
    if view.kind == "group":
        state.append(f"group of {len(view.participants)}")
    elif view.kind == "sponsored":
        state.append("Sponsored")
    print(" · ".join(state))
    if view.link_warning:
        print("! This message may contain unwanted or harmful content.")
    for m in items:
        print()
        print(f"[{local(m.at)}] {literal(m.sender_name)}  (message {m.id}"
              + (f", {m.kind.replace('_', ' ')}" if m.kind not in ("message", "inmail") else "") + ")")
        for line in literal(m.body).splitlines() or [""]:
            print(f"  {line}")
        for a in m.attachments:
            print(f"  📎 {literal(a.name)} ({_size(a.size)}, {a.mime})")
        if m.seen:
            print("  Seen")
    if view.can_quick_reply:
        print()
        print(f"Answer with: parley reply {view.id} --accept | --decline | --body TEXT")
    return EXIT_OK


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _credits_json(view) -> dict:
    return {"plan": view.plan, "balance": view.balance, "cap": view.cap, "monthly": view.monthly,
            "next_grant": utc(view.next_grant),
            "ledger": [{"at": utc(e.at), "kind": e.kind, "amount": e.amount, "reason": e.reason}
                       for e in view.ledger]}


def credits(args) -> int:
    from app.core.credits import credits_view

    open_store(args)
    me = acting_member(args)
    view = credits_view(me.id)
    if wants_json(args):
        print_json(_credits_json(view))
        return EXIT_OK
    facts = [("Plan", f"{view.plan_label} ({view.plan})"),
             ("Balance", f"{view.balance} of {view.cap} InMail credits"),
             ("Monthly", plural(view.monthly, "credit")),
             ("Next grant", local(view.next_grant) if view.next_grant else "none")]
    facts += [("Expiring", f"{e.amount} on {local(e.expires_at)}") for e in view.expiring[:3]]
    for label, value in facts:
        print(f"{label:<12}{value}")
    if view.ledger:
        print()
        print_table(("WHEN", "KIND", "AMOUNT", "BALANCE", "REASON"),
                    ((local(e.at), e.kind, f"{e.amount:+d}", e.balance, literal(e.reason)) for e in view.ledger),
                    right=(2, 3))
    return EXIT_OK


# ---------------------------------------------------------------- import, export, bench


def import_linkedin(args) -> int:
    from app.interchange.linkedin.linkedin import import_linkedin as run_import
    from app.interchange.linkedin.progress import TextProgress

    open_store(args)
    summary = run_import(args.path, progress=TextProgress(sys.stderr))
    print(summary.describe())
    return EXIT_OK


def export(args) -> int:
    from app.core.errors import BadInput
    from app.interchange.export import export as run_export

    open_store(args)
    me = acting_member(args)
    if not args.out:
        run_export(me.id, args.format, sys.stdout)
        return EXIT_OK
    # Written beside the target and renamed, so a failed export never leaves half a file.
    partial = f"{args.out}.partial"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            run_export(me.id, args.format, out)
        os.replace(partial, args.out)
    except OSError as exc:
        raise BadInput(f"Can't write {args.out}: {exc.strerror}.") from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    print(f"Exported your conversations to {args.out}.", file=sys.stderr)
    return EXIT_OK


def bench(args) -> int:
    from app.bench.run import run

    return run(args.messages, wants_json(args), getattr(args, "db", None))


# ---------------------------------------------------------------- the TUI and the demo


def open_tui(args) -> int:
    from app.store.target import load_peewee_for, resolve_target

    target = resolve_target(getattr(args, "db", None))
    load_peewee_for(target)
    return _run_app(target, getattr(args, "acting", None) or _configured("as"))


def _run_app(target: str, acting: str | None) -> int:
    from app.ui.app import run_app

    return run_app(target, acting)


def demo_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("parley", appauthor=False), "demo.db")


def run_demo(args) -> int:
    from app.core.clock import now
    from app.demo.build import build_demo, has_demo

    target = getattr(args, "db", None) or demo_path()
    if has_demo(target):
        print(f"Opening the demo store at {target}.", file=sys.stderr)
    else:
        print(f"Building the demo store at {target}…", file=sys.stderr)
        build_demo(target, now=now())
    _close_store()
    acting = getattr(args, "acting", None) or "me"
    if os.environ.get("PARLEY_NO_TUI") != "1":
        try:
            import app.ui.app  # noqa: F401 - only to know whether the screens are installed
        except ImportError:
            pass
        else:
            return _run_app(target, acting)
    import shlex

    db = shlex.quote(target)
    print(f"The demo store is at {target}. Look at it with, for example:")
    for command in ("inbox", "inbox --filter inmail", "credits", "--as tom-hartley inbox"):
        print(f"  parley --db {db} {command}")
    return EXIT_OK
