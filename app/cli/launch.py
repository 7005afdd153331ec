"""The full-screen app, the demo store and the benchmark."""

from __future__ import annotations

import os
import shlex
import sys

from app.cli.render import EXIT_OK, wants_json
from app.cli.session import acting_handle, close_store


def open_tui(args) -> int:
    return _run_app(args.target, acting_handle(args))


def _run_app(target: str, acting: str | None) -> int:
    from app.ui.app import run_app

    return run_app(target, acting)


def demo_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("parley", appauthor=False), "demo.db")


def run_demo(args) -> int:
    from app.core.clock import now
    from app.demo.build import build_demo, has_demo
    from app.store.errors import redacted

    target = getattr(args, "db", None) or demo_path()
    shown = redacted(target)
    if has_demo(target):
        print(f"Opening the demo store at {shown}.", file=sys.stderr)
    else:
        print(f"Building the demo store at {shown}…", file=sys.stderr)
        build_demo(target, now=now())
    close_store()
    acting = getattr(args, "acting", None) or "me"
    if os.environ.get("PARLEY_NO_TUI") != "1":
        try:
            import app.ui.app  # noqa: F401 - only to know whether the screens are installed
        except ImportError:
            pass
        else:
            return _run_app(target, acting)
    db = shlex.quote(shown)
    print(f"The demo store is at {shown}. Look at it with, for example:")
    for command in ("inbox", "inbox --filter inmail", "credits", "--as tom-hartley inbox"):
        print(f"  parley --db {db} {command}")
    return EXIT_OK


def bench(args) -> int:
    from app.bench.run import run

    return run(args.messages, wants_json(args), getattr(args, "db", None), member_count=args.members,
               writers=args.writers or 0)
