"""Exactly once, in order, nothing lost: simulated phones push through a layer that drops
responses, duplicates and delays requests, while the server process is killed and restarted.

The server is a real separate process on a real SQLite file; each simulated phone keeps an
outbox and resends from the server's last_seq, as offline/sync.js does. Beside them an
adversarial phone (issue 13) sends foreign blob hashes, the honest phones' own mutation and
note ids, NaN and control characters, oversized batches and concurrent chunks: the honest
phones still end with every change exactly once, and nothing it sends reaches their data.
"""
import hashlib
import http.client
import http.cookiejar
import io
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from PIL import Image

from webapp import create_app
from webapp.auth.users import create_user
from webapp.db import connect, insert, transaction

DEVICES = 4
MUTATIONS = 300  # per device: 4 state changes, then notes
PASSWORD = "fault-injection-password"
NETWORK_ERRORS = (OSError, http.client.HTTPException)  # refused, reset, cut mid-answer
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`flask run` in its own process, killed without warning and started again."""

    def __init__(self, env, port):
        self.env, self.port, self.process = env, port, None
        self.restarts = 0

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(self.port), "--with-threads", "--no-reload"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except NETWORK_ERRORS:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def restart(self):
        self.kill()
        self.restarts += 1
        self.start()


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"requests": 0, "dropped": 0, "duplicated": 0, "delayed": 0, "failed": 0}

    def add(self, name):
        with self.lock:
            self.values[name] += 1


class FlakyPhone:
    """A technician's phone: an outbox, and a network that loses, repeats and delays."""

    def __init__(self, base, username, order_id, counters, rng):
        self.base, self.username, self.order_id = base, username, order_id
        self.counters, self.rng = counters, rng
        self.client_id = str(uuid.uuid4())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = None
        states = [("accepted", None), ("appointed", {"appointment_start": "2099-01-01T09:00", "appointment_end": "2099-01-01T11:00"}),
                  ("en_route", None), ("on_site", None)]
        self.outbox = []
        for seq in range(1, MUTATIONS + 1):
            if seq <= len(states):
                to, fields = states[seq - 1]
                args = {"order_id": order_id, "to": to, **({"fields": fields} if fields else {})}
                name = "order.transition"
            else:
                args = {"order_id": order_id, "note_id": str(uuid.uuid4()), "text": f"{username} #{seq}"}
                name = "order.add_note"
            self.outbox.append({"seq": seq, "mutation_id": str(uuid.uuid4()), "name": name, "args": args,
                                "occurred_at": None})

    def _request(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Content-Type": "application/json", **(headers or {})})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def login(self):
        status, page = self._request("GET", "/login")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD, "csrf_token": token}).encode()
        request = urllib.request.Request(self.base + "/login", data=form, method="POST")
        with self.opener.open(request, timeout=10):
            pass
        status, body = self._request("GET", "/api/session")
        self.token = json.loads(body)["csrf_token"]

    def flaky_push(self, batch):
        """Send a batch through the bad network; return the answer, or None if it never came back."""
        self.counters.add("requests")
        body = {"client_id": self.client_id, "mutations": batch}
        headers = {"X-CSRFToken": self.token}
        roll = self.rng.random()
        if roll < 0.15:
            self.counters.add("delayed")
            time.sleep(self.rng.uniform(0.05, 0.3))
        if roll > 0.85:  # the same request twice, at the same time
            self.counters.add("duplicated")
            twin = threading.Thread(target=self._quiet, args=("POST", "/api/sync/push", body, headers))
            twin.start()
        try:
            status, answer = self._request("POST", "/api/sync/push", body, headers)
        except NETWORK_ERRORS:
            self.counters.add("failed")
            return None
        if self.rng.random() < 0.2:  # the server answered; the answer is lost on the way back
            self.counters.add("dropped")
            return None
        if status != 200:
            self.counters.add("failed")
            return None
        return json.loads(answer)

    def _quiet(self, *args):
        try:
            self._request(*args)
        except NETWORK_ERRORS:
            pass

    def run(self):
        for _attempt in range(200):  # the server may be down at this very moment
            try:
                self.login()
                break
            except NETWORK_ERRORS:
                time.sleep(0.05)
        acknowledged = 0
        while acknowledged < MUTATIONS:
            batch = [m for m in self.outbox if m["seq"] > acknowledged][: self.rng.randint(1, 40)]
            answer = self.flaky_push(batch)
            if answer is None:
                time.sleep(0.02)
                continue
            acknowledged = max(acknowledged, answer["last_seq"])
            assert all(r["status"] == "applied" for r in answer["results"]), answer


