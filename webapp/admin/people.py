"""People: create, change role, district, grid, skills and outsourced company, reset a password, deactivate.

Deactivating keeps the person's row, so their orders' history still names them; it ends every
session they have (their session version moves on) and they can no longer log in. Every change is
written to the audit log in the same transaction. Errors are `Invalid` with an English msgid the
view translates.
"""
import re

from werkzeug.security import generate_password_hash

from ..auth.users import ROLES, weak_password
from ..db import insert, one, transaction
from ..orders.lifecycle import N_, OPEN_STATES
from ..timeutil import to_text
from . import audit

EDITABLE = ("display_name", "role", "phone", "district", "grid", "skills", "company")
USERNAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
PHONE = re.compile(r"^[0-9+\- ]{0,20}$")


class Invalid(Exception):
    """A change that cannot be made; `message % params` says why (an English msgid)."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def _public(row):
    """What the audit log keeps of a person: never the password hash."""
    return {name: row[name] for name in (*EDITABLE, "username", "active")}


def list_people(db, role=None, include_inactive=True):
    """Return people with the number of open orders they hold, active first, by name."""
    clauses, params = [], []
    if role:
        clauses.append("u.role = ?")
        params.append(role)
    if not include_inactive:
        clauses.append("u.active = 1")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    marks = ",".join("?" * len(OPEN_STATES))
    return list(db.query(
        f"SELECT u.*, (SELECT COUNT(*) FROM orders o WHERE o.technician_id = u.id AND o.state IN ({marks})) AS open_orders"
        f" FROM users u {where} ORDER BY u.active DESC, u.role, u.display_name", [*sorted(OPEN_STATES), *params]))


def check_text(*values):
    """Refuse invisible control characters (pasted garbage, hostile input) in text a person will read."""
    if any(ch < " " or ch == "\x7f" for value in values for ch in (value or "")):
        raise Invalid(N_("Remove the invisible control characters (pasted from elsewhere) and try again."))


def _clean(fields, districts):
    """Check the editable fields; return them trimmed, or raise Invalid."""
    clean = {name: (fields.get(name) or "").strip() for name in EDITABLE if name in fields}
    check_text(*clean.values())
    if "role" in clean and clean["role"] not in ROLES:
        raise Invalid(N_("Choose a role."))
    if "display_name" in clean and not (1 <= len(clean["display_name"]) <= 40):
        raise Invalid(N_("The name must be 1 to 40 characters."))
    if "phone" in clean and not PHONE.match(clean["phone"]):
        raise Invalid(N_("The phone number may contain only digits, spaces, + and -."))
    if clean.get("district") and clean["district"] not in districts:
        raise Invalid(N_("Choose a district from the list."))
    for name in ("grid", "company"):
        if len(clean.get(name, "")) > 60:
            raise Invalid(N_("Grid and company names are at most 60 characters."))
    if "skills" in clean:
        skills = [s.strip() for s in re.split(r"[,，]", clean["skills"]) if s.strip()]
        clean["skills"] = ",".join(dict.fromkeys(skills))
    return clean


def open_orders(db, user_id):
    """How many open orders this person holds."""
    marks = ",".join("?" * len(OPEN_STATES))
    return one(db, f"SELECT COUNT(*) AS n FROM orders WHERE technician_id = ? AND state IN ({marks})",
               [user_id, *sorted(OPEN_STATES)])["n"]


def districts(db):
    """The district names people and orders are filed under."""
    return [row["name"] for row in db.query("SELECT name FROM districts ORDER BY name")]


def _person(db, user_id):
    """The person's row, inside the caller's transaction; Invalid when there is none."""
    before = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    if before is None:
        raise Invalid(N_("No such person."))
    return before


def _check_password(password, username):
    """Invalid unless the password is strong enough (webapp.auth.users.weak_password)."""
    if weak_password(password or "", username):
        raise Invalid(N_("Choose a stronger password: at least 10 characters, at least 5 different ones, "
                         "not only digits and not the username."))


def create_person(db, actor_id, username, password, fields, now):
    """Create an active person and audit it; return the new id. Raises Invalid."""
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise Invalid(N_("The username must be 1 to 40 letters, digits, '-' or '_'."))
    _check_password(password, username)
    with transaction(db):
        clean = _clean({"display_name": username, **fields}, districts(db))
        if "role" not in clean:
            raise Invalid(N_("Choose a role."))
        if one(db, "SELECT id FROM users WHERE username = ?", [username]):
            raise Invalid(N_("The username %(name)s is taken."), name=username)
        row = {"username": username, "password_hash": generate_password_hash(password), "created_at": to_text(now),
               **{name: clean.get(name, "") for name in EDITABLE}}
        user_id = insert(db, "users", row)
        audit.record(db, actor_id, "user", user_id, "create", None, _public({**row, "active": 1}), now)
    return user_id


def update_person(db, actor_id, user_id, fields, now):
    """Change a person's editable fields; a new role ends their sessions. Raises Invalid."""
    with transaction(db):
        before = _person(db, user_id)
        clean = _clean(fields, districts(db))
        if user_id == actor_id and clean.get("role", before["role"]) != before["role"]:
            raise Invalid(N_("You cannot change your own role."))
        if before["role"] == "technician" and clean.get("role", "technician") != "technician":
            held = open_orders(db, user_id)
            if held:
                raise Invalid(N_("This technician still holds %(n)d open orders: reassign them first."), n=held)
        changed = {name: value for name, value in clean.items() if value != before[name]}
        if not changed:
            return False
        assignments = ", ".join(f"[{name}] = ?" for name in changed)
        # A person's role decides what their session may do: a new role starts with a new login.
        bump = ", session_version = session_version + 1" if "role" in changed else ""
        db.conn.execute(f"UPDATE users SET {assignments}{bump} WHERE id = ?", [*changed.values(), user_id])
        audit.record(db, actor_id, "user", user_id, "update", _public(before), _public({**before, **changed}), now)
    return True


def set_active(db, actor_id, user_id, active, now):
    """Deactivate (ending every session) or reactivate a person; their orders and history stay. Raises Invalid."""
    with transaction(db):
        before = _person(db, user_id)
        if user_id == actor_id:
            raise Invalid(N_("You cannot deactivate yourself."))
        if bool(before["active"]) == bool(active):
            return False
        db.conn.execute("UPDATE users SET active = ?, deactivated_at = ?, session_version = session_version + 1"
                        " WHERE id = ?", [int(bool(active)), None if active else to_text(now), user_id])
        if not active:  # their phones stop getting pushed notices too
            db.conn.execute("DELETE FROM push_subscriptions WHERE user_id = ?", [user_id])
        audit.record(db, actor_id, "user", user_id, "reactivate" if active else "deactivate",
                     _public(before), _public({**before, "active": int(bool(active))}), now)
    return True


def reset_password(db, actor_id, user_id, password, now):
    """Give a person a new password chosen by the supervisor, ending their sessions. Raises Invalid."""
    with transaction(db):
        before = _person(db, user_id)
        _check_password(password, before["username"])
        db.conn.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
                        [generate_password_hash(password), user_id])
        # The audit says that it happened, never the password or its hash.
        audit.record(db, actor_id, "user", user_id, "reset_password", {"password": "…"}, {"password": "reset"}, now)
