"""The real stack `make run` starts (gunicorn + the job worker + Litestream): jobs off the request path, backups that restore.

These start the Procfile's processes on a folder of their own and talk to them over real HTTP.
"""
import io
import json
import sqlite3
import statistics
import subprocess
import threading
import time
import uuid

import pytest
from PIL import Image

from tests import led_render
from tests.stack import BIN, ROOT, Browser, Stack
from webapp.demo import DEMO_PASSWORD


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory):
    """One demo city served by gunicorn with its job worker (prepared once for the module)."""
    stack = Stack(tmp_path_factory.mktemp("stack"), processes=("web", "worker"))
    stack.prepare()
    stack.start()
    yield stack
    stack.stop()


def open_orders(stack, username, count):
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    rows = conn.execute("SELECT o.id FROM orders o JOIN users u ON u.id = o.technician_id WHERE u.username = ?"
                        " AND o.state IN ('accepted', 'appointed', 'en_route', 'on_site') ORDER BY o.id LIMIT ?",
                        [username, count]).fetchall()
    conn.close()
    assert rows, f"the demo city has no open order for {username}"
    return [row[0] for row in rows]


class Device:
    """A phone's sync state: its id, its seq."""

    def __init__(self, browser):
        self.browser, self.client_id, self.seq = browser, str(uuid.uuid4()), 0

    def mutation(self, name, args):
        self.seq += 1
        return {"seq": self.seq, "mutation_id": str(uuid.uuid4()), "name": name, "args": args}

    def push(self, mutations):
        started = time.perf_counter()
        status, body = self.browser.json("POST", "/api/sync/push", {"client_id": self.client_id, "mutations": mutations})
        return status, body, time.perf_counter() - started

    def note(self, order_id, text):
        return self.push([self.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": text})])


def burst_sheet():
    case = led_render.make_case(21, "burst", model_id="huawei-hg8245h")
    images = [Image.open(io.BytesIO(frame)) for frame in case["photos"]]
    sheet = Image.new("RGB", (images[0].width, images[0].height * len(images)))
    for i, image in enumerate(images):
        sheet.paste(image, (0, i * image.height))
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=85)
    return out.getvalue(), len(images)


def test_an_led_batch_being_read_does_not_delay_another_technicians_push(demo_stack):
    # Before: a push of 12 LED checks decoded every burst inside the write transaction (6.4 s
    # measured), and every other technician's push waited behind it or got a 500.
    tech1 = Device(Browser(demo_stack.url).login("tech1", DEMO_PASSWORD))
    tech2 = Device(Browser(demo_stack.url).login("tech2", DEMO_PASSWORD))
    order1, order2 = open_orders(demo_stack, "tech1", 1)[0], open_orders(demo_stack, "tech2", 1)[0]
    baseline = []
    for i in range(8):
        status, body, seconds = tech2.note(order2, f"基线 {i}")
        assert status == 200 and body["results"][0]["status"] == "applied"
        baseline.append(seconds)
    sheet, frames = burst_sheet()
    sha = tech1.browser.upload(sheet)
    checks = [tech1.mutation("order.led_check", {"order_id": order1, "check_id": str(uuid.uuid4()),
                                                 "model_id": "huawei-hg8245h", "capture": "burst", "sha256": sha,
                                                 "frames": frames, "seconds": 3.2}) for _ in range(12)]
    batch = {}
    sender = threading.Thread(target=lambda: batch.update(zip(("status", "body", "seconds"), tech1.push(checks))))
    sender.start()
    time.sleep(0.05)
    during, pending_seen = [], 0
    for i in range(15):
        status, body, seconds = tech2.note(order2, f"读灯期间 {i}")
        assert status == 200 and body["results"][0]["status"] == "applied", body
        during.append(seconds)
        pending_seen = max(pending_seen, _pending(demo_stack))
        time.sleep(0.1)
    sender.join()
    assert batch["status"] == 200 and all(r["status"] == "applied" for r in batch["body"]["results"])
    assert pending_seen > 0, "the readings were over before the other pushes: nothing was measured"
    allowed = max(baseline) + 0.200
    assert max(during) < allowed, (f"pushes during the readings: max {max(during) * 1000:.0f} ms,"
                                   f" median {statistics.median(during) * 1000:.0f} ms; baseline max {max(baseline) * 1000:.0f} ms")
    # The phone gets the readings on a later pull.
    deadline = time.monotonic() + 120
    while _pending(demo_stack) and time.monotonic() < deadline:
        time.sleep(0.5)
    status, pulled = tech1.browser.json("GET", f"/api/sync/pull?client_id={tech1.client_id}")
    order = next(c["data"] for c in pulled["changes"] if c["table"] == "orders" and c["id"] == order1)
    read = [c for c in order["led_checks"] if c["id"] in {m["args"]["check_id"] for m in checks}]
    assert len(read) == 12 and all(not c["reading"].get("pending") and c["reading"]["leds"] for c in read)
    assert all(c["thumb_sha256"] for c in read)


def _pending(stack):
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM led_checks WHERE json_extract(reading, '$.pending')").fetchone()[0]
    finally:
        conn.close()


def test_the_worker_checks_in_and_metrics_show_the_whole_server(demo_stack):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, body = Browser(demo_stack.url).json("GET", "/healthz")
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200 and body["worker"]["ok"] and body["database"]["ok"], body
    status, _headers, text = Browser(demo_stack.url).request("GET", "/metrics")
    assert status == 200 and b"ontrack_job_queue_depth" in text and b'endpoint="operations.healthz"' in text
    assert "rid=" in (demo_stack.folder / "access.log").read_text()


def test_the_production_server_names_no_software(demo_stack):
    """README, "Headers": the Server header says ONTrack under gunicorn too (it said "gunicorn": a fresh review)."""
    for path in ("/login", "/healthz", "/static/css/app.css", "/no-such-page"):
        status, headers, _body = Browser(demo_stack.url).request("GET", path)
        assert headers.get_all("Server") == ["ONTrack"], (path, status, headers.get_all("Server"))


def flask(stack, *args):
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=stack.env,
                          capture_output=True, text=True, timeout=300)