def photo_bytes(colour):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


class AdversaryPhone(FlakyPhone):
    """A technician's phone turned hostile: it tries every trick of issue 13 while the others sync."""

    def __init__(self, base, username, order_id, honest, foreign_sha, counters, rng):
        super().__init__(base, username, order_id, counters, rng)
        self.honest, self.foreign_sha = honest, foreign_sha
        self.statuses, self.applied_on_others, self.leaks = [], [], []
        self.seq = 0

    def send(self, method, path, body=None, headers=None, raw=None):
        try:
            if raw is not None:
                request = urllib.request.Request(self.base + path, data=raw, method=method,
                                                 headers={"Content-Type": "application/json", **(headers or {})})
                try:
                    with self.opener.open(request, timeout=10) as response:
                        status, answer = response.status, response.read()
                except urllib.error.HTTPError as error:
                    status, answer = error.code, error.read()
            else:
                status, answer = self._request(method, path, body, headers)
        except NETWORK_ERRORS:
            return None, b""  # the server is being restarted: try the next trick
        self.statuses.append(status)
        return status, answer

    def push(self, mutations):
        headers = {"X-CSRFToken": self.token}
        status, answer = self.send("POST", "/api/sync/push", {"client_id": self.client_id, "mutations": mutations}, headers)
        if status == 200:
            body = json.loads(answer)
            self.seq = body["last_seq"]
            return body
        return None

    def mutation(self, name, args, mutation_id=None):
        return {"seq": self.seq + 1, "mutation_id": mutation_id or str(uuid.uuid4()), "name": name, "args": args}

    def tricks(self):
        victim = self.rng.choice(self.honest)
        entry = self.rng.choice(victim.outbox)
        return [
            # Another phone's own ids, and its client_id.
            lambda: self.push([self.mutation("order.add_note", {"order_id": self.order_id, "note_id": entry["args"].get("note_id", "n-1"),
                                                                "text": "copy"}, mutation_id=entry["mutation_id"])]),
            lambda: self.send("POST", "/api/sync/push", {"client_id": victim.client_id, "mutations": [
                {**entry, "seq": 1, "args": {**entry["args"], "order_id": victim.order_id}}]}, {"X-CSRFToken": self.token}),
            # Their orders, and a colleague's photo by its hash.
            lambda: self.push([self.mutation("order.add_note", {"order_id": victim.order_id, "note_id": str(uuid.uuid4()), "text": "mine now"})]),
            lambda: self.push([self.mutation("order.transition", {"order_id": victim.order_id, "to": "accepted"})]),
            lambda: self.push([self.mutation("order.attach_photo", {"order_id": self.order_id, "photo_id": str(uuid.uuid4()),
                                                                    "sha256": self.foreign_sha})]),
            lambda: self.probe_upload(),
            # NaN, control characters, deep nesting, a body too large.
            lambda: self.push([self.mutation("order.wifi_survey", {"order_id": self.order_id, "survey_id": str(uuid.uuid4()),
                                                                   "source": "typed", "networks": [{"ssid": "x", "channel": 6, "signal_dbm": "NaN"}]})]),
            lambda: self.send("POST", "/api/sync/push", headers={"X-CSRFToken": self.token}, raw=(
                '{"client_id": "%s", "mutations": [{"seq": %d, "mutation_id": "%s", "name": "order.add_note", "args": '
                '{"order_id": %d, "note_id": "nan-1", "text": NaN}}]}' % (self.client_id, self.seq + 1, uuid.uuid4(), self.order_id)).encode()),
            lambda: self.push([self.mutation("order.add_note", {"order_id": self.order_id, "note_id": str(uuid.uuid4()),
                                                                "text": "\u202eevil\x1b[2J\x07"})]),
            lambda: self.send("POST", "/api/sync/push", headers={"X-CSRFToken": self.token},
                              raw=b'{"client_id": "x", "mutations": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
            lambda: self.send("POST", "/api/sync/push", headers={"X-CSRFToken": self.token}, raw=json.dumps(
                {"client_id": self.client_id, "mutations": [self.mutation("order.add_note", {"order_id": self.order_id,
                 "note_id": str(uuid.uuid4()), "text": "字" * 2000}) for _ in range(200)]}).encode()),
            lambda: self.concurrent_chunks(),
        ]

    def probe_upload(self):
        status, answer = self.send("POST", "/api/uploads", {"sha256": self.foreign_sha, "size": 1000, "content_type": "image/jpeg"},
                                   {"X-CSRFToken": self.token})
        if status == 200 and json.loads(answer).get("complete"):
            self.leaks.append("upload probe said complete for a colleague's photo")

    def concurrent_chunks(self):
        data = photo_bytes((self.rng.randint(0, 255), 10, 10))
        status, answer = self.send("POST", "/api/uploads", {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                                                            "content_type": "image/jpeg"}, {"X-CSRFToken": self.token})
        if status != 201:
            return
        upload_id = json.loads(answer)["upload_id"]
        headers = {"X-CSRFToken": self.token, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
        twins = [threading.Thread(target=self.patch, args=(upload_id, data, headers)) for _ in range(3)]
        for t in twins:
            t.start()
        for t in twins:
            t.join()

    def patch(self, upload_id, data, headers):
        request = urllib.request.Request(f"{self.base}/api/uploads/{upload_id}", data=data, method="PATCH", headers=headers)
        try:
            with self.opener.open(request, timeout=10) as response:
                self.statuses.append(response.status)
        except urllib.error.HTTPError as error:
            self.statuses.append(error.code)
        except NETWORK_ERRORS:
            pass

    def attack(self, stop):
        for _attempt in range(200):
            try:
                self.login()
                break
            except NETWORK_ERRORS:
                time.sleep(0.05)
        turn = 0
        while not stop.is_set() or turn < 12:  # every trick at least once, then round and round
            tricks = self.tricks()
            tricks[turn % len(tricks)]()
            turn += 1
            time.sleep(0.01)


def test_every_mutation_is_applied_exactly_once_and_in_order_through_faults_and_restarts(tmp_path, capsys):
    database = tmp_path / "ontrack.sqlite3"
    env = {**os.environ, "ONTRACK_DATABASE": str(database), "ONTRACK_BLOB_FOLDER": str(tmp_path / "blobs"),
           "ONTRACK_SECRET_KEY": "fault-injection-secret-key-0123456789", "ONTRACK_ENV": "development"}
    create_app({"DATABASE": str(database), "BLOB_FOLDER": str(tmp_path / "blobs"), "SECRET_KEY": env["ONTRACK_SECRET_KEY"]})
    db = connect(str(database))
    create_user(db, "desk", PASSWORD, "dispatcher", "调度")
    orders = {}
    for d in range(DEVICES):
        tech = create_user(db, f"phone{d}", PASSWORD, "technician", f"装维 {d}")
        with transaction(db):
            order_id = insert(db, "orders", {
                "order_no": f"WO-FI-{d}", "order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                "state": "dispatched", "customer_name": f"客户{d}", "contact_phone": "13800000000", "district": "东城区",
                "technician_id": tech, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
        orders[f"phone{d}"] = order_id
    # A photo phone0 uploaded earlier (stored as the server stores one), and the adversary's own order.
    photo = photo_bytes((0, 120, 0))
    foreign_sha = hashlib.sha256(photo).hexdigest()
    (tmp_path / "blobs").mkdir(exist_ok=True)
    (tmp_path / "blobs" / f"{foreign_sha}.jpg").write_bytes(photo)
    mallory = create_user(db, "mallory", PASSWORD, "technician", "装维 M")
    owner = db.execute("SELECT id FROM users WHERE username = 'phone0'").fetchone()[0]
    with transaction(db):
        db.conn.execute("INSERT INTO blobs (sha256, content_type, size, width, height, path, uploaded_by, created_at)"
                        " VALUES (?, 'image/jpeg', ?, 64, 48, ?, ?, '2026-01-01T00:00:00Z')",
                        [foreign_sha, len(photo), f"{foreign_sha}.jpg", owner])
        db.conn.execute("INSERT INTO blob_owners (sha256, user_id) VALUES (?, ?)", [foreign_sha, owner])
        mallory_order = insert(db, "orders", {
            "order_no": "WO-FI-M", "order_type": "repair", "access_type": "ftth", "symptom": "no_service",
            "state": "dispatched", "customer_name": "客户M", "contact_phone": "13800000000", "district": "东城区",
            "technician_id": mallory, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
    db.conn.close()

    port = free_port()
    server = ServerProcess(env, port)
    server.start()
    counters = Counters()
    phones = [FlakyPhone(f"http://127.0.0.1:{port}", name, order_id, counters, random.Random(7 + i))
              for i, (name, order_id) in enumerate(orders.items())]
    errors = []

    def drive(phone):
        try:
            phone.run()
        except Exception as exc:  # reported below with the counts
            errors.append(f"{phone.username}: {exc!r}")

    threads = [threading.Thread(target=drive, args=(p,)) for p in phones]
    adversary = AdversaryPhone(f"http://127.0.0.1:{port}", "mallory", mallory_order, phones, foreign_sha, counters, random.Random(99))
    stop = threading.Event()
    attacker = threading.Thread(target=adversary.attack, args=(stop,))
    started = time.monotonic()
    attacker.start()
    for t in threads:
        t.start()
    for pause in (0.4, 0.6):  # kill -9 the server twice while the phones push
        time.sleep(pause)
        server.restart()
    for t in threads:
        t.join(timeout=240)
    stop.set()
    attacker.join(timeout=30)
    elapsed = time.monotonic() - started
    server.kill()
    assert not errors, errors
    assert adversary.statuses and not [s for s in adversary.statuses if s >= 500], adversary.statuses
    assert not adversary.leaks, adversary.leaks

    db = connect(str(database))
    applied = 0
    for phone in phones:
        owner = "(SELECT id FROM users WHERE username = ?)"  # devices are per person: the adversary reused this client_id
        log = list(db.query(f"SELECT seq, status FROM mutation_log WHERE client_id = ? AND user_id = {owner} ORDER BY seq",
                            [phone.client_id, phone.username]))
        assert [r["seq"] for r in log] == list(range(1, MUTATIONS + 1))
        assert {r["status"] for r in log} == {"applied"}
        notes = [r["text"] for r in db.query("SELECT text FROM order_notes WHERE order_id = ? ORDER BY id", [phone.order_id])]
        assert db.execute("SELECT COUNT(*) FROM attachments WHERE order_id = ?", [phone.order_id]).fetchone()[0] == 0
        assert notes == [f"{phone.username} #{seq}" for seq in range(5, MUTATIONS + 1)]  # each once, in order
        trail = [r["action"] for r in db.query(
            "SELECT action FROM order_events WHERE order_id = ? AND action != 'add_note' ORDER BY id", [phone.order_id])]
        assert trail == ["accept", "make_appointment", "depart", "arrive"]
        assert db.execute(f"SELECT last_seq FROM sync_clients WHERE client_id = ? AND user_id = {owner}",
                          [phone.client_id, phone.username]).fetchone()[0] == MUTATIONS
        applied += len(log)
    assert db.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0  # the colleague's photo went nowhere
    assert db.execute("SELECT COUNT(*) FROM wifi_surveys").fetchone()[0] == 0
    stored = " ".join(r[0] for r in db.execute("SELECT text FROM order_notes"))
    assert not any(ch in stored for ch in "\u202e\x1b\x07")
    tricks = len(adversary.statuses)
    db.conn.close()
    with capsys.disabled():
        print(f"\nfault injection: {DEVICES} devices × {MUTATIONS} mutations = {applied} applied exactly once in order; "
              f"server killed and restarted {server.restarts}×; {counters.values}; adversary: {tricks} hostile requests, "
              f"none 5xx; {elapsed:.1f} s")
    assert server.restarts == 2 and counters.values["dropped"] > 0 and counters.values["duplicated"] > 0
