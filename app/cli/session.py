"""What every command shares: the config, the store it works on, and who is acting."""

from __future__ import annotations

import sys

from app.cli import render

NO_ACTING_MEMBER = "Say who you are with --as HANDLE."

_open_stores: list = []


def start(args) -> None:
    """Read the config once (its problems are warnings, one line each) and choose the
    database driver for the store before anything loads Peewee."""
    from app.config import load_config
    from app.store.target import load_peewee_for, resolve_target

    args.config = load_config()
    for problem in args.config.problems:
        print(problem, file=sys.stderr)
    render.use_glyphs_setting(args.config.glyphs)
    args.target = resolve_target(getattr(args, "db", None))
    load_peewee_for(args.target)


def open_store(args) -> None:
    """Open the store named by --db / PARLEY_DB / the config file, and settle credits."""
    from app.core import credits
    from app.store.db import open_store as open_

    _open_stores.append(open_(args.target, create=args.handler.creates))
    credits.settle()


def close_store() -> None:
    while _open_stores:
        _open_stores.pop().close()


def acting_handle(args) -> str | None:
    """--as, then the config file's "as"."""
    return getattr(args, "acting", None) or args.config.acting


def acting_member(args):
    """Whose inbox the command works in: --as, then the config file's "as", then the member
    "me"; with --inbox, that inbox, when the acting member is one of its delegates (who is
    then the author of what the command does, ``author_id``)."""
    from app.core import team

    me = _own_member(args)
    inbox = getattr(args, "inbox", None)
    if not inbox:
        return me
    if not args.handler.shared:
        from app.core.errors import BadInput

        raise BadInput("This command works in your own inbox only; leave out --inbox.")
    return team.inbox_for(me.id, inbox)


def author_id(args) -> int | None:
    """Who is at the keyboard when the command works in another member's inbox (else None)."""
    if not getattr(args, "inbox", None):
        return None
    return _own_member(args).id


def _own_member(args):
    from app.core.errors import BadInput, NotFound
    from app.core.members import member_by_handle

    handle = acting_handle(args)
    if handle:
        return member_by_handle(handle)
    try:
        return member_by_handle("me")
    except NotFound:
        raise BadInput(NO_ACTING_MEMBER) from None
