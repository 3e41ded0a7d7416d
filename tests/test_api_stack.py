"""/api/v1 against the real stack (gunicorn + the Huey worker, a real SQLite file in WAL mode), over real HTTP.

- the same create sent 20 times at once makes one order;
- a real webhook receiver that verifies signatures and answers 500 for a while still gets every
  event exactly once, and each order's events in order, after the queue's retries;
- an order created through the API is dispatched on the desk, worked on a phone (its changes
  queued offline and synced later), returned, and the closure reply reaches the receiver.
"""
import concurrent.futures
import datetime
import json
import re
import sqlite3
import subprocess
import time
import urllib.parse
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.stack import BIN, ROOT, Browser, Stack
from tests.webhook_receiver import Receiver
from webapp.demo import DEMO_PASSWORD

FAST_RETRIES = "0.3,0.5,0.8,1,1,1,1,1,1,1"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("api-stack"), processes=("web", "worker"),
                  extra_env={"ONTRACK_WEBHOOK_RETRY_SECONDS": FAST_RETRIES, "ONTRACK_API_RATE_LIMIT": "100000 per minute",
                             "ONTRACK_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1/32"})  # the receiver is on loopback
    stack.prepare()
    stack.start()
    yield stack
    stack.stop()


def flask(stack, *args):
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=stack.env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def api_client(stack, name, webhook_url=None):
    """Create a client by the CLI; return (token, webhook secret or None)."""
    output = flask(stack, "api-client", "create", name, "--scope", "orders:read", "--scope", "orders:write")
    token = output.rsplit(": ", 1)[1].strip()
    secret = None
    if webhook_url:
        secret = flask(stack, "api-client", "webhook", name, webhook_url).rsplit(": ", 1)[1].strip()
    return token, secret


def call(stack, token, method, path, body=None):
    browser = Browser(stack.url)
    status, _headers, data = browser.request(method, path, body, {"Authorization": f"Bearer {token}"})
    return status, json.loads(data) if data else None


def district(stack):
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT name FROM districts ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def new_order(stack, external_id):
    return {"external_id": external_id, "order_type": "repair", "access_type": "ftth", "symptom": "no_service",
            "customer_name": "李先生", "contact_phone": "13700000001", "district": district(stack),
            "community": "API 小区", "description": "EOMS 派单"}


def desk(stack):
    browser = Browser(stack.url).login("dispatch1", DEMO_PASSWORD)
    _status, _headers, page = browser.request("GET", "/orders/new")
    browser.token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()
    return browser


def dispatch(browser, order_id, technician_id):
    form = urllib.parse.urlencode({"order_id": order_id, "technician_id": technician_id, "csrf_token": browser.token}).encode()
    status, _headers, _body = browser.request("POST", "/dispatch/assign", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status in (200, 303), status


def technician_id(stack, username):
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0]
    finally:
        conn.close()


