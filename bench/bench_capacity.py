"""How many technicians one box serves: real HTTP against the server `make run` starts.

Starts the Procfile's processes (gunicorn + the Huey job worker) on a fresh folder, with the
demo city that `make run` loads plus N technicians, each with their own account, phone
(client_id) and open orders (20,000 open orders in all), and 5 dispatchers. Then it ramps N.

Cadence (domain: a technician's day; the issue's figures): a pull every 30 s, one to three
changes every 2 minutes, a photo every 10 minutes (resumable upload in 64 KB chunks, then
order.attach_photo), an LED check every 15 minutes (upload, then order.led_check; the worker
reads it); each of 5 dispatchers loads the console every 10 s and reassigns an order every 5th time.

Time compression: every interval is divided by --compression (default 10), so one simulated
phone makes the requests of that many phones; a step with N simulated technicians stands for
N × compression technicians at the real cadence. The five dispatchers keep the real cadence:
they are five people whatever the number of phones. Every phone keeps an outbox like the real one: a push
that fails or times out (10 s) is sent again, and at the end every acknowledged change must
be in the database exactly once.

Prints per step: requests/s, p50/p95/max per kind, errors, server CPU and memory, the job
queue; then the largest N with zero errors and every kind's p95 under 300 ms. The machine may
be shared with other work while this runs: the figures are then pessimistic.

    .venv/bin/python bench/bench_capacity.py [--steps 50,100,200,400,800] [--seconds 60] [--compression 10]
"""
import argparse
import asyncio
import collections
import io
import json
import os
import pathlib
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import psutil  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from http_phone import cpu_of  # noqa: E402
from tests.stack import Stack  # noqa: E402

PASSWORD = "ontrack-demo"
OPEN_ORDERS = 20_000
ORDERS_EACH = 10
DISPATCHERS = 5
PULL_S, CHANGE_S, PHOTO_S, LED_S, CONSOLE_S = 30, 120, 600, 900, 10
CHUNK = 64 * 1024
TIMEOUT_S = 10
TARGET_P95_S = 0.300
PHONE_KINDS = ("pull", "push", "photo upload", "photo push", "led upload", "led push")


# ---- the city: technicians, dispatchers, 20,000 open orders ----

