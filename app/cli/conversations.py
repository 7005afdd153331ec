"""Triage: archive, mute, star, read… one or more conversations, and reports."""

from __future__ import annotations

from app.cli.render import EXIT_OK, print_json, wants_json
from app.cli.session import acting_member, author_id, open_store
from app.core import moderation
from app.core.errors import BadInput
from app.presentation import plural
from app.store.models import REPORT_REASONS


def conversation(args) -> int:
    open_store(args)
    me = acting_member(args)
    moderation.apply(me.id, args.action, args.conversations, author_id=author_id(args))
    ids = ", ".join(str(c) for c in args.conversations)
    if wants_json(args):
        print_json({"action": args.action, "conversations": args.conversations})
    else:
        print(f"{args.action.capitalize()}: {plural(len(args.conversations), 'conversation')} ({ids}).")
    return EXIT_OK


def report(args) -> int:
    reason = " ".join(args.reason.lower().replace("-", " ").replace("_", " ").split())
    if reason not in REPORT_REASONS:
        choices = ", ".join(r.replace(" ", "-") for r in REPORT_REASONS)
        raise BadInput(f"{args.reason!r} is not a report reason; choose one of: {choices}.")
    open_store(args)
    me = acting_member(args)
    moderation.report(me.id, args.conversation, reason, author_id=author_id(args))
    if wants_json(args):
        print_json({"conversation": args.conversation, "reason": reason})
        return EXIT_OK
    print(f"Reported conversation {args.conversation} ({reason}): moved to Spam and the sender is blocked.")
    return EXIT_OK
