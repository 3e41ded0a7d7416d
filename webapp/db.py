"""SQLite access: one connection per request on `g`, WAL, a busy timeout, explicit transactions.

Connections run in autocommit mode (`isolation_level=None`) so that every read-then-write
sequence opens its own `BEGIN IMMEDIATE` through `transaction()`: the write lock is taken
before the read, so two dispatchers assigning the same order cannot both win.
sqlite-utils gives the schema helpers and dict rows; writes inside a transaction use plain
SQL because sqlite-utils' own insert helpers commit on their way out.
"""
import contextlib
import sqlite3

import sqlite_utils
from flask import current_app, g

BUSY_TIMEOUT_MS = 5000


def connect(path, busy_timeout_ms=BUSY_TIMEOUT_MS):
    """Open a database file with the settings every ONTrack connection needs.

    A writer waits up to `busy_timeout_ms` for the write lock; then SQLite says "database is
    locked", which a request answers with 503 and Retry-After (webapp/operations.py).
    """
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


def get_db():
    """Return this request's database, opening it on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"], current_app.config["DATABASE_BUSY_TIMEOUT_MS"])
    return g.db


def close_db(_exc=None):
    """Close the request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


@contextlib.contextmanager
def transaction(db):
    """Run the block inside BEGIN IMMEDIATE; commit on success, roll back on any error."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def insert(db, table, row):
    """Insert one row with plain SQL (safe inside `transaction`) and return its rowid."""
    columns = ", ".join(f"[{name}]" for name in row)
    marks = ", ".join("?" for _ in row)
    cursor = db.conn.execute(
        f"INSERT INTO [{table}] ({columns}) VALUES ({marks})", list(row.values())
    )
    return cursor.lastrowid


def update(db, table, row_id, changes):
    """Update one row by id with plain SQL (safe inside `transaction`)."""
    assignments = ", ".join(f"[{name}] = ?" for name in changes)
    db.conn.execute(
        f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*changes.values(), row_id]
    )


def one(db, sql, params=()):
    """Return the first row of a query as a dict, or None (plain cursor: it runs on every write)."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([column[0] for column in cursor.description], row))


def init_app(app):
    """Close connections at the end of each request."""
    app.teardown_appcontext(close_db)