def seed(folder, technicians, open_orders=OPEN_ORDERS):
    """Add `technicians` bench technicians, 3 more dispatchers and 20,000 dispatched orders (in-process, before serving)."""
    os.environ["ONTRACK_DATABASE"] = str(folder / "ontrack.sqlite3")
    os.environ["ONTRACK_JOBS_DATABASE"] = str(folder / "jobs.sqlite3")
    os.environ["ONTRACK_JOBS_IMMEDIATE"] = "1"
    from webapp import create_app
    from webapp.auth.users import User
    from webapp.db import connect, one, transaction
    from webapp.demo import _order_fields
    from webapp.orders import store
    from webapp.orders.views import local_zone
    from webapp.timeutil import to_text, utcnow
    app = create_app({"BLOB_FOLDER": str(folder / "blobs"), "DATABASE": os.environ["ONTRACK_DATABASE"]})
    db = connect(app.config["DATABASE"])
    # Every bench person shares the demo password's hash: logging in still checks it for real.
    password_hash = one(db, "SELECT password_hash FROM users WHERE username = 'tech1'")["password_hash"]
    now = utcnow()
    # Simulated technicians hold ORDERS_EACH open orders each; the rest of the city's 20,000 open
    # orders belong to technicians who are not syncing right now (off shift).
    idle = max(0, (open_orders - technicians * ORDERS_EACH) // ORDERS_EACH)
    with transaction(db):
        for name in [f"bt{i}" for i in range(1, technicians + 1)] + [f"idle{i}" for i in range(1, idle + 1)]:
            db.conn.execute("INSERT INTO users (username, password_hash, display_name, role, district, skills, created_at)"
                            " VALUES (?, ?, ?, 'technician', '东城区', 'FTTH', ?)", [name, password_hash, name, to_text(now)])
        for i in range(3, DISPATCHERS + 1):
            db.conn.execute("INSERT INTO users (username, password_hash, display_name, role, created_at)"
                            " VALUES (?, ?, ?, 'dispatcher', ?)", [f"dispatch{i}", password_hash, f"调度{i}", to_text(now)])
    ids = {row["username"]: row["id"] for row in db.query("SELECT id, username FROM users")}
    desk = User(one(db, "SELECT * FROM users WHERE username = 'dispatch1'"))
    rng, orders = random.Random(14), collections.defaultdict(list)
    with app.test_request_context("/"):
        tz = local_zone()
        holders = [f"bt{i}" for i in range(1, technicians + 1)] + [f"idle{i}" for i in range(1, idle + 1)]
        n = 0
        while n < open_orders:
            tech = holders[n % len(holders)]
            with transaction(db):
                order_id = store.create_order(db, _order_fields(rng), desk.id, now, tz)
            try:
                store.assign(db, order_id, desk, ids[tech], now, tz)
            except store.Refused:
                continue  # in the demo's group-fault area: held from dispatch, as it would be; make another
            orders[tech].append(order_id)
            n += 1
    db.conn.close()
    return orders, ids


def photo_pool(count, size=(1600, 1200)):
    """Distinct JPEGs about the size a phone uploads after downscaling (each a different hash)."""
    rng = random.Random(7)
    base = Image.new("RGB", size)
    draw = ImageDraw.Draw(base)
    for _ in range(400):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle([x, y, x + rng.randint(20, 300), y + rng.randint(20, 200)],
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    pool = []
    for i in range(count):
        image = base.copy()
        ImageDraw.Draw(image).text((20 + i % 50, 20), f"ONTrack bench photo {i}", fill=(255, 255, 255))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        pool.append(out.getvalue())
    return pool


def unique(jpeg):
    """The same picture with a comment segment (JPEG COM) that makes its bytes, and so its SHA-256, new."""
    note = uuid.uuid4().hex.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + jpeg[2:]


def led_pool(count):
    from tests import led_render
    return [led_render.make_case(100 + i, "single", model_id="huawei-hg8245h")["photos"][0] for i in range(count)]


# ---- the load ----

class Recorder:
    """Latencies and errors of one step, per kind of request."""

    def __init__(self):
        self.latency = collections.defaultdict(list)
        self.errors = collections.Counter()
        self.refusals = collections.Counter()  # conflicts on orders reassigned away: correct answers, not errors
        self.requests = 0

    async def call(self, session, kind, method, url, **kwargs):
        """(status, body bytes, headers) or None when the request failed or timed out (counted as an error)."""
        started = time.perf_counter()
        try:
            async with session.request(method, url, timeout=aiohttp.ClientTimeout(total=TIMEOUT_S), **kwargs) as response:
                body = await response.read()
                status, headers = response.status, response.headers
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self.requests += 1
            self.errors[f"{kind}: {type(exc).__name__}"] += 1
            return None
        self.requests += 1
        self.latency[kind].append(time.perf_counter() - started)
        if status >= 400:
            self.errors[f"{kind}: {status}"] += 1
        return status, body, headers


def connector():
    """Connections kept open 4 s at most: gunicorn closes an idle one after 5 s (keepalive), and a
    client that reuses a connection the server has just closed gets a reset (run 8's one error)."""
    return aiohttp.TCPConnector(keepalive_timeout=4)


class Phone:
    """One technician's phone: their session, client_id, outbox and cursor."""

    def __init__(self, base, username, orders):
        self.base, self.username, self.orders = base, username, orders
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector())
        self.client_id, self.seq, self.cursor = str(uuid.uuid4()), 0, None
        self.outbox, self.token = [], None
        # One push at a time, as the app sends its outbox: two pushes in flight from one phone
        # could each be answered with a last_seq covering changes the other one carried.
        self.pushing = asyncio.Lock()
        self.acknowledged = {}  # mutation_id -> (kind, row id, status)
        self.sent = {}  # mutation_id -> (kind, row id) of every change ever put in the outbox
        self.reassigned_away = set()  # order ids a bench dispatcher gave (or tried to give) to someone else
        self.refused = []  # (mutation_id, order id) counted as refused because the order was reassigned away

    async def login(self, rec):
        for attempt in range(8):  # a busy server answers 503: wait and log in again, as a person would
            page = await rec.call(self.session, "login", "GET", f"{self.base}/login")
            answer = None
            if page and page[0] == 200:
                token = re.search(rb'name="csrf_token" value="([^"]+)"', page[1]).group(1).decode()
                await rec.call(self.session, "login", "POST", f"{self.base}/login", allow_redirects=False,
                               data={"username": self.username, "password": PASSWORD, "csrf_token": token})
                answer = await rec.call(self.session, "login", "GET", f"{self.base}/api/session")
            if answer and answer[0] == 200:
                self.token = json.loads(answer[1])["csrf_token"]
                await self.pull(rec, "snapshot")
                return
            await asyncio.sleep(1 + attempt)
        raise RuntimeError(f"{self.username} could not log in")

    def queue(self, name, args, row_id):
        self.seq += 1
        self.outbox.append({"seq": self.seq, "mutation_id": str(uuid.uuid4()), "name": name, "args": args,
                            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "_row": row_id})
        self.sent[self.outbox[-1]["mutation_id"]] = (name, row_id)

    async def push(self, rec, kind="push"):
        async with self.pushing:
            await self._push(rec, kind)

    async def _push(self, rec, kind):
        if not self.outbox:
            return
        body = {"client_id": self.client_id,
                "mutations": [{k: v for k, v in m.items() if not k.startswith("_")} for m in self.outbox]}
        answer = await rec.call(self.session, kind, "POST", f"{self.base}/api/sync/push", json=body,
                                headers={"X-CSRFToken": self.token})
        if answer is None or answer[0] != 200:
            return  # kept in the outbox; sent again next time (503: after Retry-After, as the phone does)
        result = json.loads(answer[1])
        by_seq = {r["seq"]: r["status"] for r in result["results"]}
        sent = {m["seq"] for m in body["mutations"]}
        answered = [m for m in self.outbox if m["seq"] <= result["last_seq"]]
        for m in answered:
            status = by_seq.get(m["seq"], "no result")  # every seq this push carried up to last_seq has its answer
            if m["seq"] not in sent:
                continue  # queued while this push was out: stays in the outbox, sent with the next push
            if status == "conflict" and m["args"].get("order_id") in self.reassigned_away:
                # The protocol's right answer if a dispatcher did take that order away: the end
                # check reads the order's holder and counts it an error otherwise.
                rec.refusals[kind] += 1
                self.refused.append((m["mutation_id"], m["args"]["order_id"]))
            elif status != "applied":
                rec.errors[f"{kind}: {status}"] += 1
            self.acknowledged[m["mutation_id"]] = (m["name"], m["_row"], status)
        self.outbox = [m for m in self.outbox if m["seq"] > result["last_seq"] or m["seq"] not in sent]

    async def pull(self, rec, kind="pull"):
        while True:
            url = f"{self.base}/api/sync/pull?client_id={self.client_id}" + (f"&cursor={self.cursor}" if self.cursor else "")
            answer = await rec.call(self.session, kind, "GET", url)
            if answer is None or answer[0] != 200:
                return
            body = json.loads(answer[1])
            self.cursor = body["cursor"]
            gone = {c["id"] for c in body["changes"] if c["table"] == "orders" and c["deleted"]}
            if gone and len(gone) < len(self.orders):
                self.orders = [o for o in self.orders if o not in gone]  # the app no longer offers it
            if not body.get("more"):
                return

    async def changes(self, rec, rng):
        for _ in range(rng.randint(1, 3)):
            note_id = str(uuid.uuid4())
            self.queue("order.add_note", {"order_id": rng.choice(self.orders), "note_id": note_id,
                                          "text": "复测收光 -21.3 dBm，正常"}, note_id)
        await self.push(rec)

    async def upload(self, rec, data, kind):
        import hashlib
        sha = hashlib.sha256(data).hexdigest()
        answer = await rec.call(self.session, kind, "POST", f"{self.base}/api/uploads", headers={"X-CSRFToken": self.token},
                                json={"sha256": sha, "size": len(data), "content_type": "image/jpeg"})
        if answer is None or answer[0] not in (200, 201):
            return None
        created = json.loads(answer[1])
        if created.get("complete"):
            return sha
        offset = created["offset"]
        while offset < len(data):
            chunk = data[offset:offset + CHUNK]
            answer = await rec.call(self.session, kind, "PATCH", f"{self.base}/api/uploads/{created['upload_id']}", data=chunk,
                                    headers={"X-CSRFToken": self.token, "Upload-Offset": str(offset),
                                             "Content-Type": "application/offset+octet-stream"})
            if answer is None or answer[0] != 204:
                return None
            offset = int(answer[2]["Upload-Offset"])
        return sha

    async def photo(self, rec, data, rng):
        sha = await self.upload(rec, data, "photo upload")
        if sha:
            photo_id = str(uuid.uuid4())
            self.queue("order.attach_photo", {"order_id": rng.choice(self.orders), "photo_id": photo_id, "sha256": sha,
                                              "caption": "分光箱"}, photo_id)
            await self.push(rec, "photo push")

    async def led_check(self, rec, data, rng):
        sha = await self.upload(rec, data, "led upload")
        if sha:
            check_id = str(uuid.uuid4())
            self.queue("order.led_check", {"order_id": rng.choice(self.orders), "check_id": check_id,
                                           "model_id": "huawei-hg8245h", "capture": "photo", "sha256": sha, "frames": 1}, check_id)
            await self.push(rec, "led push")


class Dispatcher:
    def __init__(self, base, username):
        self.base, self.username = base, username
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector())
        self.token, self.loads = None, 0

    async def login(self, rec):
        page = await rec.call(self.session, "login", "GET", f"{self.base}/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page[1]).group(1).decode()
        await rec.call(self.session, "login", "POST", f"{self.base}/login",
                       data={"username": self.username, "password": PASSWORD, "csrf_token": token}, allow_redirects=False)

    async def console(self, rec, rng, orders, ids, active, phones_by_name):
        answer = await rec.call(self.session, "console", "GET", f"{self.base}/dispatch/")
        if answer is None or answer[0] != 200:
            return
        self.token = re.search(rb'<meta name="csrf-token" content="([^"]+)"', answer[1]).group(1).decode()
        self.loads += 1
        if self.loads % 5 == 0 and len(active) > 1:
            giver, taker = rng.sample(active, 2)
            order_id = rng.choice(orders[giver])
            phones_by_name[giver].reassigned_away.add(order_id)
            await rec.call(self.session, "reassign", "POST", f"{self.base}/dispatch/assign", allow_redirects=False,
                           data={"order_id": str(order_id), "technician_id": str(ids[taker]), "csrf_token": self.token})


async def every(interval, action, stop_at, rng, rec=None):
    """Run `action` every `interval` seconds (first at a random phase) until `stop_at`."""
    # A random phase over the whole interval (one that falls after the end of the step is not run),
    # so that an action rarer than the step still comes at its own rate on average.
    phase = rng.uniform(0, interval)
    await asyncio.sleep(max(0.0, min(phase, stop_at - time.monotonic())))
    while time.monotonic() < stop_at:
        started = time.monotonic()
        try:
            await action()
        except Exception as exc:  # an answer the bench could not read is an error, not the end of the run
            print(f"   ! {type(exc).__name__}: {exc}", file=sys.stderr)
        # Never past the end of the step: the step's wall time is what its requests and CPU are divided by.
        await asyncio.sleep(max(0.0, min(interval - (time.monotonic() - started), stop_at - time.monotonic())))


async def run_step(base, phones, dispatchers, seconds, compression, photos, leds, orders, ids):
    rec = Recorder()
    rng = random.Random(len(phones))
    stop_at = time.monotonic() + seconds
    active = [p.username for p in phones]
    phones_by_name = {p.username: p for p in phones}
    tasks = []
    for phone in phones:
        tasks += [every(PULL_S / compression, lambda p=phone: p.pull(rec), stop_at, rng),
                  every(CHANGE_S / compression, lambda p=phone: p.changes(rec, rng), stop_at, rng),
                  every(PHOTO_S / compression, lambda p=phone: p.photo(rec, unique(rng.choice(photos)), rng), stop_at, rng),
                  every(LED_S / compression, lambda p=phone: p.led_check(rec, unique(rng.choice(leds)), rng), stop_at, rng)]
    for desk in dispatchers:
        # Five people at the desk whatever the number of phones: their cadence is not compressed.
        tasks.append(every(CONSOLE_S, lambda d=desk: d.console(rec, rng, orders, ids, active, phones_by_name), stop_at, rng))
    await asyncio.gather(*tasks)
    return rec


# ---- the server's side: CPU, memory, queue ----

def server_processes(stack, names=("web", "worker")):
    """The processes of the Procfile lines `names` (gunicorn's master and workers; the Huey consumer)."""
    found = []
    for name in names:
        process = stack.running.get(name)
        if process is None:
            continue
        try:
            parent = psutil.Process(process.pid)
            found += [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return found


def cpu_seconds(processes):
    """User + system CPU seconds these processes have used (from /proc/<pid>/stat, through psutil)."""
    return cpu_of(processes)


# What each endpoint's CPU is booked under (the server's own per-request thread CPU, /metrics).
CPU_KINDS = (("sync.pull", "pull"), ("sync.push", "push"), ("sync.create_upload", "upload"),
             ("sync.upload_chunk", "upload"), ("sync.upload_offset", "upload"), ("dispatch.", "console"))


def cpu_kind(endpoint):
    return next((kind for prefix, kind in CPU_KINDS if endpoint.startswith(prefix)), "other")


def server_meters(stack, scrape_first):
    """A snapshot of what the server has spent: process CPU of web and worker, and per kind of
    request the thread CPU seconds and the count that the server itself recorded. Before a step
    the scrape goes first and after it last, so the scrapes' own CPU stays out of the step."""
    import urllib.request

    def scrape():
        with urllib.request.urlopen(stack.url + "/metrics", timeout=60) as response:
            return response.read().decode()
    text = scrape() if scrape_first else None
    meters = {"web": cpu_seconds(server_processes(stack, ("web",))),
              "worker": cpu_seconds(server_processes(stack, ("worker",))),
              "kinds": collections.defaultdict(lambda: [0.0, 0])}
    text = text or scrape()
    for match in re.finditer(r'^ontrack_request_(cpu_seconds_total|seconds_count)\{([^}]*)\} (\S+)$', text, re.M):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
        slot = 0 if match.group(1) == "cpu_seconds_total" else 1
        meters["kinds"][cpu_kind(labels.get("endpoint", ""))][slot] += float(match.group(3))
    return meters


def pressure():
    """The box's load average (1 min) and the share of time tasks waited for a CPU (/proc/pressure/cpu)."""
    try:
        some = re.search(r"some avg10=(\S+)", pathlib.Path("/proc/pressure/cpu").read_text()).group(1)
    except (OSError, AttributeError):
        some = "?"
    return os.getloadavg()[0], some


def rss_mb(processes):
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 1024 / 1024


def queue_depth(base):
    import urllib.request
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=30) as response:
            text = response.read().decode()
    except OSError:
        return -1
    match = re.search(r"^ontrack_job_queue_depth (\S+)", text, re.M)
    return int(float(match.group(1))) if match else -1


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def cost(n_equivalent, seconds, before, after, fixed_per_minute=None):
    """What the step cost the server in CPU, and the load two cores could carry at that cost.

    CPU seconds are the server's own (gunicorn's processes and the Huey worker, from
    /proc/<pid>/stat), so other work on a shared box does not inflate them the way it inflates
    latencies. What the server spends whatever the number of phones (the five dispatchers'
    console, the every-minute sweep over 20,000 open orders, the worker's polling) is measured
    in a step with no phones first (`fixed_per_minute`, CPU seconds per minute) and taken out
    before dividing by technician-minutes.
    """
    web, worker = after["web"] - before["web"], after["worker"] - before["worker"]
    kinds = {}
    for kind in sorted(set(after["kinds"]) | set(before["kinds"])):
        cpu = after["kinds"][kind][0] - before["kinds"][kind][0]
        count = after["kinds"][kind][1] - before["kinds"][kind][1]
        kinds[kind] = {"requests": round(count), "thread_cpu_s": round(cpu, 2),
                       "cpu_ms_per_request": round(cpu / count * 1000, 2) if count else None}
    minutes = seconds / 60
    if not n_equivalent:  # the step with no phones: what the server spends anyway
        return {"web_cpu_s": round(web, 1), "worker_cpu_s": round(worker, 1), "by_kind": kinds,
                "fixed_cpu_s_per_minute": round((web + worker) / minutes, 2)}
    fixed = fixed_per_minute or 0.0
    per_tech_minute = max(0.0, web + worker - fixed * minutes) / (n_equivalent * minutes)
    cores = psutil.cpu_count()

    def carried(share):
        return int((cores * 60 * share - fixed) / per_tech_minute) if per_tech_minute > 0 else None
    return {"web_cpu_s": round(web, 1), "worker_cpu_s": round(worker, 1),
            "cpu_ms_per_technician_minute": round(per_tech_minute * 1000, 2),
            "fixed_cpu_s_per_minute": round(fixed, 2), "by_kind": kinds,
            "derived_technicians_at_70pct": carried(0.70), "derived_technicians_at_100pct": carried(1.0)}


def report(step, n_sim, compression, seconds, rec, spent, cpu_box, rss, depth, load):
    equivalent = n_sim * compression
    cpu = (spent["web_cpu_s"] + spent["worker_cpu_s"]) / seconds * 100
    print(f"\n== step {step}: {n_sim} simulated phones × {compression} = {equivalent} technicians at the real cadence ==")
    print(f"   {rec.requests / seconds:.1f} requests/s, errors {sum(rec.errors.values())}"
          f"{' ' + dict(rec.errors).__repr__() if rec.errors else ''}"
          f"{'; refused as reassigned away (checked at the end) ' + repr(dict(rec.refusals)) if rec.refusals else ''}")
    print(f"   server CPU {cpu:.0f}% of one core (web {spent['web_cpu_s']} s, job worker {spent['worker_cpu_s']} s in {seconds:.0f} s;"
          f" the whole box, bench client included: {cpu_box:.0f}% of all cores), server memory {rss:.0f} MB,"
          f" job queue after the step {depth}")
    print(f"   the box meanwhile: load average {load[0]:.1f} (1 min, at the end), CPU pressure 'some' {load[1]} %")
    if n_sim:
        print(f"   measured CPU cost: {spent['cpu_ms_per_technician_minute']:.1f} ms of server CPU per technician-minute"
              f" (after the {spent['fixed_cpu_s_per_minute']:.2f} s per minute the server spends with no phones)")
        print(f"   DERIVED from that measured CPU cost (not measured directly): {psutil.cpu_count()} cores would carry about"
              f" {spent['derived_technicians_at_70pct']} technicians at 70 % busy, {spent['derived_technicians_at_100pct']} at 100 %")
    else:
        print(f"   with no phones (five dispatchers, the minute sweep, the worker's polling): {spent['fixed_cpu_s_per_minute']:.2f}"
              " CPU seconds per minute")
    print("   server thread CPU per request: " + ", ".join(
        f"{kind} {v['cpu_ms_per_request']} ms × {v['requests']}" for kind, v in spent["by_kind"].items() if v["requests"]))
    print(f"   {'kind':14} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    row = {}
    for kind in sorted(rec.latency):
        values = rec.latency[kind]
        p50, p95, top = statistics.median(values), percentile(values, 0.95), max(values)
        row[kind] = {"count": len(values), "p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1), "max_ms": round(top * 1000, 1)}
        print(f"   {kind:14} {len(values):7d} {p50 * 1000:8.1f} {p95 * 1000:8.1f} {top * 1000:8.1f}")
    ok = not rec.errors and all(v["p95_ms"] < TARGET_P95_S * 1000 for v in row.values())
    phones_ok = not rec.errors and all(v["p95_ms"] < TARGET_P95_S * 1000 for k, v in row.items() if k in PHONE_KINDS)
    return {"phones_ok": phones_ok, "simulated": n_sim, "technicians": equivalent, "requests_per_s": round(rec.requests / seconds, 1),
            "errors": dict(rec.errors), "refused_reassigned": dict(rec.refusals), "server_cpu_pct": round(cpu),
            "box_cpu_pct": round(cpu_box), "server_rss_mb": round(rss), "queue_depth": depth, "load_average_1min": load[0],
            "cpu_pressure_some_pct": load[1], "cost": spent, "kinds": row, "ok": ok}


def exactly_once(database, phones, ids):
    """Every change arrived exactly once; return (counts, problems).

    - every acknowledged change is in mutation_log once, and its row is there once when it was
      applied and absent when it was refused;
    - every refusal counted as "reassigned away" is on an order that its technician no longer
      holds (a dispatcher did take it away), otherwise it is a problem;
    - a change sent but never acknowledged (still in an outbox at the end) is logged at most
      once and has its row exactly when it is logged;
    - mutation_log holds nothing from the bench's phones that the bench did not send.
    """
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    problems = []
    counts = collections.Counter()
    queries = {"order.add_note": "SELECT COUNT(*) FROM order_notes WHERE uid = ?",
               "order.attach_photo": "SELECT COUNT(*) FROM attachments WHERE id = ?",
               "order.led_check": "SELECT COUNT(*) FROM led_checks WHERE id = ?"}

    def logged_and_rows(mutation_id, name, row_id):
        logged = conn.execute("SELECT COUNT(*) FROM mutation_log WHERE mutation_id = ?", [mutation_id]).fetchone()[0]
        return logged, conn.execute(queries[name], [row_id]).fetchone()[0]

    for phone in phones:
        for mutation_id, (name, row_id, status) in phone.acknowledged.items():
            counts["acknowledged"] += 1
            counts[status] += 1
            logged, rows = logged_and_rows(mutation_id, name, row_id)
            if logged != 1 or rows != (1 if status == "applied" else 0):
                problems.append(("acknowledged", phone.username, name, mutation_id, status, logged, rows))
        for mutation_id, order_id in phone.refused:
            holder = conn.execute("SELECT technician_id FROM orders WHERE id = ?", [order_id]).fetchone()
            if holder is None or holder[0] == ids[phone.username]:
                problems.append(("refused but still held", phone.username, order_id, mutation_id))
        for mutation_id, (name, row_id) in phone.sent.items():
            if mutation_id in phone.acknowledged:
                continue
            counts["never acknowledged"] += 1
            logged, rows = logged_and_rows(mutation_id, name, row_id)
            if logged > 1 or rows != logged:
                problems.append(("unacknowledged", phone.username, name, mutation_id, logged, rows))
        in_log = conn.execute("SELECT COUNT(*) FROM mutation_log WHERE client_id = ?", [phone.client_id]).fetchone()[0]
        if in_log > len(phone.sent):
            problems.append(("more logged than sent", phone.username, in_log, len(phone.sent)))
    conn.close()
    return counts, problems


async def main(args):
    steps = [int(n) for n in args.steps.split(",")]
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-capacity-"))
    stack = Stack(folder, processes=("web", "worker"))
    print(f"preparing a demo city in {folder} (make run's `flask prepare`) ...", flush=True)
    stack.prepare()
    started = time.monotonic()
    orders, ids = seed(folder, max(steps), args.orders)
    print(f"seeded {len(orders)} technicians ({max(steps)} with phones syncing), {DISPATCHERS} dispatchers and {args.orders} open orders"
          f" in {time.monotonic() - started:.0f} s", flush=True)
    photos, leds = photo_pool(args.photos), led_pool(12)
    stack.start()
    if args.renice:
        # Ahead of whatever else the box runs (other people's jobs on a shared machine), as a
        # dedicated server would be; the job worker keeps its nice 10 relative to the web server.
        # Linux keeps a nice value per thread: gunicorn's request threads must be moved one by one.
        for process in server_processes(stack) + [psutil.Process()]:
            try:
                for thread in process.threads():
                    os.setpriority(os.PRIO_PROCESS, thread.id, max(-20, os.getpriority(os.PRIO_PROCESS, thread.id) + args.renice))
            except (psutil.AccessDenied, psutil.NoSuchProcess, PermissionError, ProcessLookupError):
                print("   (could not renice every thread: run as root for --renice)")
    base = stack.url
    print(f"serving at {base}: gunicorn {os.environ.get('ONTRACK_WEB_WORKERS', '2')} workers ×"
          f" {os.environ.get('ONTRACK_WEB_THREADS', '8')} threads, job worker beside it;"
          f" time compression {args.compression}, {args.seconds} s per step", flush=True)
    phones, results = [], []
    setup = Recorder()
    connector_limit = asyncio.Semaphore(16)
    dispatchers = [Dispatcher(base, name) for name in ["dispatch1", "dispatch2"] + [f"dispatch{i}" for i in range(3, DISPATCHERS + 1)]]
    for desk in dispatchers:
        await desk.login(setup)
    fixed_per_minute = None
    try:
        # Step 0 has no phones: what the server spends whatever their number, taken out of the cost per technician.
        for step, n_sim in enumerate([0] + steps):
            new = [Phone(base, f"bt{i}", orders[f"bt{i}"]) for i in range(len(phones) + 1, n_sim + 1)]

            async def log_in(phone):
                async with connector_limit:
                    await phone.login(setup)
            await asyncio.gather(*(log_in(p) for p in new))
            phones += new
            before = server_meters(stack, scrape_first=True)
            box_before, wall_before = psutil.cpu_times(), time.monotonic()
            rec = await run_step(base, phones, dispatchers, args.seconds, args.compression, photos, leds, orders, ids)
            wall = time.monotonic() - wall_before
            box_after = psutil.cpu_times()
            after = server_meters(stack, scrape_first=False)
            busy = (sum(box_after) - box_after.idle) - (sum(box_before) - box_before.idle)
            spent = cost(n_sim * args.compression, wall, before, after, fixed_per_minute)
            if not n_sim:
                fixed_per_minute = spent["fixed_cpu_s_per_minute"]
            result = report(step, n_sim, args.compression, wall, rec, spent,
                            busy / wall / psutil.cpu_count() * 100, rss_mb(server_processes(stack)), queue_depth(base),
                            pressure())
            results.append(result)
            if not n_sim:
                continue
            # The console is five people's page, not the phones' load: the ramp follows the phones.
            if not args.keep_going and not result["phones_ok"] and len(results) > 1 and not results[-2]["phones_ok"]:
                print("   two steps in a row over the target for the phones: the ramp stops here")
                break
        final = Recorder()
        for phone in phones:  # what is still in an outbox goes now, as it would on the next sync
            for _ in range(5):
                if not phone.outbox:
                    break
                await phone.push(final)
        counts, problems = exactly_once(stack.database, phones, ids)
    finally:
        for session in [p.session for p in phones] + [d.session for d in dispatchers]:
            await session.close()
        stack.stop()
    good = [r for r in results if r["ok"] and r["technicians"]]  # not the step with no phones
    print("\n== summary ==")
    print(f"   every change arrived exactly once: {'yes' if not problems else 'NO'} ({counts['acknowledged']} acknowledged:"
          f" {counts['applied']} applied, {counts['conflict']} refused as reassigned away (each checked: the order is"
          f" held by someone else now), {counts['acknowledged'] - counts['applied'] - counts['conflict']} other;"
          f" {counts['never acknowledged']} never acknowledged, each logged at most once"
          f"{'; problems: ' + repr(problems[:5]) if problems else ''})")
    if final.errors:
        print(f"   errors while the outboxes were emptied after the last step: {dict(final.errors)}")
    # A step whose job queue backed up did not spend the CPU its LED readings need: not a cost to trust.
    kept_up = [r for r in results if r["technicians"] and 0 <= r["queue_depth"] <= 10]
    if kept_up:
        top = max(kept_up, key=lambda r: r["technicians"])["cost"]
        print(f"   DERIVED from the measured CPU cost at the largest step whose job queue kept up"
              f" ({top['cpu_ms_per_technician_minute']} ms of server CPU"
              f" per technician-minute): {psutil.cpu_count()} dedicated cores carry about {top['derived_technicians_at_70pct']}"
              f" technicians at 70 % busy ({top['derived_technicians_at_100pct']} at 100 %) — an estimate, not a measurement")
    if good:
        best = max(good, key=lambda r: r["technicians"])
        print(f"   largest N with zero errors and every p95 < 300 ms: {best['technicians']} technicians"
              f" ({best['simulated']} simulated × {args.compression}), {best['requests_per_s']} requests/s")
    else:
        print("   no step met zero errors and p95 < 300 ms for every kind")
    phones_good = [r for r in results if r["phones_ok"] and r["technicians"]]
    if phones_good:
        best = max(phones_good, key=lambda r: r["technicians"])
        print(f"   largest N with zero errors and p95 < 300 ms for the phones' requests (console aside): {best['technicians']}")
    print("   (this box may be shared with other work while the bench runs: the figures are pessimistic)")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "capacity.json").write_text(json.dumps({"compression": args.compression, "seconds": args.seconds,
                                                   "steps": results, "exactly_once": dict(counts),
                                                   "exactly_once_problems": [list(p) for p in problems[:50]]}, indent=2))
    return 0 if not problems else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="50,100,200,300,500,700,1000", help="simulated technicians per step")
    parser.add_argument("--seconds", type=int, default=60, help="length of each step")
    parser.add_argument("--compression", type=int, default=10, help="time compression factor")
    parser.add_argument("--orders", type=int, default=OPEN_ORDERS, help="open orders in the city (the issue: 20,000)")
    parser.add_argument("--photos", type=int, default=20, help="base pictures (each upload is made unique)")
    parser.add_argument("--keep-going", action="store_true",
                        help="run every step even after two over the target (the CPU cost per technician is still measured)")
    parser.add_argument("--renice", type=int, default=0,
                        help="lower the server's and the bench's nice value by this much (e.g. -10 on a shared box; root)")
    # Stopped with SIGTERM, the bench still stops the server it started (the `finally` in main).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(asyncio.run(main(parser.parse_args())))
