"""The filter counts on PostgreSQL: one trigger function on the conversation states (``app.store.counts``)."""

from __future__ import annotations

from app.store import counts


def create(db) -> None:
    """The triggers made (again), and every count made from the states as they are."""
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION parley_state_count() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {counts.add('OLD', -1)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {counts.add('NEW', 1)}; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    on = f'ON "{counts.SOURCE}" FOR EACH ROW'
    for name, event, when in (("state_count_written", "INSERT OR DELETE", ""),
                              ("state_count_update", "UPDATE", f"WHEN ({counts.changed('IS DISTINCT FROM')}) ")):
        db.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{counts.SOURCE}"')
        db.execute_sql(f"CREATE TRIGGER {name} AFTER {event} {on} {when}EXECUTE FUNCTION parley_state_count()")
    for statement in counts.RECOUNT:
        db.execute_sql(statement)
