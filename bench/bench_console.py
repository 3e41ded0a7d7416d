"""The dispatcher console over real HTTP at city scale, against the code before the console work.

What it measures: the time to the last byte of the dispatcher's pages as a browser gets them
(gunicorn, as `make run` starts it, on a real SQLite file; `Accept-Encoding: br, gzip`;
logged in with real CSRF), on a city of 20,000 open orders and 2,000 technicians (the
capacity bench's city: issue 14):

  * GET /dispatch/            the whole console (what bench_capacity's dispatchers load),
  * GET /dispatch/queue       the queue partial htmx polls every 10 s ("attention" view),
  * GET /dispatch/queue?view=open&district=…   the open queue of one district,
  * GET /dispatch/technicians the technicians' panel htmx refreshes every 30 s,
  * the same two polled as the console's script polls them: with the ETag of what it shows,
    answered 304 Not Modified while nothing it shows has changed,

with the bytes on the wire and the server CPU each request cost (the CPU seconds gunicorn's
processes spent over the run of that request, from /proc through psutil, divided by the
requests: the figure a shared machine hardly changes). The baseline runs in the same run: the
same requests, alternated one for one with the current code's (so a busy machine slows both
alike), against a second gunicorn serving the code of an earlier commit (`--baseline`, default
baa355b: main before the console-under-load work) exported with `git archive`, on a copy of the
same database without the objects added since (`--drop`). Every answer is checked: status 200
and, for the queue, the same rows.

    .venv/bin/python bench/bench_console.py [--orders 20000] [--technicians 2000] [--reps 40] [--baseline REV]

The exit code is 0 whatever the figures: it is a benchmark, not a test.
"""
import argparse
import http.cookiejar
import json
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
import urllib.error
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_dispatch  # noqa: E402  (the city builder: districts, technicians, open orders, one SLA sweep)
from http_phone import process_cpu  # noqa: E402


BIN = pathlib.Path(sys.executable).parent
# What the migration "the dispatcher console under load" added, dropped from the baseline's copy.
NEW_OBJECTS = ("TRIGGER orders_insert_load", "TRIGGER orders_update_load", "TRIGGER orders_delete_load",
               "TABLE technician_loads", "INDEX orders_state_priority_due", "INDEX order_clocks_policy_open_warn")
