"""The acting member's plan, InMail credits and ledger."""

from __future__ import annotations

from app.cli.render import EXIT_OK, literal, print_json, print_table, utc, wants_json
from app.cli.session import acting_member, open_store
from app.core.credits import credits_view
from app.core.views import CreditsView
from app.presentation import minute, plural


def credits_json(view: CreditsView) -> dict:
    return {"plan": view.plan, "balance": view.balance, "cap": view.cap, "monthly": view.monthly,
            "next_grant": utc(view.next_grant),
            "ledger": [{"at": utc(e.at), "kind": e.kind, "amount": e.amount, "reason": e.reason}
                       for e in view.ledger]}


def credits(args) -> int:
    open_store(args)
    me = acting_member(args)
    view = credits_view(me.id)
    if wants_json(args):
        print_json(credits_json(view))
        return EXIT_OK
    facts = [("Plan", f"{view.plan_label} ({view.plan})"),
             ("Balance", f"{view.balance} of {view.cap} InMail credits"),
             ("Monthly", plural(view.monthly, "credit")),
             ("Next grant", minute(view.next_grant) if view.next_grant else "none")]
    facts += [("Expiring", f"{e.amount} on {minute(e.expires_at)}") for e in view.expiring[:3]]
    for label, value in facts:
        print(f"{label:<12}{value}")
    if view.ledger:
        print()
        print_table(("WHEN", "KIND", "AMOUNT", "BALANCE", "REASON"),
                    ((minute(e.at), e.kind, f"{e.amount:+d}", e.balance, literal(e.reason)) for e in view.ledger),
                    right=(2, 3))
    return EXIT_OK
