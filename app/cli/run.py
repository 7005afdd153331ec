"""Running one command: parse, choose the database driver, run its handler, turn errors
into exit codes and one-line sentences.

A command that does not open the screens imports neither textual nor rich, and a
SQLite store never loads a PostgreSQL driver (Peewee would import one as it loads,
which alone costs more than the rest of a command).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from app.cli import session
from app.cli.parser import SCREENS, Handler, UsageError, build_parser, join_text_options
from app.cli.render import EXIT_BAD_INPUT, EXIT_ERROR, EXIT_OK, guarded_output, one_sentence


def main(argv: Sequence[str] | None = None) -> int:
    # While a command starts, its imports and the store's opening make objects that live on:
    # the cyclic garbage collector ran some 130 times over them as the screens started (30 to
    # 60 ms) and found next to nothing. It is off until the command is under way; the screens
    # turn it on once their first page has been shown a moment.
    gc.disable()
    try:
        with guarded_output():
            return _run(argv)
    finally:
        gc.enable()


NOT_UTF8 = "An argument is not UTF-8 text; Parley reads and stores only UTF-8."


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if not all(_is_utf8(word) for word in words):
        print(NOT_UTF8, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        args = parser.parse_args(join_text_options(words))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        handler: Handler = args.handler
        if handler != SCREENS:
            gc.enable()
        if handler.store:
            session.start(args)
        run = getattr(import_module(f"app.cli.{handler.module}"), handler.function)
        return run(args) or EXIT_OK
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (parley inbox | head): not an error worth a message.
        # Point stdout at nothing so the interpreter's final flush stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exit codes
        code, sentence = explain(exc, getattr(args, "target", None))
        if code == EXIT_ERROR and getattr(args, "debug", False):
            import traceback

            traceback.print_exc()
        print(sentence, file=sys.stderr)
        return code
    finally:
        session.close_store()


def _is_utf8(word: str) -> bool:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which no store can keep."""
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def explain(exc: Exception, target: str | None = None) -> tuple[int, str]:
    """The exit code and the one-line sentence for an error (``target``: the store in use)."""
    from app.config import ConfigError
    from app.core.clock import ClockError
    from app.core.errors import ParleyError
    from app.core.plans import UnknownPlan
    from app.files import FileRefused
    from app.store.errors import StoreError, store_error

    if target is not None and not isinstance(exc, ParleyError):
        exc = store_error(exc, target) or exc
    if isinstance(exc, ParleyError):
        return exc.exit_code, one_sentence(str(exc))
    if isinstance(exc, (StoreError, UnknownPlan, ClockError, ConfigError, FileRefused)):
        return EXIT_BAD_INPUT, one_sentence(str(exc))
    detail = one_sentence(str(exc)) or type(exc).__name__
    return EXIT_ERROR, f"Something went wrong: {detail} (run with --debug for details)"

