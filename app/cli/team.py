"""A shared inbox from the command line: delegates, assignment, internal notes, the audit."""

from __future__ import annotations

from datetime import datetime, timezone

from app.cli.render import EXIT_OK, literal, one_line, print_json, print_table, utc, wants_json
from app.cli.session import acting_member, author_id, open_store
from app.core import team
from app.core.errors import BadInput
from app.core.members import member_by_handle
from app.presentation import minute


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def delegate_add(args) -> int:
    open_store(args)
    me = acting_member(args)
    team.add_delegate(me.id, args.inbox_handle, args.staff)
    return _delegate_changed(args, "can now work in")


def delegate_remove(args) -> int:
    open_store(args)
    me = acting_member(args)
    team.remove_delegate(me.id, args.inbox_handle, args.staff)
    return _delegate_changed(args, "can no longer work in")


def _delegate_changed(args, done: str) -> int:
    inbox, staff = member_by_handle(args.inbox_handle), member_by_handle(args.staff)
    if wants_json(args):
        print_json({"inbox": inbox.handle, "delegate": staff.handle, "delegated": done == "can now work in"})
    else:
        print(f"{literal(staff.name)} {done} {literal(_possessive(inbox.name))} inbox.")
    return EXIT_OK


def delegate_list(args) -> int:
    open_store(args)
    me = acting_member(args)
    inbox_id = None
    if args.inbox_handle:
        inbox_id = team.inbox_for(me.id, args.inbox_handle).id
    found = team.delegates(inbox_id, me.id)
    if wants_json(args):
        print_json([{"inbox": d.inbox_handle, "delegate": d.handle, "name": d.name, "since": utc(d.since)}
                    for d in found])
        return EXIT_OK
    if not found:
        print("No delegates: nobody else works in this inbox." if inbox_id else "You work in no shared inbox.")
        return EXIT_OK
    print_table(("INBOX", "DELEGATE", "NAME", "SINCE"),
                ((one_line(d.inbox_handle, 30), one_line(d.handle, 30), one_line(d.name, 40), minute(d.since))
                 for d in found))
    return EXIT_OK


def assign(args) -> int:
    if args.none == bool(args.assignee):
        raise BadInput("Name whom to assign it to, or say --none.")
    open_store(args)
    inbox = acting_member(args)
    assignee = team.assign(inbox.id, author_id(args), args.conversation, None if args.none else args.assignee)
    if wants_json(args):
        print_json({"conversation": args.conversation, "assignee": assignee.handle if assignee else None})
    elif assignee is None:
        print(f"Conversation {args.conversation} is unassigned.")
    else:
        print(f"Assigned conversation {args.conversation} to {literal(assignee.name)}.")
    return EXIT_OK


def note(args) -> int:
    open_store(args)
    inbox = acting_member(args)
    message_id = team.note(inbox.id, author_id(args), args.conversation, args.body)
    if wants_json(args):
        print_json({"conversation": args.conversation, "note": message_id})
    else:
        print(f"Noted in conversation {args.conversation} (message {message_id}); "
              f"only the team of {literal(_possessive(inbox.name))} inbox sees it.")
    return EXIT_OK


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{text!r} is not a date; write it as 2026-12-03 or 2026-12-03T09:30.") from None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def audit(args) -> int:
    since = _since(args.since)
    open_store(args)
    inbox = acting_member(args)
    entries = team.audit(inbox.id, author_id(args) or inbox.id, conversation_id=args.conversation, since=since)
    if wants_json(args):
        print_json([{"at": utc(e.at), "author": e.author_handle, "action": e.action,
                     "conversation": e.conversation, "detail": e.detail} for e in entries])
        return EXIT_OK
    if not entries:
        print("Nothing recorded here yet.")
        return EXIT_OK
    print_table(("WHEN", "WHO", "ACTION", "CONVERSATION", "DETAIL"),
                ((minute(e.at), one_line(e.author_name, 30), e.action, e.conversation or "", one_line(e.detail, 60))
                 for e in entries),
                right=(3,))
    return EXIT_OK
