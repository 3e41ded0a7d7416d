"""SLA policies edited by a supervisor: the seeded values with their sources, changed only within sense.

The seed values and their sources (domain reference §4.3, §9.2 #12) come from webapp/sla/policies.json;
what a supervisor may change is the amount, the warning lead, who a breach escalates to and whether
the policy runs. A change applies to clocks started after it; running clocks keep their deadline.
"""
from ..auth.users import ROLES
from ..orders.lifecycle import N_
from ..db import one, transaction
from . import audit
from .people import Invalid

EDITABLE = ("amount", "warn_minutes", "escalate_role", "active")
MAX_MINUTES = 30 * 24 * 60  # a month: anything longer is a typing error
MAX_WORKING_DAYS = 30  # the regulatory ceiling for an investigation is 15 working days (§4.3)


def policies(db):
    """Return every policy (active or not), by code."""
    return list(db.query("SELECT * FROM sla_policies ORDER BY code"))


def _number(text, name):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        raise Invalid(N_("%(field)s must be a whole number."), field=name) from None


def validate(policy, form):
    """Return the checked new values {amount, warn_minutes, escalate_role, active}, or raise Invalid."""
    amount = _number(form.get("amount"), N_("Limit"))
    warn = _number(form.get("warn_minutes"), N_("Warn before (min)"))
    kind = policy["kind"]
    if kind == "minutes" and not 1 <= amount <= MAX_MINUTES:
        raise Invalid(N_("A time limit in minutes must be between 1 and %(max)d."), max=MAX_MINUTES)
    if kind == "working_days" and not 1 <= amount <= MAX_WORKING_DAYS:
        raise Invalid(N_("A time limit in working days must be between 1 and %(max)d."), max=MAX_WORKING_DAYS)
    if kind == "same_day" and amount != 0:
        raise Invalid(N_("A same-day limit has no amount: leave it at 0."))
    if warn < 0:
        raise Invalid(N_("The warning cannot come after the deadline."))
    if kind == "minutes" and warn >= amount:
        raise Invalid(N_("The warning must come before the deadline: fewer minutes than the limit itself."))
    if warn > MAX_MINUTES:
        raise Invalid(N_("A time limit in minutes must be between 1 and %(max)d."), max=MAX_MINUTES)
    role = (form.get("escalate_role") or "").strip()
    if role not in ROLES or role == "technician":
        raise Invalid(N_("A breach escalates to the dispatcher or the supervisor."))
    return {"amount": amount, "warn_minutes": warn, "escalate_role": role, "active": int(form.get("active") in ("1", "on", "y"))}


def update_policy(db, actor_id, code, form, now):
    """Change one policy after validation and audit it; return whether anything changed. Raises Invalid."""
    with transaction(db):
        policy = one(db, "SELECT * FROM sla_policies WHERE code = ?", [code])
        if policy is None:
            raise Invalid(N_("No such policy."))
        values = validate(policy, form)
        changed = {name: value for name, value in values.items() if value != policy[name]}
        if not changed:
            return False
        assignments = ", ".join(f"[{name}] = ?" for name in changed)
        db.conn.execute(f"UPDATE sla_policies SET {assignments} WHERE code = ?", [*changed.values(), code])
        audit.record(db, actor_id, "sla_policy", code, "update", {name: policy[name] for name in EDITABLE},
                     {name: values[name] for name in EDITABLE}, now)
    return True
