"""The row of filters with their live counts (keys 1–9 in the order of SPEC §5)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from app.core.views import FILTER_LABELS, LIST_KEYS, Counts


class FilterBar(Widget):
    COMPONENT_CLASSES = {"filter-bar--active", "filter-bar--key", "filter-bar--unread"}
    DEFAULT_CSS = """
    FilterBar { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = "all"
        self.counts: Counts | None = None
        self.focused_inbox = True
        self.searching: str | None = None

    def show(self, active: str, counts: Counts | None = None, *, focused_inbox: bool | None = None,
             searching: str | None = None) -> None:
        self.active = active
        if counts is not None:
            self.counts = counts
        if focused_inbox is not None:
            self.focused_inbox = focused_inbox
        self.searching = searching
        self.refresh(layout=True)

    def visible_filters(self) -> list[tuple[str, str]]:
        """(key number, filter) pairs shown; Focused and Other merge into All when off."""
        return [
            (number, name)
            for name, number in LIST_KEYS.items()
            if self.focused_inbox or name not in ("focused", "other")
        ]

    def render(self) -> Text:
        text = Text(no_wrap=True, end="")
        key_style = self.get_component_rich_style("filter-bar--key", partial=True)
        active_style = self.get_component_rich_style("filter-bar--active", partial=True)
        width = max(self.size.width, 20)
        used = 0
        for number, name in self.visible_filters():
            count = self.counts.by_filter.get(name, 0) if self.counts else None
            label = FILTER_LABELS[name] + (f" {count}" if count is not None else "")
            active = name == self.active and not self.searching
            link = Style(meta={"@click": f"screen.filter('{name}')"})
            # Each filter stays whole: the bar breaks between filters, never inside one.
            item_width = len(str(number)) + 1 + len(label)
            if used and used + 2 + item_width > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("  ")
                used += 2
            text.append(f"{number}", key_style + link)
            text.append(" ")
            text.append(label, (active_style if active else Style()) + link)
            used += item_width
        if self.searching is not None:
            text.append("\n" if used + 16 > width else "  ")
            text.append("Search results", active_style)
        return text
