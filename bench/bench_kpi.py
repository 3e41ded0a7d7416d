"""Benchmark the KPI report: a city's month from the audit trail.

What it measures: `webapp.reports.kpi.report(db, first, last, tz)` for one month on a database
holding N orders in that month (default 20,000: the dispatcher console's size in issue 14), each
with its events (create, dispatch, sometimes a reassignment, accept, appointment, arrivals,
restore, return), a callback for each returned order, and breaches. No target is set by the
issue; a supervisor's page should answer in a few seconds.

Baseline in the same run: reading the same events once with a bare cursor (what any report from
the audit trail must at least do), so the figure says how much the rules add on top.

Run from the project root:  .venv/bin/python bench/bench_kpi.py [--orders N]
The exit code is 0 whatever the figures: this is a benchmark, not a test.
"""
import argparse
import datetime
import json
import pathlib
import random
import sys
import tempfile
import time
from zoneinfo import ZoneInfo

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.db import connect, transaction  # noqa: E402
from webapp.reports import export, kpi  # noqa: E402
from webapp.timeutil import to_text  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def fill(db, orders, technicians):
    """Write `orders` orders of November 2026 with their events, callbacks and breaches."""
    rng = random.Random(22)
    month = datetime.datetime(2026, 11, 1, tzinfo=TZ)
    districts = ["东城区", "西城区", "朝阳区", "海淀区", "丰台区"]
    with transaction(db):
        for n in range(orders):
            created = month + datetime.timedelta(minutes=rng.randrange(29 * 24 * 60))
            kind = rng.choice(["repair", "repair", "installation", "complaint"])
            cursor = db.conn.execute(
                "INSERT INTO orders (order_no, order_type, access_type, symptom, state, customer_name, contact_phone,"
                " district, created_at, updated_at, is_repeat) VALUES (?, ?, 'ftth', 'no_service', 'returned', ?, '13800000000',"
                " ?, ?, ?, ?)", [f"B-{n}", kind, f"客户{n}", rng.choice(districts), to_text(created), to_text(created),
                                 int(kind == "complaint" and rng.random() < 0.1)])
            order_id = cursor.lastrowid
            tech = rng.choice(technicians)
            at = created
            events = [("create", at, {})]
            for action, gap, details in (("dispatch", 10, {"technician_id": tech, "company": f"代维{tech % 4}"}),
                                         ("accept", 5, {}), ("make_appointment", rng.randrange(5, 50), {}),
                                         ("arrive", 120, {}), *([("arrive", 60, {})] if rng.random() < 0.2 else []),
                                         ("restore", 40, {}), ("return", 5, {})):
                at = at + datetime.timedelta(minutes=gap)
                events.append((action, at, details))
            db.conn.executemany("INSERT INTO order_events (order_id, at, actor_id, action, details) VALUES (?, ?, ?, ?, ?)",
                                [(order_id, to_text(when), tech, action, json.dumps(details)) for action, when, details in events])
            db.conn.execute("INSERT INTO callbacks (order_id, due_at, status, done_at, result, created_at) VALUES"
                            " (?, ?, 'done', ?, ?, ?)", [order_id, to_text(at + datetime.timedelta(days=1)),
                                                         to_text(at + datetime.timedelta(hours=rng.randrange(2, 40))),
                                                         rng.choice(["satisfied", "basically", "dissatisfied"]), to_text(at)])
            if rng.random() < 0.1:
                db.conn.execute("INSERT INTO sla_breaches (order_id, policy_code, due_at, breached_at, district, technician_id,"
                                " company) VALUES (?, 'first_appointment', ?, ?, '东城区', ?, '代维1')",
                                [order_id, to_text(created), to_text(created), tech])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE": f"{folder}/bench.sqlite3", "SECRET_KEY": "bench-" * 8,
                          "VAPID_PRIVATE_KEY_FILE": f"{folder}/vapid.pem"})
        db = connect(app.config["DATABASE"])
        with transaction(db):
            technicians = [db.conn.execute(
                "INSERT INTO users (username, password_hash, display_name, role, created_at) VALUES (?, 'x', ?, 'technician', ?)",
                [f"t{i}", f"技术员{i}", "2026-11-01T00:00:00Z"]).lastrowid for i in range(200)]
        started = time.perf_counter()
        fill(db, args.orders, technicians)
        print(f"filled {args.orders} orders in {time.perf_counter() - started:.1f} s")
        first, last = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
        start, end = kpi.period_bounds(first, last, TZ)
        started = time.perf_counter()
        count = sum(1 for _ in db.conn.execute("SELECT order_id, at, action, actor_id, details FROM order_events"
                                               " WHERE at >= ? AND at < ?", [to_text(start), to_text(end)]))
        baseline = time.perf_counter() - started
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            report = kpi.report(db, first, last, TZ)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        with app.test_request_context("/"):
            size = len(export.to_xlsx(report, lambda dimension, key: str(key), {}))
        xlsx = time.perf_counter() - started
        print(f"events read by a bare cursor (baseline): {count} in {baseline * 1000:.0f} ms")
        print(f"kpi.report for the month: best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms "
              f"({min(timings) / baseline:.1f}x the baseline)")
        print(f"first appointment within 30 min: {report['totals']['first_appointment']}, "
              f"one-visit fix: {report['totals']['one_visit_fix']}")
        print(f"xlsx export: {size / 1024:.0f} KB in {xlsx * 1000:.0f} ms")
        db.conn.close()


if __name__ == "__main__":
    main()
