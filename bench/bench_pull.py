"""A phone's pull over real HTTP when nothing is new (most pulls), against the code before, in the same run.

A city of 20,000 open orders and 2,000 technicians (bench_dispatch's builder) on a real SQLite
file; gunicorn as `make run` starts it; 2,000 technicians' phones are simulated by 16 client
threads, each logged in as its own technician, pulling with the cursor of its last pull. The
two servers, alternated one for one so a busy machine slows both alike:

  * current: this tree (a kept SQLite connection per server thread; "nothing new" answered
    without reading the change log),
  * baseline: the tree at `--baseline` (default 45ff59f, main before this work; a new
    connection, its PRAGMAs and its schema read on every request), on a copy of the database.

Prints requests/s and p50/p95 per server, and the server CPU per pull.

    .venv/bin/python bench/bench_pull.py [--seconds 20] [--threads 16] [--baseline REV]
"""
import argparse
import concurrent.futures
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time


ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_console  # noqa: E402
import bench_dispatch  # noqa: E402
from http_phone import HttpPhone, process_cpu  # noqa: E402

TECH_PASSWORD = "bench-technician-password"


class PhoneClient(HttpPhone):
    """One technician's phone whose pull answers how long it took (every page of it), in seconds."""

    def __init__(self, base, username):
        super().__init__(base, username, TECH_PASSWORD, timeout=30)

    def pull(self):
        started = time.perf_counter()
        self.pull_pages()
        return time.perf_counter() - started


def hammer(phones, seconds, threads):
    """Pull as fast as `threads` clients can for `seconds`; return latencies (s)."""
    stop = time.monotonic() + seconds
    latencies = []

    def loop(index):
        n = index
        while time.monotonic() < stop:
            latencies.append(phones[n % len(phones)].pull())
            n += threads
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(loop, range(threads)))
    return latencies


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--phones", type=int, default=200, help="logged-in phones taking turns (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two servers")
    parser.add_argument("--baseline", default="45ff59f")
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-pull-"))
    servers = {}
    try:
        for name in ("current", "baseline", "tree"):
            (folder / name).mkdir()
        database = folder / "current" / "ontrack.sqlite3"
        bench_dispatch.build_city(database, 20000, 2000)
        bench_console.copy_database(database, folder / "baseline" / "ontrack.sqlite3", drop=bench_console.NEW_INDEXES)
        bench_console.export_baseline(args.baseline, folder / "tree")
        servers = {"current": bench_console.Server(ROOT, database, folder / "current"),
                   "baseline": bench_console.Server(folder / "tree", folder / "baseline" / "ontrack.sqlite3", folder / "baseline")}
        phones = {name: [PhoneClient(server.url, f"tech{n:03d}") for n in range(1, args.phones + 1)]
                  for name, server in servers.items()}
        results = {name: {"latencies": [], "cpu": 0.0, "wall": 0.0} for name in servers}
        for _ in range(args.rounds):
            for name, server in servers.items():
                cpu, wall = process_cpu(server.process.pid), time.monotonic()
                results[name]["latencies"] += hammer(phones[name], args.seconds, args.threads)
                results[name]["cpu"] += process_cpu(server.process.pid) - cpu
                results[name]["wall"] += time.monotonic() - wall
        print(f"ONTrack pulls with nothing new: 20,000 open orders, 2,000 technicians, {args.phones} phones taking turns,"
              f" {args.threads} client threads, {args.rounds} × {args.seconds} s per server, alternated;"
              f" baseline = {args.baseline}")
        print(f"{'server':<10}{'pulls/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'server CPU ms/pull':>20}")
        for name, result in results.items():
            ordered = sorted(result["latencies"])
            count = len(ordered)
            print(f"{name:<10}{count / result['wall']:>9.0f}{statistics.median(ordered) * 1000:>8.1f}"
                  f"{ordered[int(0.95 * count)] * 1000:>8.1f}{result['cpu'] / count * 1000:>20.2f}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores; the client shares them)")
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
