"""Members, connections, plans, settings and blocks."""

from __future__ import annotations

from dataclasses import asdict

from app.cli.credits import credits_json
from app.cli.render import (
    EXIT_OK,
    literal,
    one_line,
    print_json,
    print_table,
    wants_json,
)
from app.cli.session import acting_member, open_store
from app.core import members
from app.core.credits import credits_view
from app.core.errors import BadInput
from app.core.plans import plan
from app.presentation import plural


def member_add(args) -> int:
    open_store(args)
    chosen = plan(args.plan)
    view = members.add_member(args.handle, args.name, headline=args.headline, company=args.company,
                              position=args.position, location=args.location, plan=chosen.name,
                              open_profile=args.open_profile)
    if wants_json(args):
        print_json(asdict(view))
        return EXIT_OK
    grant = f": {plural(chosen.monthly, 'InMail credit')}" if chosen.monthly else ""
    print(f"Added {view.name} ({view.handle}) on {chosen.label}{grant}.")
    return EXIT_OK


def member_list(args) -> int:
    open_store(args)
    found = members.list_members()
    if wants_json(args):
        print_json([asdict(m) for m in found])
        return EXIT_OK
    if not found:
        print("No members yet. Add one with: parley member add HANDLE --name NAME")
        return EXIT_OK
    print_table(("HANDLE", "NAME", "PLAN", "COMPANY", "LOCATION", "HEADLINE"),
                ((m.handle, literal(m.name), m.plan, literal(m.company), literal(m.location),
                  one_line(m.headline, 200)) for m in found))
    return EXIT_OK


def connect(args) -> int:
    open_store(args)
    a, b = args.handles
    members.connect(a, b)
    if wants_json(args):
        print_json({"connected": [a, b]})
    else:
        print(f"{members.member_by_handle(a).name} and {members.member_by_handle(b).name} are connected.")
    return EXIT_OK


def plan_set(args) -> int:
    open_store(args)
    chosen = plan(args.plan)
    member = members.member_by_handle(args.handle)
    members.set_plan(member.handle, chosen.name)
    view = credits_view(member.id)
    if wants_json(args):
        print_json(credits_json(view))
    else:
        print(f"{member.name} is now on {chosen.label}; {plural(view.balance, 'InMail credit')} held.")
    return EXIT_OK


def settings(args) -> int:
    open_store(args)
    member = acting_member(args)
    current = members.get_settings(member.id)
    if args.key is not None:
        if args.key not in current:
            raise BadInput(f"There is no setting {args.key!r}; choose one of: {', '.join(current)}.")
        if args.value is not None:
            members.update_setting(member.id, args.key, args.value)
            current = members.get_settings(member.id)
    if wants_json(args):
        print_json(current)
    elif args.key is not None:
        print(f"{args.key} is {'on' if current[args.key] else 'off'}.")
    else:
        print_table(("SETTING", "VALUE"), ((k, "on" if v else "off") for k, v in current.items()))
    return EXIT_OK


def block(args) -> int:
    """block and unblock: the subcommand sets ``blocking``."""
    open_store(args)
    me = acting_member(args)
    other = members.member_by_handle(args.handle)
    if args.blocking:
        members.block(me.id, args.handle)
    else:
        members.unblock(me.id, args.handle)
    if wants_json(args):
        print_json({"member": other.handle, "blocked": args.blocking})
    elif args.blocking:
        print(f"Blocked {literal(other.name)}: no messages either way.")
    else:
        print(f"Unblocked {literal(other.name)}.")
    return EXIT_OK
