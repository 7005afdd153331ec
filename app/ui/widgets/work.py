"""Running store work off the UI thread and handing the result back as a message.

Database work runs in thread workers; the worker posts `WorkDone` (the value) or
`WorkFailed` (a sentence) to the widget that asked, whose handlers (from
`RunsWork`) call the continuation on the UI thread. Every failure the store or
the rules can raise becomes a sentence (`failure_sentence`), shown by the error
continuation or, by default, as an error notice; the app stays open. Anything
else is a bug and surfaces as one. A worker that was cancelled (replaced by a
newer one in its exclusive group, or its screen closed) posts nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.message import Message
from textual.worker import Worker, get_current_worker

from app.ui.mailbox import failure_sentence

if TYPE_CHECKING:
    # What the widget, screen or app this is mixed into provides: post_message, run_worker, app.
    from textual.dom import DOMNode as _Host
else:
    _Host = object

T = TypeVar("T")


class WorkDone(Message, Generic[T], bubble=False):
    """A core call finished with `value`; `then` shows it."""

    def __init__(self, then: Callable[[T], object] | None, value: T) -> None:
        super().__init__()
        self.then = then
        self.value = value


class WorkFailed(Message, bubble=False):
    """A core call failed; `sentence` says why, for `failed` to show."""

    def __init__(self, failed: Callable[[str], None], sentence: str) -> None:
        super().__init__()
        self.failed = failed
        self.sentence = sentence


class RunsWork(_Host):
    """Mixin for widgets and screens: `self.in_thread(fn, then=..., failed=...)`."""

    def in_thread(self, fn: Callable[[], T], *, then: Callable[[T], object] | None = None,
                  failed: Callable[[str], None] | None = None, group: str = "store",
                  exclusive: bool = False) -> Worker:
        def job() -> None:
            worker = get_current_worker()
            try:
                value = fn()
            except Exception as exc:
                sentence = failure_sentence(exc)
                if sentence is None:
                    raise
                if not worker.is_cancelled:
                    self.post_message(WorkFailed(failed or self.show_failure, sentence))
                return
            # A newer call in an exclusive group replaced this one: its answer is out of date.
            if not worker.is_cancelled:
                self.post_message(WorkDone(then, value))

        return self.run_worker(job, thread=True, group=group, exclusive=exclusive)

    def show_failure(self, sentence: str) -> None:
        self.app.notify(sentence, severity="error")

    def on_work_done(self, message: WorkDone[Any]) -> None:
        if message.then is not None:
            message.then(message.value)

    def on_work_failed(self, message: WorkFailed) -> None:
        message.failed(message.sentence)
