"""Users for Flask-Login, password hashing and login throttling."""
import datetime

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import insert, one, transaction
from ..timeutil import from_text, to_text

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
        self.session_version = row["session_version"]

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
    problem = weak_password(password, username)
    if problem:
        raise ValueError(f"password: {problem}")
    with transaction(db):
        if one(db, "SELECT id FROM users WHERE username = ?", [username]):
            raise ValueError(f"user {username!r} already exists")
        return insert(db, "users", {
            "username": username, "password_hash": generate_password_hash(password),
            "display_name": display_name or username, "role": role, "phone": phone,
            "district": district, "skills": skills, "created_at": to_text(now or datetime.datetime.now(datetime.timezone.utc))})


def weak_password(password, username=""):
    """Say what makes a password too easy to guess, in English (for the command line), or return None.

    At least 10 characters, of at least 5 different ones, not the username, not only digits.
    """
    if len(password) < 10:
        return "at least 10 characters"
    if len(set(password)) < 5:
        return "at least 5 different characters (not 'aaaaaaaaaa' or '1212121212')"
    if password.isdigit():
        return "not only digits"
    if username and username.lower() in password.lower():
        return "must not contain the username"
    return None


def set_password(db, user_id, password):
    """Give a person a new password and end every session they have (their session version moves on)."""
    row = one(db, "SELECT username FROM users WHERE id = ?", [user_id])
    if row is None:
        raise ValueError("no such user")
    problem = weak_password(password, row["username"])
    if problem:
        raise ValueError(f"password: {problem}")
    with transaction(db):
        db.conn.execute("UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?",
                        [generate_password_hash(password), user_id])


def end_sessions(db, user_id):
    """End every session of this person, on every device (logout)."""
    with transaction(db):
        db.conn.execute("UPDATE users SET session_version = session_version + 1 WHERE id = ?", [user_id])


def wait_seconds(db, username, ip, now, max_failures, window_minutes, max_per_address=None):
    """Seconds this name from this address must still wait before trying again (0: go ahead).

    Failures are counted for the name and the address together, so neither a shared address
    (a depot, a proxy) nor a stranger guessing someone's name locks anyone else out. After
    `max_failures` within the window the wait is 1 minute, then doubles with each further
    failure, capped at the window; it runs from the last failure. `max_per_address` also
    counts the address's failures over every name (one address trying one common password on
    every account, review r1), with the same waits; it is set well above what a depot's
    technicians mistype behind one address.
    """
    since = to_text(now - datetime.timedelta(minutes=window_minutes))
    row = one(db, "SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE username = ? AND ip = ? AND at > ?",
              [username.lower()[:80], ip, since])
    wait = _wait(row, max_failures, window_minutes, now)
    if max_per_address:
        row = one(db, "SELECT COUNT(*) AS n, MAX(at) AS last FROM login_failures WHERE ip = ? AND at > ?", [ip, since])
        wait = max(wait, _wait(row, max_per_address, window_minutes, now))
    return wait


def _wait(row, max_failures, window_minutes, now):
    beyond = row["n"] - max_failures
    if beyond < 0:
        return 0
    wait = min(60 * 2 ** min(beyond, 20), window_minutes * 60)
    elapsed = (now - from_text(row["last"])).total_seconds()
    return max(0, int(wait - elapsed + 0.999))


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
