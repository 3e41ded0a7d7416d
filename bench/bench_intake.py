"""Benchmark order intake: orders per second through /api/v1 (single creates and batches) next to the desk form.

What it measures, in one run against what `make run` starts (gunicorn + the Huey worker on a
fresh demo database, real HTTP on loopback, real SQLite in WAL mode):

  * the desk form: dispatchers logged in, POST /orders/new with the CSRF token, following its
    303 to the new order's page as a browser does (the baseline: how orders enter ONTrack
    today, typed once more from another system),
  * the API, one order per call: POST /api/v1/orders with a bearer token,
  * the API in batches: POST /api/v1/orders/batch with 50 orders a call (one write transaction).

Each mode runs with the same number of concurrent callers; every answer is checked (303 to the
new order, 201, or 201 for each batch item) and afterwards the database must hold exactly the
orders sent, so a failed request cannot pass for a fast one. Printed: orders per second, and
the median and p95 time of one call.

Run from the project root:  .venv/bin/python bench/bench_intake.py [--orders N] [--callers C] [--batch B]
The exit code is 0 even when nothing is fast: this is a benchmark, not a test.
"""
import argparse
import concurrent.futures
import json
import pathlib
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.stack import BIN, Browser, Stack  # noqa: E402
from webapp.demo import DEMO_PASSWORD  # noqa: E402

FIELDS = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
          "customer_name": "压测用户", "contact_phone": "13600000000", "district": "东城区", "community": "幸福里小区",
          "description": "bench"}


def api_token(stack):
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "api-client", "create", "bench", "--scope", "orders:write"],
                          cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.rsplit(": ", 1)[1].strip()


def desk_session(stack):
    browser = Browser(stack.url).login("dispatch1", DEMO_PASSWORD)
    _status, _headers, page = browser.request("GET", "/orders/new")
    browser.token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page).group(1).decode()
    return browser


def run(calls, callers):
    """Run `calls` (functions returning how many orders they made) on `callers` threads; (orders, seconds, call times)."""
    times = []

    def timed(call):
        started = time.perf_counter()
        made = call()
        times.append(time.perf_counter() - started)
        return made

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=callers) as pool:
        made = sum(pool.map(timed, calls))
    return made, time.perf_counter() - started, times


def desk_calls(stack, count, callers):
    sessions = [desk_session(stack) for _ in range(callers)]

    def create(n):
        browser = sessions[n % callers]
        form = urllib.parse.urlencode({**FIELDS, "customer_name": f"desk-{n}", "csrf_token": browser.token}).encode()
        status, headers, _body = browser.request("POST", "/orders/new", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in (200, 303), status  # urllib follows the 303 to the new order's page
        return 1
    return [lambda n=n: create(n) for n in range(count)]


def api_calls(stack, token, count):
    def create(n):
        browser = Browser(stack.url)
        status, _headers, body = browser.request("POST", "/api/v1/orders", {**FIELDS, "external_id": f"single-{n}"},
                                                 {"Authorization": f"Bearer {token}"})
        assert status == 201, (status, body[:300])
        return 1
    return [lambda n=n: create(n) for n in range(count)]


def batch_calls(stack, token, count, size):
    def create(start):
        browser = Browser(stack.url)
        orders = [{**FIELDS, "external_id": f"batch-{n}"} for n in range(start, min(start + size, count))]
        status, _headers, raw = browser.request("POST", "/api/v1/orders/batch", {"orders": orders},
                                                {"Authorization": f"Bearer {token}"})
        assert status == 200, (status, raw[:300])
        results = json.loads(raw)["results"]
        assert [r["status"] for r in results] == [201] * len(orders), results[:3]
        return len(orders)
    return [lambda s=s: create(s) for s in range(0, count, size)]


def count(stack, where):
    conn = sqlite3.connect(f"file:{stack.database}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM orders WHERE {where}").fetchone()[0]
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300, help="orders per mode (default 300)")
    parser.add_argument("--callers", type=int, default=4, help="concurrent callers per mode (default 4)")
    parser.add_argument("--batch", type=int, default=50, help="orders per batch call (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(pathlib.Path(folder) / "stack", extra_env={"ONTRACK_API_RATE_LIMIT": "1000000 per minute"})
        stack.prepare()
        stack.start()
        try:
            token = api_token(stack)
            before = count(stack, "external_id IS NULL")
            rows = []
            for label, calls in (("desk form POST /orders/new (baseline)", desk_calls(stack, args.orders, args.callers)),
                                 ("API POST /api/v1/orders, one order a call", api_calls(stack, token, args.orders)),
                                 (f"API POST /api/v1/orders/batch, {args.batch} a call", batch_calls(stack, token, args.orders, args.batch))):
                made, seconds, times = run(calls, args.callers)
                times.sort()
                rows.append((label, made, made / seconds, statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000))
            assert count(stack, "external_id IS NULL") - before == args.orders, "desk orders missing"
            assert count(stack, "external_id LIKE 'single-%'") == args.orders, "API orders missing"
            assert count(stack, "external_id LIKE 'batch-%'") == args.orders, "batched orders missing"
        finally:
            stack.stop()
    print(f"Order intake, {args.orders} orders per mode, {args.callers} concurrent callers, gunicorn + worker, real HTTP")
    print(f"{'mode':<48} {'orders':>7} {'orders/s':>9} {'call p50 ms':>12} {'call p95 ms':>12}")
    for label, made, rate, p50, p95 in rows:
        print(f"{label:<48} {made:>7} {rate:>9.1f} {p50:>12.1f} {p95:>12.1f}")
    baseline = rows[0][2]
    for label, _made, rate, _p50, _p95 in rows[1:]:
        print(f"  {label}: {rate / baseline:.1f}× the desk form")


if __name__ == "__main__":
    main()
