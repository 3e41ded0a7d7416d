"""An LED reading that keeps failing ends (issue 18 item 8): each attempt is counted in the database before the
reading starts, and after checks.MAX_READ_ATTEMPTS the check gets the final reading "not_read", which the phone
pulls like any reading and shows as "look at the lights and tap what you see"; the minute's sweep stops queuing it.

The jobs run as every in-process test runs them (ONTRACK_JOBS_IMMEDIATE, tests/conftest.py): in the pushing
request's thread, or called directly; a killed worker is a real process killed with SIGKILL in the middle of a read.
"""
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests import led_render
from tests.conftest import Phone
from tests.test_led import upload
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.background import tasks
from webapp.led import checks

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODEL = "huawei-hg8546m"
LONG_AGO = "2000-01-01T00:00:00Z"
NOT_READ_ZH = "照片无法自动识别：请亲眼看灯，点选你看到的状态。"
NOT_READ_EN = "The photo could not be read automatically: look at the lights and tap what you see."
# The order page (dispatchers, the desk) cannot tap: it says whose eyes the lights are read by.
DESK_ZH = "照片无法自动识别：指示灯以装维人员亲眼所见为准。"
DESK_EN = "The photo could not be read automatically: the lights are as the technician read them by eye."


def photo():
    return led_render.make_case(11, "single", model_id=MODEL)["photos"][0]


