"""The dispatcher console over real HTTP at city scale, against the code before the console work.

What it measures: the time to the last byte of the dispatcher's pages as a browser gets them
(gunicorn, as `make run` starts it, on a real SQLite file; `Accept-Encoding: br, gzip`;
logged in with real CSRF), on a city of 20,000 open orders and 2,000 technicians (the
capacity bench's city: issue 14):

  * GET /dispatch/            the whole console (what bench_capacity's dispatchers load),
  * GET /dispatch/queue       the queue partial htmx polls every 10 s ("attention" view),
  * GET /dispatch/queue?view=open&district=…   the open queue of one district,
  * GET /dispatch/technicians the technicians' panel htmx refreshes every 30 s,

with the bytes on the wire. The baseline runs in the same run: the same requests, alternated
one for one with the current code's (so a busy machine slows both alike), against a second
gunicorn serving the code of an earlier commit (`--baseline`, default 45ff59f: main before
the console work) exported with `git archive`, on a copy of the same database without the
indexes added since. Every answer is checked: status 200 and, for the queue, the same rows.

    .venv/bin/python bench/bench_console.py [--orders 20000] [--technicians 2000] [--reps 40] [--baseline REV]

The exit code is 0 whatever the figures: it is a benchmark, not a test.
"""
import argparse
import http.cookiejar
import os
import pathlib
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_dispatch  # noqa: E402  (the city builder: districts, technicians, open orders, one SLA sweep)

BIN = pathlib.Path(sys.executable).parent
NEW_INDEXES = ("orders_district_state_due", "orders_repeat_created", "orders_state_technician")
ROW = re.compile(rb'<tr id="order-(\d+)"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def export_baseline(revision, folder):
    """Write the tree of `revision` into `folder` (git archive) and compile its translations."""
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    subprocess.run([str(BIN / "pybabel"), "compile", "-d", "webapp/translations"], cwd=folder, check=True, capture_output=True)


def copy_database(source, target, drop=()):
    """Copy with SQLite's backup API and drop the named indexes (the baseline's schema)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    for name in drop:
        dst.execute(f"DROP INDEX IF EXISTS {name}")
    dst.execute("ANALYZE")
    dst.commit()
    dst.close()


class Server:
    """gunicorn with the Procfile's settings, serving the tree at `tree` on `database`."""

    def __init__(self, tree, database, folder, extra_env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONTRACK_") and k != "PROMETHEUS_MULTIPROC_DIR"}
        env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", ONTRACK_DATABASE=str(database),
                   ONTRACK_BLOB_FOLDER=str(folder / "blobs"), ONTRACK_JOBS_DATABASE=str(folder / "jobs.sqlite3"),
                   ONTRACK_BIND=f"127.0.0.1:{self.port}", ONTRACK_ACCESS_LOG=str(folder / "access.log"), **(extra_env or {}))
        self.log = open(folder / "web.log", "ab")
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "--config", "python:webapp.gunicorn_conf", "wsgi:app"],
                                        cwd=tree, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/login", timeout=5):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn in {tree} did not start; see {folder / 'web.log'}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Desk:
    """A dispatcher's browser: cookies, CSRF, compressed answers."""

    def __init__(self, base, username):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": bench_dispatch.DISPATCHER_PASSWORD,
                                       "csrf_token": token}).encode()
        self.opener.open(base + "/login", data=form).read()
        assert b"/dispatch/" in self.opener.open(base + "/dispatch/").read(), "login failed"

    def get(self, path, htmx=False):
        """(seconds to the last byte, status, bytes on the wire, body as sent)."""
        headers = {"Accept-Encoding": "br, gzip", **({"HX-Request": "true"} if htmx else {})}
        started = time.perf_counter()
        with self.opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=60) as response:
            body = response.read()
            encoding = response.headers.get("Content-Encoding", "")
        return time.perf_counter() - started, response.status, len(body), decode(body, encoding)


def decode(body, encoding):
    if encoding == "br":
        import brotli
        return brotli.decompress(body)
    if encoding == "gzip":
        import gzip
        return gzip.decompress(body)
    return body


def figures(values):
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], ordered[-1]


def run(args, folder):
    database = folder / "current" / "ontrack.sqlite3"
    (folder / "current").mkdir()
    (folder / "baseline").mkdir()
    tree = folder / "tree"
    tree.mkdir()
    started = time.perf_counter()
    summary = bench_dispatch.build_city(database, args.orders, args.technicians)
    copy_database(database, folder / "baseline" / "ontrack.sqlite3", drop=NEW_INDEXES)
    export_baseline(args.baseline, tree)
    print(f"ONTrack dispatcher console over HTTP: {args.orders:,} open orders, {args.technicians:,} technicians;"
          f" {summary['unassigned']:,} unassigned, {summary['breached']:,} breached (built in {time.perf_counter() - started:.0f} s)")
    servers = {"current": Server(ROOT, database, folder / "current"),
               "baseline": Server(tree, folder / "baseline" / "ontrack.sqlite3", folder / "baseline")}
    try:
        desks = {name: Desk(server.url, "disp1") for name, server in servers.items()}
        district = sorted(bench_dispatch.demo.DISTRICTS)[0]
        requests = [("console page, full", "/dispatch/", False),
                    ("queue partial, attention", "/dispatch/queue", True),
                    ("queue partial, open, one district", "/dispatch/queue?" + urllib.parse.urlencode(
                        {"view": "open", "district": district}), True),
                    ("technicians panel", "/dispatch/technicians", True)]
        print(f"gunicorn as `make run` starts it (2 × 8 threads), one dispatcher, {args.reps} requests each,"
              f" baseline = {args.baseline} (alternated one for one)")
        print(f"\n{'request':<36}{'current p50 / p95 / max ms':>30}{'KB':>7}{'baseline p50 / p95 / max ms':>32}{'KB':>7}{'p50 speed-up':>14}")
        for label, path, htmx in requests:
            times = {"current": [], "baseline": []}
            sizes, rows = {}, {}
            for rep in range(args.reps + 3):
                for name, desk in desks.items():
                    seconds, status, size, body = desk.get(path, htmx)
                    assert status == 200, f"{name} {path}: {status}"
                    sizes[name], rows[name] = size, ROW.findall(body)
                    if rep >= 3:  # three warm-ups
                        times[name].append(seconds * 1000)
            assert rows["current"] == rows["baseline"], f"{path}: the two servers show different queue rows"
            now, before = figures(times["current"]), figures(times["baseline"])
            print(f"{label:<36}{now[0]:>10.1f} /{now[1]:>7.1f} /{now[2]:>7.1f}{sizes['current'] / 1024:>7.1f}"
                  f"{before[0]:>12.1f} /{before[1]:>7.1f} /{before[2]:>7.1f}{sizes['baseline'] / 1024:>7.1f}"
                  f"{before[0] / now[0]:>13.1f}x")
    finally:
        for server in servers.values():
            server.stop()
    print(f"\nload average while it ran: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores; other work slows both sides alike)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--technicians", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--baseline", default="45ff59f", help="git revision to compare with (default: main before the console work)")
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-console-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
