"""The server CPU a phone's push and pull cost, against the code before, in the same run.

The demo city `make run` prepares plus 20,000 open orders held by 2,000 technicians
(bench_capacity's builder, through the order store) on a real SQLite file; gunicorn as `make run` starts it; `--phones` technicians' phones, each logged in as its own
technician, over real HTTP. Two servers, alternated one for one so a busy machine falls on both
alike:

  * current: this tree,
  * baseline: the tree at `--baseline` (default d128e00, before the capacity work of issue 14's
    second pass), exported with `git archive`, on a copy of the same database.

Each server gets the same work, in two phases per round:

  * "push + pull": the phone sends one to three notes on its own open orders (one push), then
    pulls what changed (the orders it just changed come back whole: that is the protocol),
  * "pull, nothing new for it": every phone pulls again; other phones' changes are in the log
    but not its own.

What is measured is the CPU the server's processes used (gunicorn's master and workers, from
/proc/<pid>/stat through psutil) divided by the number of requests or cycles: a shared box makes
latencies worse but hardly changes the CPU a request needs. Every push's answer is checked (each
note "applied") and every note is counted in the database afterwards.

    .venv/bin/python bench/bench_sync_cpu.py [--phones 100] [--rounds 3] [--baseline REV]
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid


ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_capacity  # noqa: E402  (imports no webapp module before its seed() sets the database)
from http_phone import HttpPhone, process_cpu  # noqa: E402
from tests.stack import Stack  # noqa: E402

TECH_PASSWORD = bench_capacity.PASSWORD
ACTIVE = ("dispatched", "accepted", "appointed", "en_route", "on_site", "restored")


class Phone(HttpPhone):
    """One technician's phone with its open orders, the push's CSRF token and its outbox's seq."""

    def __init__(self, base, username, orders):
        self.orders, self.seq, self.sent = orders, 0, []
        super().__init__(base, username, TECH_PASSWORD)
        self.token = self.api_token()

    def pull(self):
        """Every page of a pull; return the number of requests."""
        return self.pull_pages()

    def push(self, rng):
        mutations = []
        for _ in range(rng.randint(1, 3)):
            self.seq += 1
            note_id = str(uuid.uuid4())
            mutations.append({"seq": self.seq, "mutation_id": str(uuid.uuid4()), "name": "order.add_note",
                              "args": {"order_id": rng.choice(self.orders), "note_id": note_id, "text": "复测收光 -21.3 dBm，正常"},
                              "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
            self.sent.append(note_id)
        request = urllib.request.Request(self.base + "/api/sync/push", method="POST",
                                         data=json.dumps({"client_id": self.client_id, "mutations": mutations}).encode(),
                                         headers={"Content-Type": "application/json", "X-CSRFToken": self.token})
        with self.opener.open(request, timeout=60) as response:
            answer = json.loads(response.read())
        statuses = [r["status"] for r in answer["results"]]
        if answer["last_seq"] != self.seq or statuses != ["applied"] * len(mutations):
            raise AssertionError(f"push not applied: {answer}")


def server_cpu(server):
    return process_cpu(server.process.pid)


def run_all(phones, action, threads):
    """Run `action(phone)` once for every phone on `threads` client threads; return its results."""
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(action, phones))


def open_orders(database, count):
    """{technician username: their open order ids} for the first `count` bench technicians."""
    conn = sqlite3.connect(database)
    rows = conn.execute(
        f"SELECT u.username, o.id FROM orders o JOIN users u ON u.id = o.technician_id WHERE u.username LIKE 'bt%'"
        f" AND o.state IN ({','.join('?' * len(ACTIVE))}) ORDER BY u.id, o.id", ACTIVE).fetchall()
    conn.close()
    held = {}
    for username, order_id in rows:
        held.setdefault(username, []).append(order_id)
    return dict(list(held.items())[:count])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two servers")
    parser.add_argument("--baseline", default="d128e00")
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-synccpu-"))
    servers = {}
    try:
        for name in ("current", "baseline", "tree"):
            (folder / name).mkdir()
        database = folder / "current" / "ontrack.sqlite3"
        Stack(folder / "current").prepare()
        started = time.monotonic()
        bench_capacity.seed(folder / "current", 2000)
        print(f"seeded 20,000 open orders and 2,000 technicians in {time.monotonic() - started:.0f} s", flush=True)
        import bench_console  # after the seed: it imports the app, whose settings read the environment once
        bench_console.copy_database(database, folder / "baseline" / "ontrack.sqlite3")
        bench_console.export_baseline(args.baseline, folder / "tree")
        servers = {"current": bench_console.Server(ROOT, database, folder / "current"),
                   "baseline": bench_console.Server(folder / "tree", folder / "baseline" / "ontrack.sqlite3", folder / "baseline")}
        held = open_orders(database, args.phones)
        phones = {name: [Phone(server.url, username, orders) for username, orders in held.items()]
                  for name, server in servers.items()}
        results = {name: {"cycle_cpu": 0.0, "cycles": 0, "cycle_requests": 0, "idle_cpu": 0.0, "idle_pulls": 0,
                          "cycle_wall": []} for name in servers}
        rng = random.Random(14)
        for _ in range(args.rounds):
            for name, server in servers.items():
                result = results[name]

                def cycle(phone):
                    started = time.perf_counter()
                    phone.push(rng)
                    requests = 1 + phone.pull()
                    result["cycle_wall"].append(time.perf_counter() - started)
                    return requests
                cpu = server_cpu(server)
                result["cycle_requests"] += sum(run_all(phones[name], cycle, args.threads))
                result["cycle_cpu"] += server_cpu(server) - cpu
                result["cycles"] += len(phones[name])
                cpu = server_cpu(server)
                result["idle_pulls"] += sum(run_all(phones[name], lambda phone: phone.pull(), args.threads))
                result["idle_cpu"] += server_cpu(server) - cpu
        for name, server in servers.items():  # every note is in the database exactly once
            database_file = folder / name / "ontrack.sqlite3"
            conn = sqlite3.connect(database_file)
            for phone in phones[name]:
                for note_id in phone.sent:
                    count = conn.execute("SELECT COUNT(*) FROM order_notes WHERE uid = ?", [note_id]).fetchone()[0]
                    if count != 1:
                        raise AssertionError(f"{name}: note {note_id} stored {count} times")
            conn.close()
        print(f"ONTrack sync over real HTTP: the demo city + 20,000 open orders, 2,000 technicians, {args.phones} phones,"
              f" {args.threads} client threads, {args.rounds} rounds alternated; baseline = {args.baseline}")
        print(f"{'server':<10}{'push + pull ms CPU':>20}{'p50 / p95 ms':>16}{'pull, nothing of its own, ms CPU':>34}")
        for name, result in results.items():
            walls = sorted(result["cycle_wall"])
            print(f"{name:<10}{result['cycle_cpu'] / result['cycles'] * 1000:>20.2f}"
                  f"{statistics.median(walls) * 1000:>8.0f} / {walls[int(0.95 * len(walls))] * 1000:<6.0f}"
                  f"{result['idle_cpu'] / result['idle_pulls'] * 1000:>34.2f}")
        current, baseline = results["current"], results["baseline"]
        print(f"push + pull: {baseline['cycle_cpu'] / current['cycle_cpu']:.2f}× less server CPU;"
              f" pull with nothing of its own: {baseline['idle_cpu'] / current['idle_cpu']:.2f}×")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores; the client shares them)")
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
