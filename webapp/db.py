"""SQLite access: one connection per request on `g`, WAL, a busy timeout, explicit transactions.

Connections run in autocommit mode (`isolation_level=None`) so that every read-then-write
sequence opens its own `BEGIN IMMEDIATE` through `transaction()`: the write lock is taken
before the read, so two dispatchers assigning the same order cannot both win.
sqlite-utils gives the schema helpers and dict rows; writes inside a transaction use plain
SQL because sqlite-utils' own insert helpers commit on their way out.
"""
import contextlib
import os
import sqlite3
import threading

import sqlite_utils
from flask import current_app, g

BUSY_TIMEOUT_MS = 5000
# Each server thread keeps its last connection between requests (see get_db).
_kept = threading.local()


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
    """Return this request's database, opening it on first use.

    Each thread keeps its connection for its next request (DATABASE_KEEP_CONNECTIONS, on by
    default): opening one costs about 2 ms here, most of it SQLite reading the schema and
    the connection's PRAGMAs, more than a whole "nothing new" pull (issue 14, capacity). A kept
    connection is reused only for the same file (same path, same inode: a database replaced
    on disk, as a restore does, gets a new connection) and never inside a transaction.
    """
    if "db" not in g:
        config = current_app.config
        path, timeout = config["DATABASE"], config["DATABASE_BUSY_TIMEOUT_MS"]
        if not config.get("DATABASE_KEEP_CONNECTIONS", True) or getattr(_kept, "in_use", False):
            g.db = connect(path, timeout)  # off, or an app context inside another one on this thread
        else:
            g.db = _kept_connection(path, timeout)
            g.db_kept = _kept.in_use = True
    return g.db


def _kept_connection(path, timeout):
    try:
        identity = (path, timeout, os.stat(path).st_ino)
    except OSError:
        identity = None
    kept = getattr(_kept, "db", None)
    if kept is not None and identity is not None and kept[0] == identity:
        return kept[1]
    if kept is not None:
        kept[1].conn.close()
        _kept.db = None
    db = connect(path, timeout)
    if identity is None:  # the file did not exist before this connection made it
        try:
            identity = (path, timeout, os.stat(path).st_ino)
        except OSError:
            return db
    _kept.db = (identity, db)
    return db


def close_db(_exc=None):
    """Close the request's connection, if one was opened (a kept one stays open, its transaction ended)."""
    db = g.pop("db", None)
    if db is None:
        return
    if g.pop("db_kept", False):
        _kept.in_use = False
        if db.conn.in_transaction:  # never hand a half-done transaction to the next request
            db.conn.execute("ROLLBACK")
        return
    db.conn.close()


def forget_kept_connection():
    """Close this thread's kept connection (tests; a worker shutting down)."""
    kept = getattr(_kept, "db", None)
    if kept is not None:
        kept[1].conn.close()
        _kept.db = None


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