def blob_path(app, db, sha):
    return pathlib.Path(app.config["BLOB_FOLDER"]) / db.execute("SELECT path FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0]


def push_check(phone, order_id, sha):  # noqa: F811
    check_id = str(uuid.uuid4())
    result = phone.push([phone.mutation("order.led_check", {"order_id": order_id, "check_id": check_id, "model_id": MODEL,
                                                             "capture": "photo", "sha256": sha, "frames": 1})]).json["results"][0]
    assert result["status"] == "applied", result
    return check_id


def reading_of(db, check_id):
    return json.loads(db.execute("SELECT reading FROM led_checks WHERE id = ?", [check_id]).fetchone()[0])


def attempts_of(db, check_id):
    row = db.execute("SELECT attempts FROM led_read_attempts WHERE check_id = ?", [check_id]).fetchone()
    return row[0] if row else 0


def tracebacks(caplog, check_id):
    """The failures logged with a traceback for this check, by anyone (ours or huey's)."""
    return [r for r in caplog.records if r.exc_info and check_id in r.getMessage()]


def last_attempt_long_ago(db, check_id):
    """What five minutes of waiting leave: the check pushed, and its last attempt started, before the sweep's limit."""
    db.conn.execute("UPDATE led_checks SET created_at = ? WHERE id = ?", [LONG_AGO, check_id])
    db.conn.execute("UPDATE led_read_attempts SET last_at = ? WHERE check_id = ?", [LONG_AGO, check_id])


def every_minute(app):
    with app.app_context():
        tasks.every_minute()


def read_again(app, check_id):
    """The job run again, as huey's retry runs it."""
    with app.app_context():
        tasks.read_led_check(check_id)


def order_in(pulled, order_id):  # noqa: F811
    return next((c["data"] for c in pulled["changes"] if c["table"] == "orders" and c["id"] == order_id), None)


@pytest.fixture
def worker_retries(monkeypatch):
    """A failed attempt's retry waits in the queue, as with a worker (ONTRACK_JOBS_IMMEDIATE has none to run it):
    the test plays huey's retry itself (read_again) or the sweep's."""
    monkeypatch.setattr(tasks, "retries_wait_for_a_worker", lambda: True)


def check_of_an_unreadable_file(app, login, order_id, db, data):  # noqa: F811
    """techa uploads the photo `data` and its stored file is replaced by a directory (read_bytes raises
    IsADirectoryError), then pushes an LED check of it: attempt 1 fails → (phone, the file's path, check id)."""
    tech = login("techa")
    phone = Phone(tech)
    sha = upload(tech, data)
    path = blob_path(app, db, sha)
    path.unlink()
    path.mkdir()
    return phone, path, push_check(phone, order_id, sha)


def test_a_photo_that_cannot_be_read_ends_as_not_read_and_the_sweep_stops_queuing_it(app, login, order_id, db, caplog, worker_retries):  # noqa: F811
    phone, path, check_id = check_of_an_unreadable_file(app, login, order_id, db, photo())
    phone.pull(None)
    assert reading_of(db, check_id).get("pending") and attempts_of(db, check_id) == 1
    logged = tracebacks(caplog, check_id)
    assert len(logged) == 1 and logged[0].name == "ontrack.jobs" and logged[0].exc_info[0] is IsADirectoryError

    # The retry: counted, logged once, and no change the phones pull (the count is not on led_checks).
    changes = db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    read_again(app, check_id)
    assert attempts_of(db, check_id) == 2 and reading_of(db, check_id).get("pending")
    assert db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == changes
    assert len(tracebacks(caplog, check_id)) == 2

    # The job lost, the sweep queues it again: the third attempt fails too and is the last.
    last_attempt_long_ago(db, check_id)
    every_minute(app)
    assert attempts_of(db, check_id) == checks.MAX_READ_ATTEMPTS == 3
    reading = reading_of(db, check_id)
    assert not reading.get("pending") and reading["quality"] == {"ok": False, "problems": ["not_read"]} and reading["leds"] == []
    assert len(tracebacks(caplog, check_id)) == 3 and all(r.name == "ontrack.jobs" for r in tracebacks(caplog, check_id))

    last_attempt_long_ago(db, check_id)
    assert checks.waiting_since(db, "2999-01-01T00:00:00Z") == []
    every_minute(app)
    assert attempts_of(db, check_id) == 3 and len(tracebacks(caplog, check_id)) == 3

    # The phone's next pull brings the final reading, as any reading.
    pulled = order_in(phone.pull(), order_id)
    assert pulled is not None
    check = next(c for c in pulled["led_checks"] if c["id"] == check_id)
    assert check["reading"]["quality"]["problems"] == ["not_read"] and check["reading"]["leds"] == []

    # The order page says what to do, Chinese first; the timeline names it.
    page = login("disp").get(f"/orders/{order_id}")
    assert DESK_ZH in page.text and page.text.count("无法自动识别") >= 2  # the message, and the timeline's line
    english = login("disp").get(f"/orders/{order_id}", headers={"Accept-Language": "en"})
    assert DESK_EN in english.text

    # The technician's taps still count on such a check.
    labels = json.loads(db.execute("SELECT labels FROM led_checks WHERE id = ?", [check_id]).fetchone()[0])
    states = [{"label": label, "state": "on" if i < 2 else "off", "color": "green" if i < 2 else None} for i, label in enumerate(labels)]
    confirm = phone.push([phone.mutation("order.led_confirm", {"order_id": order_id, "confirm_id": str(uuid.uuid4()),
                                                                "check_id": check_id, "states": states})])
    assert confirm.json["results"][0]["status"] == "applied", confirm.json
    assert json.loads(db.execute("SELECT confirmed FROM led_checks WHERE id = ?", [check_id]).fetchone()[0]) == states
    assert json.loads(db.execute("SELECT corrections FROM led_confirmations WHERE check_id = ?", [check_id]).fetchone()[0]) == []


def test_a_photo_read_on_its_second_attempt_is_read_normally(app, login, order_id, db, caplog, worker_retries):  # noqa: F811
    data = photo()
    phone, path, check_id = check_of_an_unreadable_file(app, login, order_id, db, data)
    assert reading_of(db, check_id).get("pending") and attempts_of(db, check_id) == 1
    path.rmdir()
    path.write_bytes(data)  # the file is back (a disk remounted, a restore finished)
    read_again(app, check_id)
    reading = reading_of(db, check_id)
    assert not reading.get("pending") and "not_read" not in reading["quality"]["problems"]
    assert [led["label"] for led in reading["leds"]] == [led["label"] for led in checks.catalog.model(MODEL)["leds"]]
    assert attempts_of(db, check_id) == 2 and len(tracebacks(caplog, check_id)) == 1
    page = login("disp").get(f"/orders/{order_id}")
    assert NOT_READ_ZH not in page.text and DESK_ZH not in page.text


WORKER = """
import sys
from webapp import create_app
from webapp.background import tasks
app = create_app({"TESTING": True, "DATABASE": sys.argv[1], "BLOB_FOLDER": sys.argv[2],
                  "SECRET_KEY": "test-secret-key-test-secret-key-0123"})
with app.app_context():
    tasks.read_led_check(sys.argv[3])
"""


def kill_mid_read(app, db, check_id):
    """Run the job in a worker process and SIGKILL it while it reads (the blob is a FIFO: the read waits)."""
    before = attempts_of(db, check_id)
    worker = subprocess.Popen([sys.executable, "-c", WORKER, app.config["DATABASE"], app.config["BLOB_FOLDER"], check_id],
                              cwd=ROOT, env={**os.environ, "ONTRACK_JOBS_IMMEDIATE": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while attempts_of(db, check_id) == before:
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never started its attempt"
            time.sleep(0.05)
        time.sleep(0.3)
        assert worker.poll() is None  # still reading
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL


def test_a_worker_killed_in_the_middle_of_each_reading_ends_too(app, login, order_id, db, caplog, worker_retries):  # noqa: F811
    phone, path, check_id = check_of_an_unreadable_file(app, login, order_id, db, photo())  # attempt 1 fails
    path.rmdir()
    os.mkfifo(path)  # opening it waits for a writer that never comes: the worker is killed there
    for attempt in (2, 3):
        kill_mid_read(app, db, check_id)
        assert attempts_of(db, check_id) == attempt and reading_of(db, check_id).get("pending")
    path.unlink()
    path.mkdir()  # a job that tried to read again would fail here (and log), not hang the test
    last_attempt_long_ago(db, check_id)
    every_minute(app)
    reading = reading_of(db, check_id)
    assert not reading.get("pending") and reading["quality"]["problems"] == ["not_read"]
    assert len(tracebacks(caplog, check_id)) == 1  # only the first attempt raised; the killed ones left no traceback
    last_attempt_long_ago(db, check_id)
    assert checks.waiting_since(db, "2999-01-01T00:00:00Z") == []
    every_minute(app)
    assert reading_of(db, check_id) == reading


def test_without_a_worker_a_failing_reading_still_ends_as_not_read(app, login, order_id, db, caplog):  # noqa: F811
    """Review r6: in immediate mode (ONTRACK_JOBS_IMMEDIATE, no worker) the retry went to huey's in-memory schedule,
    which nothing runs: the check stayed "pending" for good. The attempts now follow one another at once, in the
    pushing request, and the count ends them."""
    phone, path, check_id = check_of_an_unreadable_file(app, login, order_id, db, photo())
    reading = reading_of(db, check_id)
    assert not reading.get("pending") and reading["quality"]["problems"] == ["not_read"]
    assert attempts_of(db, check_id) == checks.MAX_READ_ATTEMPTS and len(tracebacks(caplog, check_id)) == 3
    assert checks.waiting_since(db, "2999-01-01T00:00:00Z") == []


def test_a_job_waiting_behind_a_backlog_is_not_queued_twice_by_the_sweep(app, login, order_id, db, worker_retries):  # noqa: F811
    """Review r6: a reading job still in the queue after five minutes (a backlog) was queued again by the sweep and the
    photo read twice. Only a job really lost (neither in the queue nor in its schedule) is queued again."""
    phone, path, check_id = check_of_an_unreadable_file(app, login, order_id, db, photo())  # attempt 1 failed
    last_attempt_long_ago(db, check_id)
    queue = tasks.huey.storage
    queue.flush_schedule()  # attempt 1's retry, scheduled: say it ran, and failed without a trace (a worker killed)
    immediate = tasks.huey._immediate
    tasks.huey._immediate = False  # a queue a worker reads (the same in-memory storage): a job queued waits there
    try:
        tasks.read_led_check(check_id)  # the job, queued, behind a backlog
        assert queue.queue_size() == 1
        with app.app_context():
            tasks.every_minute.call_local()  # the sweep run by the worker
        assert queue.queue_size() == 1 and attempts_of(db, check_id) == 1  # left to its queued job
        queue.flush_queue()  # the queue wiped: now the job is lost, and the sweep queues it again (once)
        with app.app_context():
            tasks.every_minute.call_local()  # the sweep run by the worker
        assert queue.queue_size() == 1
        assert [t.args for t in tasks.huey.pending()] == [(check_id,)]
        queue.flush_queue()
    finally:
        tasks.huey._immediate = immediate
