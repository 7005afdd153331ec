"""Reading: the inbox as a table or JSON, and one conversation printed in full."""

from __future__ import annotations

from app.cli.render import (
    EXIT_OK,
    body_lines,
    literal,
    one_line,
    print_json,
    print_table,
    utc,
    wants_json,
)
from app.cli.session import acting_member, author_id, open_store
from app.core import drafts
from app.core import inbox as inboxes
from app.core.views import DRAFTS, ConversationRow, DraftView, MessageView
from app.presentation import human_size, minute

MESSAGES_A_FETCH = 500


def _row_json(row: ConversationRow) -> dict:
    return {"id": row.id, "title": row.title, "kind": row.kind, "folder": row.folder,
            "unread": row.unread, "archived": row.archived, "starred": row.starred,
            "muted": row.muted, "spam": row.spam, "last_at": utc(row.last_at), "preview": row.preview,
            "assignee": row.assignee or None}


def _row_flags(row: ConversationRow) -> str:
    flags = {"sponsored": ["Sponsored"], "open_profile": ["Open Profile"]}.get(row.kind, [])
    if row.inmail:
        flags.append("InMail" + (f" {row.inmail_status}" if row.inmail_status else ""))
    marks = (("reminder", row.reminder), ("starred", row.starred), ("muted", row.muted), ("spam", row.spam),
             ("archived", row.archived and not row.spam), ("attachment", row.has_attachment))
    return ", ".join(flags + [name for name, shown in marks if shown])


def _shown_text(row: ConversationRow) -> str:
    """A search result shows the words it matched; a filter's row, its subject and preview."""
    if row.match:
        return row.match
    return f"{row.subject} — {row.preview}" if row.subject else row.preview


def inbox(args) -> int:
    open_store(args)
    me = acting_member(args)
    if args.filter == DRAFTS and args.search is None:
        rows = drafts.page(me.id, limit=args.limit)
    else:
        rows = inboxes.page(me.id, "all" if args.filter == DRAFTS else args.filter, query=args.search,
                            limit=args.limit, author_id=author_id(args))
    if wants_json(args):
        print_json([_row_json(r) for r in rows])
        return EXIT_OK
    if not rows:
        print("No conversations here.")
        return EXIT_OK
    # A shared inbox's list says whose each conversation is.
    assigned = any(r.assignee for r in rows)
    print_table(
        ("ID", "NEW", "WHEN", "FROM", "FOLDER", *(("ASSIGNEE",) if assigned else ()), "FLAGS", "PREVIEW"),
        ((r.id, r.unread or "", minute(r.last_at), one_line(r.title, 28), r.folder,
          *((one_line(r.assignee, 16),) if assigned else ()), _row_flags(r), one_line(_shown_text(r), 500))
         for r in rows),
        right=(0, 1),
    )
    return EXIT_OK


def _draft_json(draft: DraftView) -> dict:
    return {"id": draft.id, "to": list(draft.to_handles), "subject": draft.subject, "body": draft.body,
            "conversation": draft.conversation_id, "updated_at": utc(draft.updated_at)}


def drafts_command(args) -> int:
    open_store(args)
    me = acting_member(args)
    found = drafts.listing(me.id)
    if wants_json(args):
        print_json([_draft_json(d) for d in found])
        return EXIT_OK
    if not found:
        print("No drafts.")
        return EXIT_OK
    print_table(
        ("ID", "WHEN", "TO", "CONVERSATION", "DRAFT"),
        ((d.id, minute(d.updated_at), one_line(", ".join(d.to_handles), 40), d.conversation_id or "",
          one_line(f"{d.subject} — {d.body}" if d.subject else d.body, 500)) for d in found),
        right=(0, 3),
    )
    return EXIT_OK


def _all_messages(member_id: int, conversation: int) -> list[MessageView]:
    found: list[MessageView] = []
    while True:
        after = found[-1].id if found else None
        batch = inboxes.messages(member_id, conversation, after_id=after, limit=MESSAGES_A_FETCH)
        found.extend(batch)
        if len(batch) < MESSAGES_A_FETCH:
            return found


def _who(m: MessageView) -> str:
    """The sender, and for the inbox's own team the teammate who wrote it; a note is its author's."""
    if m.kind == "note":
        return f"Internal note by {literal(m.author_name or m.sender_name)}"
    if m.author_name:
        return f"{literal(m.sender_name)} (written by {literal(m.author_name)})"
    return literal(m.sender_name)


def show(args) -> int:
    open_store(args)
    me = acting_member(args)
    view = inboxes.thread(me.id, args.conversation)
    items = _all_messages(me.id, args.conversation)
    if wants_json(args):
        print_json({"id": view.id, "title": view.title, "messages": [
            {"id": m.id, "sender": m.sender_handle or m.sender_name, "at": utc(m.at), "body": m.body,
             "kind": m.kind, **({"author": m.author_handle} if m.author_handle else {})} for m in items]})
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
        print(f"[{minute(m.at)}] {_who(m)}  (message {m.id}"
              + (f", {m.kind.replace('_', ' ')}" if m.kind not in ("message", "inmail") else "") + ")")
        for line in body_lines(m.body.rstrip("\r\n")):
            print(f"  {line}")
        for a in m.attachments:
            print(f"  📎 {literal(a.name)} ({human_size(a.size)}, {a.mime})")
        if m.seen:
            print("  Seen")
    if view.can_quick_reply:
        print()
        print(f"Answer with: parley reply {view.id} --accept | --decline | --body TEXT")
    return EXIT_OK
