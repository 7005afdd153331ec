"""Saved replies: a member's templates, filled for each recipient before they are sent.

A template has a name, an optional subject and a body. Its placeholders, written
``{first_name}``, are filled from the recipient's profile (``{my_first_name}`` from the
sender's); ``{{`` and ``}}`` stand for a brace. A placeholder that is not one of these is
refused when the template is saved, naming it, so that a template can always be filled.
A filled template is an ordinary message: the route's limits apply when it is sent.
"""

from __future__ import annotations

import string
from datetime import datetime

from app.core import clock, messaging
from app.core.delivery import is_blank, name_parts
from app.core.directory import member_by_handle, member_by_id
from app.core.errors import BadInput, NotFound
from app.core.plans import LIMITS
from app.core.views import SendResult, TemplateView
from app.store.db import write
from app.store.models import Member, Template

NAME_MAX = 100

PLACEHOLDERS = ("first_name", "last_name", "name", "company", "position", "my_first_name")


def add(member_id: int, name: str, body: str, subject: str = "", now: datetime | None = None) -> TemplateView:
    """Save a template under ``name``, replacing the member's template of that name."""
    at = now or clock.now()
    name = " ".join((name or "").split())
    if not name:
        raise BadInput("A template needs a name.")
    if len(name) > NAME_MAX:
        raise BadInput(f"A template's name can be at most {NAME_MAX} characters.")
    subject = (subject or "").strip()
    if is_blank(body):
        raise BadInput("A template's body can't be empty.")
    if len(subject) > LIMITS.subject_max:
        raise BadInput(f"A subject can be at most {LIMITS.subject_max} characters.")
    if len(body) > LIMITS.message_body_max:
        raise BadInput(f"A template's body can be at most {LIMITS.message_body_max:,} characters.")
    for text in (subject, body):
        check_placeholders(text)
    member_by_id(member_id)
    with write():
        updated = Template.update(subject=subject, body=body, updated_at=at).where(
            (Template.member == member_id) & (Template.name == name)
        ).execute()
        if not updated:
            Template.create(member=member_id, name=name, subject=subject, body=body, updated_at=at)
    return TemplateView(name=name, subject=subject, body=body, updated_at=at)


def remove(member_id: int, name: str) -> None:
    with write():
        if not Template.delete().where((Template.member == member_id) & (Template.name == name)).execute():
            raise NotFound(f"There is no template {name!r}.")


def list_templates(member_id: int) -> list[TemplateView]:
    rows = Template.select().where(Template.member == member_id).order_by(Template.name)
    return [TemplateView(name=t.name, subject=t.subject, body=t.body, updated_at=t.updated_at) for t in rows]


def template(member_id: int, name: str) -> TemplateView:
    found = Template.get_or_none((Template.member == member_id) & (Template.name == name))
    if found is None:
        raise NotFound(f"There is no template {name!r}.")
    return TemplateView(name=found.name, subject=found.subject, body=found.body, updated_at=found.updated_at)


def check_placeholders(text: str) -> None:
    """Refuse a text whose braces do not make placeholders Parley can fill."""
    try:
        parts = [(field, spec, conversion) for _, field, spec, conversion in string.Formatter().parse(text)
                 if field is not None]
    except ValueError:
        raise BadInput("A template has a lone { or }: write {{ or }} for a brace.") from None
    for field, spec, conversion in parts:
        if field not in PLACEHOLDERS or spec or conversion:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise BadInput(f"A template can't fill the placeholder {shown}; it knows {known}.")


def fill(text: str, recipient: Member, sender: Member) -> str:
    """The text with each placeholder filled for this recipient (checked when it was saved)."""
    first, last = name_parts(recipient.name)
    values = {
        "first_name": first,
        "last_name": last,
        "name": recipient.name,
        "company": recipient.company,
        "position": recipient.position,
        "my_first_name": name_parts(sender.name)[0],
    }
    check_placeholders(text)
    return text.format_map(values)


def send_filled(sender_id: int, to_handles: list[str], name: str, *, subject: str | None = None,
                attachments=(), now: datetime | None = None,
                author_id: int | None = None) -> list[tuple[Member, SendResult]]:
    """Send the template to each recipient on its own, filled for them, by each one's route
    (``author_id``: the teammate sending for ``sender_id`` in a shared inbox).

    All or nothing: if one recipient is refused (a block, no credits left), nobody is sent it.
    """
    at = now or clock.now()
    saved = template(sender_id, name)
    sender = member_by_id(sender_id)
    recipients: list[Member] = []
    for handle in to_handles:
        member = member_by_handle(handle)
        if member.id not in {r.id for r in recipients}:
            recipients.append(member)
    with write():
        return [
            (recipient, messaging.send(sender_id, [recipient.handle], fill(saved.body, recipient, sender),
                                       subject=fill(subject if subject is not None else saved.subject,
                                                    recipient, sender) or None,
                                       attachments=attachments, now=at, author_id=author_id))
            for recipient in recipients
        ]
