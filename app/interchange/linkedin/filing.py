"""The import's last step: each member's view of each conversation and its InMail, by the delivery rules."""

from __future__ import annotations

from datetime import datetime

from peewee import fn

from app.core import delivery
from app.core.delivery import preview_of
from app.interchange.linkedin.reading import _Thread
from app.interchange.linkedin.summary import ImportSummary
from app.store.bulk import indexes_rebuilt, insert_rows
from app.store.models import (
    BOX_ARCHIVED,
    BOX_INBOX,
    BOX_SPAM,
    Conversation,
    ConversationState,
    InMail,
    Message,
    database,
)

STATE_COLUMNS = ("conversation", "member", "folder", "unread", "has_unread", "archived", "muted",
                 "starred", "spam", "deleted", "box", "peer", "connected", "inmail",
                 "has_attachment", "last_at", "read_upto", "marked_safe", "left")


class Filing:
    """The importer's conversation states and InMail rows (its state lives on the importer)."""

    # The importer's state this step reads, set up by the importer and filled by its earlier steps.
    now: datetime
    summary: ImportSummary
    threads: dict[str, _Thread]
    member_of: dict[str, int]
    me_id: int
    my_connections: dict[int, datetime]

    def _finish_conversations(self) -> None:
        me = self.me_id
        conversation_updates = []
        states = []
        inmails = []
        for thread in self.threads.values():
            if not thread.added:
                continue
            if thread.is_new:
                conversation_updates.append((thread.new_last_at, preview_of(thread.new_last_body), thread.added,
                                             thread.conversation_id))
                others = [m for m in thread.member_ids if m != me]
                for member in self._viewers(thread):
                    states.append(self._state_row(thread, member, others))
                if thread.kind == "inmail" and thread.first_id is not None:
                    inmails.append(self._inmail_row(thread, others[0]))
            else:
                self.summary.conversations_updated += 1
                self._update_existing(thread)
        for start in range(0, len(conversation_updates), 1000):
            database.obj.cursor().executemany(
                'UPDATE "conversation" SET "last_at" = {p}, "preview" = {p}, "message_count" = {p} '
                'WHERE "id" = {p}'.format(p=database.obj.param),
                conversation_updates[start:start + 1000],
            )
        # In the order the inbox indexes begin with (member, box, last activity): SQLite builds
        # or extends them faster from rows nearly in order.
        states.sort(key=lambda row: (row[1], row[10], row[15]))
        with indexes_rebuilt(ConversationState, len(states)):
            insert_rows(ConversationState, STATE_COLUMNS, states)
        for start in range(0, len(inmails), 500):
            InMail.insert_many(inmails[start:start + 500]).execute()

    def _state_row(self, thread: _Thread, member: int, others: list[int]) -> tuple:
        """The member's view, by the delivery rules: the archive's owner has read all of it, and
        files it where its FOLDER says; everyone else has it in their inbox."""
        me = self.me_id
        mine = member == me
        box = thread.box if mine and thread.box is not None else BOX_INBOX
        route = delivery.route_of_arrival(thread.kind, answered=self._answered(thread, member))
        view = delivery.View(folder=delivery.folder_for(route), archived=box == BOX_ARCHIVED, spam=box == BOX_SPAM)
        if thread.kind == "group":
            peer = None
        elif mine:
            peer = others[0] if others else None
        else:
            peer = me
        connected = peer is not None and thread.kind != "sponsored" and (
            (mine and peer in self.my_connections) or (peer == me and member in self.my_connections)
        )
        return (thread.conversation_id, member, view.folder, view.unread, view.has_unread, view.archived, False,
                False, view.spam, view.deleted, view.box, peer, connected, thread.kind == "inmail", False,
                thread.new_last_at, thread.max_id, False, self._has_left(thread, member))

    def _has_left(self, thread: _Thread, member: int) -> bool:
        """A group member who left (a "… left the conversation." line) and wrote nothing after."""
        if thread.kind != "group" or member == self.me_id:
            return False
        left = [at for key, at in thread.left_at.items() if self.member_of.get(key) == member]
        wrote = [at for key, at in thread.last_by.items() if self.member_of.get(key) == member]
        return bool(left) and (not wrote or max(left) > max(wrote))

    def _viewers(self, thread: _Thread) -> list[int]:
        """Who has a view of the conversation: a sponsoring company has none of its own."""
        if thread.kind != "sponsored":
            return thread.member_ids
        return [m for m in thread.member_ids if m == self.me_id or m != self.member_of.get(thread.sponsor)]

    def _answered(self, thread: _Thread, member: int) -> bool:
        """Whether the member had written before the latest message from the others came (true
        when nothing came: the conversation is theirs alone so far)."""
        mine = [at for key, at in thread.first_by.items() if self.member_of.get(key) == member]
        theirs = [at for key, at in thread.last_by.items() if self.member_of.get(key) != member]
        if not theirs:
            return True
        return bool(mine) and min(mine) <= max(theirs)

    def _responded_at(self, thread: _Thread, recipient: int, sent_at: datetime) -> datetime | None:
        times = [at for key, at in thread.first_by.items()
                 if self.member_of.get(key) == recipient and at > sent_at]
        return min(times) if times else None

    def _inmail_row(self, thread: _Thread, other: int) -> dict:
        sender = self.member_of[thread.first_sender]
        recipient = other if sender == self.me_id else self.me_id
        sent_at = thread.first_at
        assert sent_at is not None  # read with the first message, which the InMail is
        responded_at = self._responded_at(thread, recipient, sent_at)
        return {
            "message": thread.first_id, "conversation": thread.conversation_id, "sender": sender,
            "recipient": recipient, "sent_at": sent_at,
            "status": delivery.inmail_status(sent_at, responded_at, self.now),
            "responded_at": responded_at, "refunded": False,
            "reminded_at": delivery.reminded_at(sent_at, responded_at, self.now), "billed": False,
        }

    def _update_existing(self, thread: _Thread) -> None:
        """A newer export of the same account: new messages in a conversation already here."""
        conversation = Conversation.get_by_id(thread.conversation_id)
        new_last_at = thread.new_last_at
        assert new_last_at is not None  # set with each message added, and this thread has some
        if new_last_at >= conversation.last_at:
            conversation.last_at = new_last_at
            conversation.preview = preview_of(thread.new_last_body)
        conversation.message_count = (
            Message.select(fn.COUNT(Message.id)).where(Message.conversation == conversation.id).scalar()
        )
        conversation.save()
        states = {s.member_id: s for s in
                  ConversationState.select().where(ConversationState.conversation == conversation.id)}
        others = [m for m in thread.member_ids if m != self.me_id]
        missing = [self._state_row(thread, m, others) for m in self._viewers(thread) if m not in states]
        insert_rows(ConversationState, STATE_COLUMNS, missing)
        for member, state in states.items():
            state.last_at = max(state.last_at, conversation.last_at)
            state.read_upto = max(state.read_upto, thread.max_id)
            if member == self.me_id and thread.box is not None and not state.deleted:
                state.archived = thread.box == BOX_ARCHIVED
                state.spam = thread.box == BOX_SPAM
                state.refresh_box()
            state.save()
        if conversation.kind == "inmail":
            inmail = InMail.get_or_none(InMail.conversation == conversation.id)
            if inmail is not None and inmail.status in ("pending", "expired"):
                reply = (Message.select(fn.MIN(Message.sent_at))
                         .where((Message.conversation == conversation.id) & (Message.sender == inmail.recipient_id)
                                & (Message.sent_at > inmail.sent_at)).scalar())
                if reply is not None:
                    inmail.status, inmail.responded_at = "replied", reply
                    inmail.save()
