"""Made-up exports in the shapes real LinkedIn exports take, and what a user sees of them.

Every person and text here is invented; the shapes (headers, empty FOLDERs, names with
commas, spreadsheet dates, UTF-16 with tabs, sponsored HTML) are those of real files.
"""

from __future__ import annotations

from app.store.models import (
    BOX_ARCHIVED,
    BOX_INBOX,
    BOX_SPAM,
    Conversation,
    ConversationState,
    Draft,
    Member,
    Message,
)

BOX_NAMES = {BOX_INBOX: "inbox", BOX_ARCHIVED: "archived", BOX_SPAM: "spam"}

ANA = "https://www.linkedin.com/in/ana-ruiz-7"
BEN = "https://www.linkedin.com/in/bokafor"
CY = "https://www.linkedin.com/in/cy-park"
DEE = "https://www.linkedin.com/in/dee-lin-2b"
KIM = "https://www.linkedin.com/in/kimvo"
ZOE = "https://www.linkedin.com/in/zoe-papadopoulou"
DIMA = "https://www.linkedin.com/in/d-ivanov"
FANG = "https://www.linkedin.com/in/wang-fang"

BEN_NAME = "Ben Okafor, MBA,PMP"
DEE_NAME = "Dee Lin, LEED AP"
KIM_NAME = "Kim Vo, CPA (Inactive)"
ZOE_NAME = "Ζωή Παπαδοπούλου"
DIMA_NAME = "Дмитрий Иванов"
FANG_NAME = "王芳"

PROFILE_ANA = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\r\n"
    'Ana,Ruiz,,,,"Data engineer, logistics",,Logistics,,"Valencia, Spain",,,\r\n'
)


def seen() -> dict[str, dict]:
    """Each conversation as the owner ("me") sees it, by LinkedIn's conversation id (or its
    first message for the oldest layout): kind, title, the other members' names, the owner's
    box and folder, and its messages in order as (sender's name, kind, text)."""
    me = Member.get(Member.handle == "me")
    out = {}
    for conversation in Conversation.select().order_by(Conversation.id):
        states = list(ConversationState.select().where(ConversationState.conversation == conversation))
        mine = next(s for s in states if s.member_id == me.id)
        messages = [
            (m.sender.name if m.sender else None, m.kind, m.body)
            for m in Message.select().where(Message.conversation == conversation).order_by(Message.sent_at, Message.id)
        ]
        key = conversation.external_id.removeprefix("li:") if conversation.external_id.startswith("li:") \
            else messages[0][2]
        out[key] = {
            "kind": conversation.kind,
            "title": conversation.title,
            "others": sorted(s.member.name for s in states if s.member_id != me.id)
            or sorted(m.sender.name for m in Message.select().where(
                (Message.conversation == conversation) & (Message.sender != me.id) & Message.sender.is_null(False))),
            "box": BOX_NAMES[mine.box],
            "folder": mine.folder,
            "messages": messages,
        }
    return out


def drafts() -> list[str]:
    return sorted(d.body for d in Draft.select())