# Before 45ff59f's console work (the default baseline until 1 December 2026): --baseline 45ff59f --drop 45ff59f
OBJECTS_AFTER = {"45ff59f": ("INDEX orders_district_state_due", "INDEX orders_repeat_created",
                             "INDEX orders_state_technician", *NEW_OBJECTS)}
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
    """Copy with SQLite's backup API and drop the named objects ("INDEX name", "TRIGGER name", "TABLE name")."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    for name in drop:
        dst.execute(f"DROP {name.split()[0]} IF EXISTS {name.split()[1]}")
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

    def cpu_seconds(self):
        """User + system CPU seconds gunicorn's processes (master and workers) have spent so far."""
        return process_cpu(self.process.pid)

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
        self.tags = {}  # path -> (ETag, body) of its last whole answer
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(base + "/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": bench_dispatch.DISPATCHER_PASSWORD,
                                       "csrf_token": token}).encode()
        self.opener.open(base + "/login", data=form).read()
        assert b"/dispatch/" in self.opener.open(base + "/dispatch/").read(), "login failed"

    def get(self, path, htmx=False, conditional=False):
        """(seconds to the last byte, status, bytes on the wire, body as sent).

        conditional: send back the ETag of this path's last answer, as the console's script does
        when it polls; a 304 gives the body last shown (what the browser keeps on screen).
        """
        headers = {"Accept-Encoding": "br, gzip", **({"HX-Request": "true"} if htmx else {})}
        if conditional and path in self.tags:
            headers["If-None-Match"] = self.tags[path][0]
        started = time.perf_counter()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=60) as response:
                body = response.read()
                status, encoding, tag = response.status, response.headers.get("Content-Encoding", ""), response.headers.get("ETag")
        except urllib.error.HTTPError as answer:
            if answer.code != 304:
                raise
            answer.read()
            return time.perf_counter() - started, 304, 0, self.tags[path][1]
        seconds, shown = time.perf_counter() - started, decode(body, encoding)
        if tag:
            self.tags[path] = (tag, shown)
        return seconds, status, len(body), shown


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
    load_before = os.getloadavg()
    summary = bench_dispatch.build_city(database, args.orders, args.technicians)
    copy_database(database, folder / "baseline" / "ontrack.sqlite3", drop=OBJECTS_AFTER.get(args.drop, NEW_OBJECTS))
    export_baseline(args.baseline, tree)
    print(f"ONTrack dispatcher console over HTTP: {args.orders:,} open orders, {args.technicians:,} technicians;"
          f" {summary['unassigned']:,} unassigned, {summary['breached']:,} breached (built in {time.perf_counter() - started:.0f} s)")
    (folder / "unkept").mkdir()
    servers = {"current": Server(ROOT, database, folder / "current"),
               # The same code with no rendered row kept: what the queries and indexes alone buy, and
               # what a load costs when every row on it is new (a restart, a dispatcher paging on).
               "current, no rows kept": Server(ROOT, database, folder / "unkept", {"ONTRACK_CONSOLE_KEEP_ROWS": "0"}),
               "baseline": Server(tree, folder / "baseline" / "ontrack.sqlite3", folder / "baseline")}
    try:
        desks = {name: Desk(server.url, "disp1") for name, server in servers.items()}
        district = sorted(bench_dispatch.demo.DISTRICTS)[0]
        requests = [("console page, full", "/dispatch/", False),
                    ("queue partial, attention", "/dispatch/queue", True),
                    ("queue partial, open, one district", "/dispatch/queue?" + urllib.parse.urlencode(
                        {"view": "open", "district": district}), True),
                    ("technicians panel", "/dispatch/technicians", True),
                    # As the console's script polls: with the ETag of what it shows (304 when unchanged).
                    ("queue partial, attention, polled", "/dispatch/queue", True, True),
                    ("technicians panel, polled", "/dispatch/technicians", True, True)]
        print(f"gunicorn as `make run` starts it (2 × 8 threads), one dispatcher, {args.reps} requests each,"
              f" baseline = {args.baseline} (alternated one for one); load average before building:"
              f" {' '.join(f'{x:.1f}' for x in load_before)}, now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"\n{'request':<36}{'server':<24}{'p50 / p95 / max ms':>26}{'CPU ms':>9}{'KB':>7}{'CPU vs baseline':>17}")
        results = []
        for label, path, htmx, *polled in requests:
            times = {name: [] for name in servers}
            cpu = {name: 0.0 for name in servers}
            sizes, rows, unchanged = {name: 0 for name in servers}, {}, {name: 0 for name in servers}
            for rep in range(args.reps + 3):
                for name, desk in desks.items():
                    spent = servers[name].cpu_seconds()
                    seconds, status, size, body = desk.get(path, htmx, conditional=bool(polled))
                    assert status == 200 or (polled and status == 304), f"{name} {path}: {status}"
                    rows[name] = ROW.findall(body)
                    if rep >= 3:  # three warm-ups
                        times[name].append(seconds * 1000)
                        cpu[name] += servers[name].cpu_seconds() - spent
                        sizes[name] += size / args.reps
                        unchanged[name] += status == 304
            assert all(found == rows["baseline"] for found in rows.values()), f"{path}: the servers show different queue rows"
            per_request = {name: cpu[name] * 1000 / args.reps for name in servers}
            for n, name in enumerate(servers):
                p50, p95, top = figures(times[name])
                ratio = f"{per_request['baseline'] / per_request[name]:.1f}x less" if per_request[name] and name != "baseline" else ""
                print(f"{label if n == 0 else '':<36}{name:<24}{p50:>10.1f} /{p95:>6.1f} /{top:>6.1f}"
                      f"{per_request[name]:>9.1f}{sizes[name] / 1024:>7.1f}{ratio:>17}"
                      + (f"   {unchanged[name]} of {args.reps} answered 304" if polled else ""))
                results.append({"request": label, "server": name, "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
                                "max_ms": round(top, 1), "cpu_ms": round(per_request[name], 2), "kb": round(sizes[name] / 1024, 1),
                                "not_modified": unchanged[name]})
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        (ROOT / "bench" / "out").mkdir(exist_ok=True)
        (ROOT / "bench" / "out" / "console.json").write_text(json.dumps(
            {"commit": commit, "baseline": args.baseline, "orders": args.orders, "technicians": args.technicians,
             "reps": args.reps, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "load_average": [round(x, 1) for x in os.getloadavg()], "results": results}, indent=1))
        print("\nCPU ms: user + system CPU of gunicorn's processes over each request, averaged (clock ticks of 10 ms,"
              " so a figure is good to about 10 ms / the number of requests)")
    finally:
        for server in servers.values():
            server.stop()
    print(f"\nload average while it ran: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores; other work slows both sides alike)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--technicians", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--baseline", default="baa355b",
                        help="git revision to compare with (default: main before the console-under-load work)")
    parser.add_argument("--drop", default="", help="schema of which baseline to give it: 45ff59f drops the console"
                        " indexes of 30 November too; by default only what the console-under-load migration added")
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-console-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
