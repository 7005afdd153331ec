"""Sending, replying and recalling."""

from __future__ import annotations

import mimetypes
import os
import sys

from app.cli.render import EXIT_OK, literal, print_json, wants_json
from app.cli.session import acting_member, author_id, open_store
from app.core import messaging, templates
from app.core.errors import BadInput
from app.core.inbox import thread
from app.core.plans import LIMITS
from app.core.views import SendResult
from app.files import FileRefused, TooLarge, read_bounded
from app.presentation import plural

ROUTE_WORDS = {"message": "a message", "open-profile": "an Open Profile message", "inmail": "an InMail"}


# UTF-8 needs at most four bytes a character: a file longer than this holds too long a body.
BODY_FILE_MAX_BYTES = 4 * LIMITS.message_body_max


def read_body_file(name: str) -> str:
    # Standard input as bytes, like a file (a test or a wrapper may give text instead).
    source = getattr(sys.stdin, "buffer", sys.stdin) if name == "-" else name
    what = "The standard input" if name == "-" else name
    try:
        data = read_bounded(source, BODY_FILE_MAX_BYTES, what)
    except TooLarge:
        raise BadInput(f"A message can be at most {LIMITS.message_body_max:,} characters; "
                       f"{what} holds more.") from None
    except FileRefused as exc:
        raise BadInput(str(exc)) from None
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{what} is not UTF-8 text.") from None


def read_attachment(name: str) -> tuple[str, bytes, str]:
    try:
        data = read_bounded(name, LIMITS.attachment_max_bytes, f"The attachment {name}")
    except FileRefused as exc:
        raise BadInput(str(exc)) from None
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return os.path.basename(name), data, mime


def _sent(args, result: SendResult, done: str) -> int:
    """Report a send or reply; ``done`` is what happened, with {to} for the other side."""
    if wants_json(args):
        print_json({"conversation": result.conversation, "message": result.message,
                    "route": result.route, "credits_left": result.credits_left})
        return EXIT_OK
    me = acting_member(args)
    title = literal(thread(me.id, result.conversation).title)
    credits_left = f" {plural(result.credits_left, 'InMail credit')} left." if result.route == "inmail" else ""
    what = ROUTE_WORDS.get(result.route, "a message")
    print(f"{done.format(what=what, to=title)} (conversation {result.conversation}, message {result.message})."
          + credits_left)
    return EXIT_OK


def send(args) -> int:
    if args.template is not None:
        attachments = [read_attachment(name) for name in args.attach]
        open_store(args)
        return send_template(args, acting_member(args), attachments)
    body = args.body if args.body is not None else read_body_file(args.body_file)
    attachments = [read_attachment(name) for name in args.attach]
    open_store(args)
    me = acting_member(args)
    result = messaging.send(me.id, args.to, body, subject=args.subject, attachments=attachments,
                            author_id=author_id(args))
    return _sent(args, result, "Sent {what} to {to}")


def reply(args) -> int:
    if args.body is None and not (args.accept or args.decline):
        raise BadInput("Say what to reply with --body TEXT, --accept or --decline.")
    open_store(args)
    me = acting_member(args)
    result = messaging.reply(me.id, args.conversation, args.body, accept=args.accept, decline=args.decline,
                             author_id=author_id(args))
    done = ("Accepted the InMail and replied to {to}" if args.accept
            else "Declined the InMail and replied to {to}" if args.decline else "Replied to {to}")
    return _sent(args, result, done)


def recall(args) -> int:
    open_store(args)
    me = acting_member(args)
    messaging.recall(me.id, args.message, author_id=author_id(args))
    if wants_json(args):
        print_json({"recalled": args.message})
    else:
        print(f"Recalled message {args.message}: both sides now see \"This message was deleted.\"")
    return EXIT_OK


def send_template(args, me, attachments) -> int:
    """send --template NAME: one message per recipient, each filled for them."""
    sent = templates.send_filled(me.id, args.to, args.template, subject=args.subject, attachments=attachments,
                                 author_id=author_id(args))
    if wants_json(args):
        print_json([{"to": recipient.handle, "conversation": result.conversation, "message": result.message,
                     "route": result.route, "credits_left": result.credits_left} for recipient, result in sent])
        return EXIT_OK
    for recipient, result in sent:
        print(f"Sent {literal(args.template)} to {literal(recipient.name)} "
              f"(conversation {result.conversation}, message {result.message}).")
    inmails = [result for _, result in sent if result.route == "inmail"]
    if inmails:
        print(f"{plural(inmails[-1].credits_left, 'InMail credit')} left.")
    return EXIT_OK
