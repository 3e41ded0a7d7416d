"""Users for Flask-Login, password hashing and login throttling."""
import datetime

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import insert, one, transaction
from ..timeutil import to_text

ROLES = ("dispatcher", "technician", "supervisor")


class User(UserMixin):
    """A signed-in person: what they are called, what role they have."""

    def __init__(self, row):
        self.id = row["id"]
        self.username = row["username"]
        self.display_name = row["display_name"]
        self.role = row["role"]
        self.phone = row["phone"]
        self.district = row["district"]
        self.active = bool(row["active"])

    @property
    def is_active(self):
        return self.active

    @property
    def is_dispatcher(self):
        return self.role in ("dispatcher", "supervisor")


def load_user(db, user_id):
    """Return the User with this id, or None."""
    row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    return User(row) if row else None


def create_user(db, username, password, role, display_name, phone="", district="", skills="", now=None):
    """Create a user with a hashed password; raise ValueError for a bad role, name or password."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 40 or not username.replace("_", "").replace("-", "").isalnum():
        raise ValueError("username: 1-40 letters, digits, '-' or '_'")
    if len(password) < 10:
        raise ValueError("password: at least 10 characters")
    with transaction(db):
        if one(db, "SELECT id FROM users WHERE username = ?", [username]):
            raise ValueError(f"user {username!r} already exists")
        return insert(db, "users", {
            "username": username, "password_hash": generate_password_hash(password),
            "display_name": display_name or username, "role": role, "phone": phone,
            "district": district, "skills": skills, "created_at": to_text(now or datetime.datetime.now(datetime.timezone.utc))})


def is_throttled(db, username, ip, now, max_failures, window_minutes):
    """Say whether recent failures for this username or address lock further attempts."""
    since = to_text(now - datetime.timedelta(minutes=window_minutes))
    by_name = one(db, "SELECT COUNT(*) AS n FROM login_failures WHERE username = ? AND at > ?",
                  [username.lower(), since])["n"]
    by_ip = one(db, "SELECT COUNT(*) AS n FROM login_failures WHERE ip = ? AND at > ?", [ip, since])["n"]
    # An address gets more tries than one name: several technicians may share a depot's network.
    return by_name >= max_failures or by_ip >= max_failures * 4


_DUMMY = []


def _dummy_hash():
    if not _DUMMY:
        _DUMMY.append(generate_password_hash("no-such-user"))
    return _DUMMY[0]


def authenticate(db, username, password, ip, now):
    """Return the User for good credentials, else record the failure and return None."""
    row = one(db, "SELECT * FROM users WHERE username = ?", [username])
    # Check a hash even for unknown names so the response time does not tell which names exist.
    stored = row["password_hash"] if row else _dummy_hash()
    if check_password_hash(stored, password) and row and row["active"]:
        with transaction(db):
            db.conn.execute("DELETE FROM login_failures WHERE username = ?", [username.lower()])
        return User(row)
    with transaction(db):
        insert(db, "login_failures", {"username": username.lower()[:80], "ip": ip, "at": to_text(now)})
    return None
