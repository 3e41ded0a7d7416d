"""The audit log of administrative changes: who changed what, when, and the values before and after.

Every write here runs inside the caller's transaction, so a change and its audit line commit together
or not at all.
"""
import json

from ..db import insert
from ..timeutil import to_text

ENTITIES = ("user", "holiday_year", "sla_policy", "classification", "device", "api_client")


def record(db, actor_id, entity, key, action, before, after, now):
    """Append one audit line; `before`/`after` are dicts (None when the thing did not / no longer exists)."""
    def dump(value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return insert(db, "audit_log", {"at": to_text(now), "actor_id": actor_id, "entity": entity,
                                    "entity_key": str(key), "action": action, "before": dump(before), "after": dump(after)})


def entries(db, entity=None, key=None, limit=200):
    """Return audit lines newest first, with the actor's name and before/after decoded into `changes`.

    `changes` is a list of (field, before, after) for the fields that differ.
    """
    clauses, params = [], []
    if entity:
        clauses.append("a.entity = ?")
        params.append(entity)
    if key:
        clauses.append("a.entity_key = ?")
        params.append(key)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = list(db.query(
        f"SELECT a.*, u.display_name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id {where}"
        " ORDER BY a.at DESC, a.id DESC LIMIT ?", [*params, limit]))
    for row in rows:
        before = json.loads(row["before"]) if row["before"] else {}
        after = json.loads(row["after"]) if row["after"] else {}
        row["changes"] = [(name, before.get(name), after.get(name))
                          for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)]
    return rows