def acknowledged_notes(stack, count):
    """Push `count` notes one push at a time; return the mutation ids the server acknowledged."""
    device = Device(Browser(stack.url).login("tech3", DEMO_PASSWORD))
    order_id = open_orders(stack, "tech3", 1)[0]
    acknowledged = []
    for i in range(count):
        mutation = device.mutation("order.add_note", {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": f"演练 {i}"})
        status, body, _seconds = device.push([mutation])
        if status == 200 and body["results"][0]["status"] == "applied":
            acknowledged.append(mutation["mutation_id"])
    return acknowledged


def mutation_ids(database):
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT mutation_id FROM mutation_log")}
    finally:
        conn.close()


def test_restore_drill_kill_9_the_server_and_every_acknowledged_change_is_in_the_replica(tmp_path):
    stack = Stack(tmp_path / "live", processes=("web", "worker", "replicate"))
    stack.prepare()
    stack.start()
    try:
        acknowledged = acknowledged_notes(stack, 60)
        assert len(acknowledged) == 60
        stack.kill("web")  # kill -9 the server (master and workers) right after the last answer
        stack.kill("worker")
        time.sleep(3)  # Litestream, still running, ships what the crash left in the WAL (sync-interval 1 s)
        stack.kill("replicate", sig=15)
    finally:
        stack.stop()
    restored = tmp_path / "restored"
    done = flask(stack, "restore", "--replica", stack.env["ONTRACK_REPLICA_URL"], "--to", str(restored))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "database ok" in done.stdout
    missing = set(acknowledged) - mutation_ids(restored / "ontrack.sqlite3")
    assert not missing, f"{len(missing)} acknowledged changes are not in the restored database"
    again = flask(stack, "restore", "--replica", stack.env["ONTRACK_REPLICA_URL"], "--to", str(restored))
    assert again.returncode != 0 and "already exists" in again.stderr  # never over a database


def test_a_backup_taken_while_serving_restores_into_a_fresh_folder(demo_stack, tmp_path):
    acknowledged = acknowledged_notes(demo_stack, 10)
    backup = tmp_path / "backup"
    done = flask(demo_stack, "backup", "--to", str(backup))
    assert done.returncode == 0 and "database ok" in done.stdout, done.stderr
    restored = tmp_path / "restored"
    done = flask(demo_stack, "restore", "--from", str(backup), "--to", str(restored))
    assert done.returncode == 0, done.stderr
    assert set(acknowledged) <= mutation_ids(restored / "ontrack.sqlite3")
    counts = json.loads(done.stdout.split("database ok, ", 1)[1].split("}", 1)[0].replace("'", '"') + "}")
    assert counts["orders"] >= 300 and counts["users"] == 11
