"""Each server thread keeps its SQLite connection between requests, safely (webapp/db.py get_db)."""
import pathlib
import shutil
import sqlite3
import threading

from webapp.db import connect, get_db, transaction


def request_db(app):
    """The connection one request gets (its app context ends before this returns)."""
    with app.test_request_context("/"):
        db = get_db()
        db.conn.execute("SELECT COUNT(*) FROM users").fetchone()
    return db


def test_a_thread_reuses_its_connection_for_the_next_request(app):
    # Before: a new connection per request, about 2 ms of opening and schema reading each time.
    assert request_db(app) is request_db(app)


def test_another_thread_gets_its_own_connection(app):
    mine, theirs = request_db(app), []
    worker = threading.Thread(target=lambda: theirs.append(request_db(app)))
    worker.start()
    worker.join()
    assert theirs[0] is not mine


def test_a_request_that_failed_inside_a_transaction_leaves_no_lock_behind(app):
    with app.test_request_context("/"):
        db = get_db()
        db.conn.execute("BEGIN IMMEDIATE")
        db.conn.execute("UPDATE users SET phone = '13900000000'")
        # the view raised here: no COMMIT, no ROLLBACK
    other = connect(app.config["DATABASE"], busy_timeout_ms=100)
    with transaction(other):  # would be "database is locked" if the kept connection still held the write lock
        other.conn.execute("UPDATE users SET phone = '13700000000'")
    other.conn.close()
    kept = request_db(app)
    assert not kept.conn.in_transaction
    assert {row[0] for row in kept.conn.execute("SELECT phone FROM users")} == {"13700000000"}


def test_an_app_context_inside_another_gets_its_own_connection(app):
    with app.test_request_context("/"):
        outer = get_db()
        with app.app_context():
            inner = get_db()
            assert inner is not outer
        outer.conn.execute("SELECT 1").fetchone()  # still open for the outer request


def test_a_database_replaced_on_disk_is_opened_again(app, tmp_path):
    request_db(app)
    path = app.config["DATABASE"]
    copy = tmp_path / "restored.sqlite3"
    source = sqlite3.connect(path)
    target = sqlite3.connect(copy)
    source.backup(target)
    target.execute("UPDATE users SET display_name = '恢复后'")
    target.commit()
    target.close()
    source.close()
    for suffix in ("-wal", "-shm"):
        pathlib.Path(path + suffix).unlink(missing_ok=True)
    shutil.move(copy, path)  # as a restore puts a database in place: a new file under the old name
    names = {row[0] for row in request_db(app).conn.execute("SELECT DISTINCT display_name FROM users")}
    assert names == {"恢复后"}
