"""Invitations to connect, saved replies, and the stream of what happens (watch)."""

from __future__ import annotations

import sys
import time

from app.cli.messaging import read_body_file
from app.cli.render import EXIT_OK, literal, one_line, print_json, print_table, utc, wants_json
from app.cli.session import acting_member, author_id, open_store
from app.core import invitations, templates
from app.core.views import InvitationView, TemplateView
from app.presentation import json_text, short_time

# How often watch looks at the change feed: well inside the two seconds news may take.
WATCH_EVERY = 0.5


# ---- invitations -------------------------------------------------------------------------------------


def invite(args) -> int:
    open_store(args)
    me = acting_member(args)
    sent = invitations.invite(me.id, args.handle, args.note or "")
    if wants_json(args):
        print_json(_invitation_json(sent))
    else:
        print(f"Invited {literal(sent.name)} to connect; once they accept, you message each other for free.")
    return EXIT_OK


def list_invitations(args) -> int:
    open_store(args)
    me = acting_member(args)
    found = invitations.pending(me.id, sent=args.sent)
    if wants_json(args):
        print_json([_invitation_json(i) for i in found])
        return EXIT_OK
    if not found:
        print("No invitations waiting for your answer." if not args.sent else "No invitations of yours are waiting.")
        return EXIT_OK
    print_table(("HANDLE", "NAME", "SENT", "HEADLINE", "NOTE"),
                ((i.handle, literal(i.name), short_time(i.sent_at), one_line(i.headline, 40), one_line(i.note, 60))
                 for i in found))
    return EXIT_OK


def answer(args) -> int:
    """accept, ignore and withdraw: the subcommand sets ``answer``."""
    open_store(args)
    me = acting_member(args)
    done = {"accept": invitations.accept, "ignore": invitations.ignore, "withdraw": invitations.withdraw}
    answered = done[args.answer](me.id, args.handle)
    if wants_json(args):
        print_json(_invitation_json(answered))
    elif args.answer == "accept":
        print(f"You and {literal(answered.name)} are connected: messages between you are free.")
    elif args.answer == "ignore":
        print(f"Ignored {literal(answered.name)}'s invitation.")
    else:
        print(f"Withdrew your invitation to {literal(answered.name)}.")
    return EXIT_OK


def _invitation_json(invitation: InvitationView) -> dict:
    return {"handle": invitation.handle, "name": invitation.name, "headline": invitation.headline,
            "note": invitation.note, "sent_at": utc(invitation.sent_at), "direction": invitation.direction,
            "status": invitation.status}


# ---- templates ---------------------------------------------------------------------------------------


def template_add(args) -> int:
    body = args.body if args.body is not None else read_body_file(args.body_file)
    open_store(args)
    me = acting_member(args)
    saved = templates.add(me.id, args.name, body, subject=args.subject or "")
    if wants_json(args):
        print_json(_template_json(saved))
    else:
        print(f"Saved the template {literal(saved.name)}.")
    return EXIT_OK


def template_list(args) -> int:
    open_store(args)
    me = acting_member(args)
    found = templates.list_templates(me.id)
    if wants_json(args):
        print_json([_template_json(t) for t in found])
        return EXIT_OK
    if not found:
        print("No templates yet. Save one with: parley template add NAME --body TEXT")
        return EXIT_OK
    print_table(("NAME", "SUBJECT", "BODY"),
                ((literal(t.name), one_line(t.subject, 40), one_line(t.body, 60)) for t in found))
    return EXIT_OK


def template_remove(args) -> int:
    open_store(args)
    me = acting_member(args)
    templates.remove(me.id, args.name)
    if wants_json(args):
        print_json({"removed": args.name})
    else:
        print(f"Removed the template {literal(args.name)}.")
    return EXIT_OK


def _template_json(template: TemplateView) -> dict:
    return {"name": template.name, "subject": template.subject, "body": template.body,
            "updated_at": utc(template.updated_at)}


# ---- watch -------------------------------------------------------------------------------------------


def watch(args) -> int:
    from app.core.watch import Watch

    open_store(args)
    me = acting_member(args)
    as_json = wants_json(args)
    watching = Watch(me.id, author_id(args))
    if not as_json:
        print(f"Watching {literal(me.name)}'s inbox; press Ctrl-C to stop.", file=sys.stderr)
    try:
        while True:
            for event in watching.poll():
                print(_event_json(event) if as_json else _event_line(event), flush=True)
            time.sleep(WATCH_EVERY)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        watching.close()


def _event_json(event) -> str:
    fields = {"at": utc(event.at), "event": event.event, "conversation": event.conversation,
              "message": event.message, "sender": event.sender, "preview": event.preview}
    return json_text(fields)


def _event_line(event) -> str:
    where = f"#{event.conversation}" if event.conversation is not None else ""
    who = f"{literal(event.sender_name)}: " if event.sender_name else ""
    return "  ".join(part for part in (short_time(event.at), event.event, where, who + literal(event.preview)) if part)
