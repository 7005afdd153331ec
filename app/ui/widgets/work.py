"""Running store work off the UI thread and handing the result back as a message.

Database work runs in thread workers; the worker posts `WorkDone` to the widget
that asked, whose `on_work_done` (from `RunsWork`) calls the continuation on the
UI thread. A user's mistake (a ParleyError) goes to the error continuation as
its sentence; anything else is a bug and surfaces as one.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.message import Message
from textual.worker import Worker


class WorkDone(Message):
    def __init__(self, then: Callable[[Any], None] | None, value: Any) -> None:
        super().__init__()
        self.then = then
        self.value = value


class RunsWork:
    """Mixin for widgets and screens: `self.in_thread(fn, then=..., failed=...)`."""

    def in_thread(self, fn: Callable[[], Any], *, then: Callable[[Any], None] | None = None,
                  failed: Callable[[str], None] | None = None, group: str = "store",
                  exclusive: bool = False) -> Worker:
        def job() -> None:
            from peewee import OperationalError

            from app.core.errors import ParleyError
            from app.store.errors import StoreError

            try:
                value = fn()
            except (ParleyError, StoreError) as exc:
                self.post_message(WorkDone(failed or self._show_failure, str(exc)))
                return
            except OperationalError:
                # Another writer held the store past the busy timeout: say so, keep running.
                self.post_message(WorkDone(failed or self._show_failure,
                                           "The store is busy; try again in a moment."))
                return
            self.post_message(WorkDone(then, value))

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive)

    def _show_failure(self, sentence: str) -> None:
        self.app.notify(sentence, severity="error")

    def on_work_done(self, message: WorkDone) -> None:
        message.stop()
        if message.then is not None:
            message.then(message.value)
