"""The conversation list: draws only the visible rows of any number of conversations.

A row is one line (name, markers, subject or preview, date) or two (the preview on a
line of its own); `v` switches. A Line API widget (ScrollView + render_line, after
toolong): its virtual height is the list's length times the row height (a search's
length is counted before it is shown), rows arrive a page at a time from
thread workers (keyset: each page starts after the last row of the one before),
and pages live in a small LRU cache. Nothing here grows with the store except the
page-start cursors, one small tuple per page ever seen.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Callable, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from app.core.views import ConversationRow
from app.ui.keymap import MOVE_BINDINGS
from app.ui.mailbox import Mailbox
from app.ui.text import glyphs, literal, short_time
from app.ui.widgets.work import RunsWork

ONE_LINE, TWO_LINE = "one-line", "two-line"
DENSITIES = (ONE_LINE, TWO_LINE)
DATE_WIDTH = len("Feb 28")  # dates of this year and times of today line up; older ones reach further left
ASSIGNEE_WIDTH = 12  # cells of the assignee's short name, at most
PAGE_SIZE = 50
CACHED_PAGES = 20
WALK_PAGES = 20  # the most pages one query walks through to reach a far page
Cursor = tuple[datetime, int]


class ConversationList(RunsWork, ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of one filter (or one search) of the acting member's conversations."""

    BINDINGS: ClassVar[list[BindingType]] = [*MOVE_BINDINGS]
    COMPONENT_CLASSES = {
        "conversation-list--cursor",
        "conversation-list--unread",
        "conversation-list--dim",
        "conversation-list--inmail",
        "conversation-list--selected",
        "conversation-list--teammate",
    }
    DEFAULT_CSS = """
    ConversationList { overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Opened(Message):
        def __init__(self, row: ConversationRow) -> None:
            super().__init__()
            self.row = row

    class FirstPage(Message):
        """The first page of rows has been drawn."""

    class Failed(Message):
        """Rows could not be read; `sentence` says why (a malformed search, say)."""

        def __init__(self, sentence: str) -> None:
            super().__init__()
            self.sentence = sentence

    def __init__(self, mailbox: Mailbox, *, density: str = ONE_LINE, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mailbox = mailbox
        self.density = density if density in DENSITIES else ONE_LINE
        self.filter_name = "all"
        self.search_query: str | None = None
        self.total = 0
        self.selected: set[int] = set()
        # Conversations read in a row from a thread since the list was last fetched: their
        # rows still say unread, but "next unread" passes them by.
        self.read_here: set[int] = set()
        self.loaded = False
        self._generation = 0
        self._pages: OrderedDict[int, list[ConversationRow]] = OrderedDict()
        self._stale: dict[int, list[ConversationRow]] = {}
        self._starts: dict[int, Cursor | None] = {0: None}
        self._pending: set[int] = set()
        self._follow_id: int | None = None
        self._announced = False
        self.open_by_teammates: set[int] = set()  # conversations a teammate has open now

    # ------------------------------------------------------------------ data

    def show(self, filter_name: str, query: str | None, total: int | None, *, at: int = 0,
             row_id: int | None = None) -> None:
        """Show another filter or search; `total` None until the filter's count arrives.
        `at` and `row_id` put the cursor back where it was (the row follows if it moved)."""
        self.filter_name = filter_name
        self.search_query = query
        self._stale = {}
        self.read_here.clear()
        self.loaded = False
        self._follow_id = row_id
        self.set_reactive(ConversationList.cursor, max(at, 0))
        self._reset(total)
        self.scroll_to(0, max(at * self.row_height - self.size.height // 2, 0), animate=False, immediate=True)

    def learn_total(self, total: int) -> None:
        """The filter's count arrived after its first rows: the list's length is known now."""
        self.total = total
        self._update_virtual_size()
        self._request(self._visible_pages())
        self.refresh()

    def reload(self, total: int | None) -> None:
        """The store changed: refetch the visible rows, keep showing the old ones meanwhile."""
        row = self.current
        self._follow_id = row.id if row else None
        self._stale = dict(self._pages)
        self.read_here.clear()
        self._reset(total, keep_length=True)

    def _reset(self, total: int | None, *, keep_length: bool = False) -> None:
        self._generation += 1
        self._pages.clear()
        self._starts = {0: None}
        self._pending.clear()
        self.total = total if total is not None else (self.total if keep_length else 0)
        self._update_virtual_size()
        self._request(self._visible_pages() | {self.cursor // PAGE_SIZE})
        self.refresh()

    @property
    def row_height(self) -> int:
        return 1 if self.density == ONE_LINE else 2

    def toggle_density(self) -> None:
        """One line per conversation, or two (the preview under the name); the cursor stays."""
        self.density = TWO_LINE if self.density == ONE_LINE else ONE_LINE
        self._update_virtual_size()
        self._request(self._visible_pages())
        self.scroll_to_region(Region(0, self.cursor * self.row_height, 1, self.row_height), animate=False,
                              immediate=True)
        self.refresh()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.size.width, max(self.total, 1) * self.row_height)

    def row_at(self, index: int) -> ConversationRow | None:
        page, offset = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
        else:
            rows = self._stale.get(page)
        if rows is None or offset >= len(rows):
            return None
        return rows[offset]

    @property
    def fetching(self) -> bool:
        """Rows asked for have not arrived yet."""
        return bool(self._pending)

    @property
    def current(self) -> ConversationRow | None:
        if self.total == 0:
            return None
        return self.row_at(self.cursor)

    def loaded_rows(self) -> list[ConversationRow]:
        """Rows currently cached, in list order (for tests and the status line)."""
        return [row for page in sorted(self._pages) for row in self._pages[page]]

    def _visible_pages(self) -> set[int]:
        top = int(self.scroll_offset.y) // self.row_height
        height = max(self.size.height, 24) // self.row_height + 1
        last = max(top + height, top)
        return {index // PAGE_SIZE for index in range(top, last + 1)}

    def _request(self, pages: set[int]) -> None:
        if self._generation == 0:
            return  # nothing to show until show() names the filter
        for page in sorted(pages):
            if page in self._pending or page in self._pages or page < 0:
                continue
            if self.total and page * PAGE_SIZE >= self.total:
                continue
            if self.total == 0 and page > 0:
                continue
            self._pending.add(page)
            self._fetch(self._generation, page, self._plan(page))

    def _plan(self, page: int) -> tuple:
        """How to reach a page: after a known start, just above a loaded page, from the
        end, or walking forward from the nearest known start (a bounded stretch at a time)."""
        if page in self._starts:
            return ("after", self._starts[page])
        below = self._pages.get(page + 1)
        if below:
            return ("before", below[0].cursor)
        last_page = (self.total - 1) // PAGE_SIZE if self.total else 0
        if page == last_page and page > 0:
            return ("last", self.total - page * PAGE_SIZE)
        known = max(p for p in self._starts if p < page)
        return ("walk", known, self._starts[known], min(page - known + 1, WALK_PAGES))

    def _fetch(self, generation: int, page: int, plan: tuple) -> None:
        mailbox, name, query = self.mailbox, self.filter_name, self.search_query

        def fetch() -> tuple[dict[int, list[ConversationRow]], dict[int, Cursor]]:
            pages: dict[int, list[ConversationRow]] = {}
            starts: dict[int, Cursor] = {}
            if plan[0] == "after":
                pages[page] = mailbox.page(name, query, after=plan[1], limit=PAGE_SIZE)
            elif plan[0] == "before":
                pages[page] = mailbox.page_before(name, query, before=plan[1], limit=PAGE_SIZE)
            elif plan[0] == "last":
                pages[page] = mailbox.last_page(name, query, limit=plan[1])
            else:
                _, known, after, span = plan
                walked = mailbox.page(name, query, after=after, limit=span * PAGE_SIZE)
                for step in range(span):
                    chunk = walked[step * PAGE_SIZE:(step + 1) * PAGE_SIZE]
                    if len(chunk) == PAGE_SIZE:
                        starts[known + step + 1] = chunk[-1].cursor
                    # Only the stretch's last pages are kept: the rest would push visible
                    # pages out of the cache.
                    if chunk and step >= span - 2:
                        pages[known + step] = chunk
            return pages, starts

        self.in_thread(fetch, then=lambda loaded: self._page_loaded(generation, page, *loaded),
                       failed=lambda sentence: self._page_failed(generation, page, sentence),
                       group="conversation-pages")

    def _page_failed(self, generation: int, page: int, sentence: str) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self.post_message(self.Failed(sentence))

    def _page_loaded(self, generation: int, page: int, pages: dict[int, list[ConversationRow]],
                     starts: dict[int, Cursor]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._starts.update(starts)
        for number, rows in sorted(pages.items()):
            self._store_page(number, rows)
        if page not in pages and page in self._wanted_pages():
            self._request({page})  # a long way down: walk on from where this stretch ended
        self.loaded = True
        if self._follow_id is not None:
            for number, rows in pages.items():
                for offset, row in enumerate(rows):
                    if row.id == self._follow_id:
                        self._follow_id = None
                        self.cursor = number * PAGE_SIZE + offset
        if self.cursor >= self.total and self.total:
            self.cursor = self.total - 1
        self.refresh()
        if not self._announced:
            self._announced = True
            self.call_after_refresh(self.post_message, self.FirstPage())

    def _wanted_pages(self) -> set[int]:
        return self._visible_pages() | {self.cursor // PAGE_SIZE}

    def _store_page(self, page: int, rows: list[ConversationRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        self._stale.pop(page, None)
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        if len(rows) == PAGE_SIZE:
            self._starts[page + 1] = rows[-1].cursor
        if len(rows) < PAGE_SIZE and page * PAGE_SIZE + len(rows) != self.total:
            # The list ends elsewhere than the counts said (the store changed meanwhile).
            self.total = page * PAGE_SIZE + len(rows)
            self._update_virtual_size()

    # ------------------------------------------------------------------ drawing

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._request(self._visible_pages())

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request(self._visible_pages())

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        line = int(self.scroll_offset.y) + y
        index, part = divmod(line, self.row_height)
        base = self.rich_style
        if self.total == 0:
            if line == 0 and self.loaded:
                text = "No matches." if self.search_query else "No conversations here."
                return self._strip(Text(" " + text), base + self._style("dim"), width)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            self._request({index // PAGE_SIZE})
            return self._strip(Text(" …" if part == 0 else ""), base + self._style("dim"), width)
        style = base
        if index == self.cursor:
            style = base + self._style("cursor")
        elif row.id in self.selected:
            style = base + self._style("selected")
        if self.density == ONE_LINE:
            return self._strip(self._one_line(row, width), style, width)
        if part == 0:
            return self._strip(self._title_line(row, width), style, width)
        return self._strip(self._preview_line(row, width), style, width)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"conversation-list--{name}", partial=True)

    def _strip(self, text: Text, style: Style, width: int) -> Strip:
        text.truncate(width, overflow="ellipsis")
        segments = [Segment(seg.text, style + seg.style if seg.style else style)
                    for seg in text.render(self.app.console)]
        return Strip(segments).adjust_cell_length(width, style)

    def _marks(self, row: ConversationRow) -> Text:
        """The selection and unread marks that start every row."""
        g = glyphs()
        selected = row.id in self.selected
        return Text(f"{g.selected if selected else ' '}{g.unread if row.unread else ' '} ",
                    self._style("selected") if selected else "", end="")

    def _markers(self, row: ConversationRow) -> Text:
        """Whom it is assigned to, a teammate on it, [InMail], Sponsored, muted, starred, attachment;
        where a search found it (Archived, Spam)."""
        g = glyphs()
        text = Text(end="")
        if row.assignee:
            assignee = Text(literal(row.assignee, one_line=True), self._style("dim"), end="")
            assignee.truncate(ASSIGNEE_WIDTH, overflow="ellipsis")
            text.append(f" {g.assigned} ", self._style("dim"))
            text.append_text(assignee)
        if row.id in self.open_by_teammates:
            text.append(f" {g.teammate}", self._style("teammate"))
        if row.inmail:
            text.append(" [InMail]", self._style("inmail"))
        if row.kind == "sponsored":
            text.append(" Sponsored", self._style("dim"))
        if self.search_query is not None and (row.spam or row.archived):
            text.append(" [Spam]" if row.spam else " [Archived]", self._style("inmail"))
        if row.muted:
            text.append(f" {g.muted}", self._style("dim"))
        if row.starred:
            text.append(f" {g.star}", self._style("inmail"))
        if row.has_attachment:
            text.append(f" {g.attachment}", self._style("dim"))
        return text

    def _date(self, row: ConversationRow) -> Text:
        return Text(" " + short_time(row.last_at).rjust(DATE_WIDTH) + " ",
                    self._style("unread") if row.unread else "", end="")

    def _about(self, row: ConversationRow) -> Text:
        """What the conversation is about: the words a search matched, else the InMail
        subject and the preview."""
        text = Text(end="")
        if row.match:
            text.append(literal(row.match, one_line=True))
            return text
        if row.inmail and row.subject:
            text.append(literal(row.subject, one_line=True), self._style("unread") if row.unread else "")
            text.append(" — ", self._style("dim"))
        text.append(literal(row.preview, one_line=True), self._style("dim"))
        if row.reminder:
            text.append("  (reminder)", self._style("inmail"))
        return text

    def _title_text(self, row: ConversationRow) -> Text:
        return Text(literal(row.title, one_line=True) or "(no name)",
                    self._style("unread") if row.unread else "", end="")

    def _one_line(self, row: ConversationRow, width: int) -> Text:
        """Marks, the name in a column of its own, markers, subject or preview, the date."""
        date = self._date(row)
        name = self._title_text(row)
        name.truncate(max(min(width // 4, 24), 10), overflow="ellipsis", pad=True)
        left = self._marks(row) + name + self._markers(row) + Text(" ", end="") + self._about(row)
        left.truncate(max(width - date.cell_len, 0), overflow="ellipsis", pad=True)
        return left + date

    def _title_line(self, row: ConversationRow, width: int) -> Text:
        date = self._date(row)
        left = self._marks(row) + self._title_text(row) + self._markers(row)
        left.truncate(max(width - date.cell_len, 0), overflow="ellipsis", pad=True)
        return left + date

    def _preview_line(self, row: ConversationRow, width: int) -> Text:
        return Text("   ", end="") + self._about(row)

    def row_text(self, index: int) -> str:
        """The plain text of a row as drawn (each of its lines), for tests and screen readers."""
        width = max(self.size.width, 80)
        row = self.row_at(index)
        if row is None:
            return ""
        if self.density == ONE_LINE:
            return self._one_line(row, width).plain
        return self._title_line(row, width).plain + "\n" + self._preview_line(row, width).plain

    # ------------------------------------------------------------------ moving

    def watch_cursor(self, old: int, new: int) -> None:
        if self.total and new >= self.total:
            self.cursor = self.total - 1
            return
        if new < 0:
            self.cursor = 0
            return
        height = self.row_height
        self.refresh_lines(old * height, height)
        self.refresh_lines(new * height, height)
        self.scroll_to_region(Region(0, new * height, 1, height), animate=False, immediate=True)
        self._request({new // PAGE_SIZE})

    def action_move_down(self) -> None:
        if self.cursor < self.total - 1:
            self.cursor += 1

    def action_move_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self.total:
            self.cursor = self.total - 1

    def action_page_down(self) -> None:
        self.cursor = min(self.cursor + max(self.size.height // self.row_height - 1, 1),
                          max(self.total - 1, 0))

    def action_page_up(self) -> None:
        self.cursor = max(self.cursor - max(self.size.height // self.row_height - 1, 1), 0)

    def open_current(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        index = (int(self.scroll_offset.y) + event.y) // self.row_height
        if 0 <= index < self.total:
            if index == self.cursor or event.chain > 1:
                self.cursor = index
                self.open_current()
            else:
                self.cursor = index

    # ------------------------------------------------------------------ reading in a row

    def step(self, step: int, then: Callable[[ConversationRow], None]) -> bool:
        """Move the cursor to the next (1) or previous (-1) row and hand it to `then`, at once
        when it is loaded, else when its page arrives. False at either end of the list."""
        target = self.cursor + step
        current = self.current
        if not 0 <= target < self.total or current is None:
            return False
        row = self.row_at(target)
        if row is not None:
            self.cursor = target
            then(row)
            return True
        mailbox, name, query = self.mailbox, self.filter_name, self.search_query
        generation = self._generation

        def fetch() -> list[ConversationRow]:
            if step > 0:
                return mailbox.page(name, query, after=current.cursor, limit=1)
            return mailbox.page_before(name, query, before=current.cursor, limit=1)

        def arrived(rows: list[ConversationRow]) -> None:
            if rows and generation == self._generation:
                self.cursor = target
                then(rows[0])

        self.in_thread(fetch, then=arrived, group="conversation-step", exclusive=True)
        return True

    def next_unread(self, then: Callable[[ConversationRow | None], None]) -> None:
        """Move the cursor to the next unread row below it (not one read here) and hand it to
        `then`; None when the list has no unread row below the cursor."""

        def wanted(row: ConversationRow) -> bool:
            return row.unread > 0 and row.id not in self.read_here

        index = self.cursor + 1
        while index < self.total:
            row = self.row_at(index)
            if row is None:
                break
            if wanted(row):
                self.cursor = index
                then(row)
                return
            index += 1
        if index >= self.total:
            then(None)
            return
        # The rest of the list is not loaded: read on from the last loaded row, a stretch at a time.
        last = self.row_at(index - 1)
        start = last.cursor if last is not None else None
        mailbox, name, query, generation = self.mailbox, self.filter_name, self.search_query, self._generation
        skip = set(self.read_here)

        def fetch() -> tuple[int, ConversationRow] | None:
            after, offset = start, index
            while offset < self.total:
                rows = mailbox.page(name, query, after=after, limit=PAGE_SIZE)
                for number, row in enumerate(rows):
                    if row.unread > 0 and row.id not in skip:
                        return offset + number, row
                if len(rows) < PAGE_SIZE:
                    return None
                after, offset = rows[-1].cursor, offset + len(rows)
            return None

        def arrived(found: tuple[int, ConversationRow] | None) -> None:
            if generation != self._generation:
                return
            if found is not None:
                self.cursor = found[0]
            then(found[1] if found is not None else None)

        self.in_thread(fetch, then=arrived, group="conversation-step", exclusive=True)

    # ------------------------------------------------------------------ selection

    def toggle_selected(self) -> None:
        row = self.current
        if row is None:
            return
        if row.id in self.selected:
            self.selected.discard(row.id)
        else:
            self.selected.add(row.id)
        self.refresh_lines(self.cursor * self.row_height, self.row_height)

    def set_selected(self, ids: set[int]) -> None:
        self.selected = set(ids)
        self.refresh()

    def show_open_by_teammates(self, ids: set[int]) -> None:
        if ids != self.open_by_teammates:
            self.open_by_teammates = ids
            self.refresh()