def wait_for(predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_twenty_identical_creates_at_once_make_one_order(stack):
    token, _ = api_client(stack, "crm-idem")
    body = new_order(stack, f"CRM-{uuid.uuid4().hex[:8]}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _n: call(stack, token, "POST", "/api/v1/orders", body), range(20)))
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] * 19 + [201], statuses
    assert len({answer["id"] for _status, answer in answers}) == 1
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT COUNT(*) FROM orders WHERE external_id = ?", [body["external_id"]]).fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_a_failing_receiver_still_gets_every_event_once_and_in_order(stack):
    with Receiver(fail_first=9) as receiver:
        token, receiver.secret = api_client(stack, "crm-hooks", receiver.url)
        browser, tech = desk(stack), technician_id(stack, "tech2")
        expected = {}
        for n in range(6):
            status, order = call(stack, token, "POST", "/api/v1/orders", new_order(stack, f"HOOK-{n}"))
            assert status == 201, order
            dispatch(browser, order["id"], tech)
            expected[order["id"]] = ["order.created", "order.dispatched"]
            if n % 2:
                assert call(stack, token, "POST", f"/api/v1/orders/{order['id']}/cancel", {"reason": "客户撤销"})[0] == 200
                expected[order["id"]].append("order.cancelled")
        total = sum(len(types) for types in expected.values())
        assert wait_for(lambda: len(receiver.accepted) >= total), (len(receiver.accepted), total, stack.log("worker")[-3000:])
        time.sleep(2)  # anything extra would arrive now
        assert receiver.failed_answers == 9 and receiver.rejected_signatures == 0
        ids = [msg_id for msg_id, _payload in receiver.accepted]
        assert len(ids) == len(set(ids)) == total  # every event exactly once
        for order_id, types in expected.items():
            assert receiver.types_for(order_id) == types, order_id  # in order per order
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        log = conn.execute("SELECT d.status, COUNT(*), SUM(d.attempts) FROM webhook_deliveries d JOIN api_clients c"
                           " ON c.id = d.client_id WHERE c.name = 'crm-hooks' GROUP BY d.status").fetchall()
    finally:
        conn.close()
    assert [row[:2] for row in log] == [("delivered", total)] and log[0][2] == total + 9
    listing = flask(stack, "api-client", "deliveries", "crm-hooks")
    assert listing.count("delivered") == total


def test_api_order_dispatched_worked_offline_on_a_phone_returned_reaches_the_receiver(stack):
    with Receiver(fail_first=2) as receiver:
        token, receiver.secret = api_client(stack, "eoms", receiver.url)
        status, order = call(stack, token, "POST", "/api/v1/orders", new_order(stack, "EOMS-20261130-77"))
        assert status == 201
        dispatch(desk(stack), order["id"], technician_id(stack, "tech3"))
        phone = Browser(stack.url).login("tech3", DEMO_PASSWORD)
        client_id, seq, batch = str(uuid.uuid4()), 0, []

        def queued(to, fields=None, minutes_ago=0):  # what the phone's outbox holds while offline
            nonlocal seq
            seq += 1
            occurred = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - minutes_ago * 60))
            args = {"order_id": order["id"], "to": to, **({"fields": fields} if fields else {})}
            batch.append({"seq": seq, "mutation_id": str(uuid.uuid4()), "name": "order.transition", "args": args,
                          "occurred_at": occurred})

        local = lambda minutes: (datetime.datetime.now(ZoneInfo("Asia/Shanghai"))
                                 + datetime.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")
        queued("accepted", minutes_ago=50)
        queued("appointed", {"appointment_start": local(60), "appointment_end": local(120)}, minutes_ago=49)
        queued("on_site", minutes_ago=40)
        queued("restored", minutes_ago=10)
        closure = {"phenomenon": "LOS 红灯", "arrival_time": local(-40), "cause": "分纤箱尾纤脱落，收光 -40 dBm",
                   "handling_process": "重新插接尾纤，复测 -19.6 dBm", "equipment_replaced": "无", "result": "recovered",
                   "recovery_time": local(-10), "classification": "drop_cable", "holder_informed": True}
        queued("returned", closure, minutes_ago=5)
        # Back in coverage: the outbox goes up in one push.
        status, answer = phone.json("POST", "/api/sync/push", {"client_id": client_id, "mutations": batch})
        assert status == 200 and [r["status"] for r in answer["results"]] == ["applied"] * 5, answer
        expected = ["order.created", "order.dispatched", "order.accepted", "order.appointment_made", "order.on_site",
                    "order.restored", "order.returned"]
        assert wait_for(lambda: len(receiver.types_for(order["id"])) >= len(expected)), receiver.types_for(order["id"])
        assert receiver.types_for(order["id"]) == expected
        returned = receiver.accepted[-1][1]
        assert returned["data"]["order"]["external_id"] == "EOMS-20261130-77" and returned["data"]["order"]["state"] == "returned"
        assert returned["data"]["closure"]["cause"] == closure["cause"]
        assert returned["data"]["closure"]["process"] == closure["handling_process"]  # stored under §9.2 #15's name
        assert returned["data"]["closure"]["classification"] == "drop_cable"
        assert returned["data"]["closure"]["result"] == "recovered"
    status, read = call(stack, token, "GET", f"/api/v1/orders/{order['id']}")
    assert status == 200 and read["closure"]["cause"] == closure["cause"]
    assert [s["action"] for s in read["timeline"]][-5:] == ["accept", "make_appointment", "arrive", "restore", "return"]
