"""The operator's fault classification list for closure replies (§9.2 item 15), kept in the database."""
import re

from flask_babel import get_locale

from ..db import one

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _name_column():
    return "name_en" if str(get_locale()) == "en" else "name_zh"


def active_choices(db):
    """Return [(code, name)] of the active classes in their order, in the person's language."""
    column = _name_column()
    return [(r["code"], r[column]) for r in db.query(
        f"SELECT code, {column} FROM fault_classifications WHERE active = 1 ORDER BY position, code")]


def name_of(db, code):
    """Return the class's name in the person's language (the code itself when unknown)."""
    row = one(db, "SELECT * FROM fault_classifications WHERE code = ?", [code or ""])
    return row[_name_column()] if row else (code or "")


def is_active(db, code):
    """Say whether `code` is a class a closure reply may use now."""
    return one(db, "SELECT 1 AS ok FROM fault_classifications WHERE code = ? AND active = 1", [code or ""]) is not None


def all_classes(db):
    """Every class, active or not, in order (the supervisor's list)."""
    return list(db.query("SELECT * FROM fault_classifications ORDER BY position, code"))
