"""Background jobs and scheduled work (Huey): slow work never runs inside a request's write transaction.

One box needs nothing beside ONTrack: the queue is a SQLite file of its own (`jobs.sqlite3`
beside the database, so queueing a job never waits for the orders database's write lock). A
bigger site sets `ONTRACK_REDIS_URL` and runs as many workers as it likes. `make run` starts
the worker (`huey_consumer webapp.background.huey`) beside the web server.

Tests and a single-process run without a worker set `ONTRACK_JOBS_IMMEDIATE=1` (or
`JOBS_IMMEDIATE` in the app config): a job then runs in the caller's thread when it is
queued, after the caller's transaction has committed.
"""
import os
import pathlib
import time

from huey import PriorityRedisHuey, SqliteHuey

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
HEARTBEAT_KEY = "worker-heartbeat"
# The worker writes a heartbeat when it starts and every minute; /healthz calls it dead after this.
HEARTBEAT_STALE_SECONDS = 150


def jobs_database():
    """The queue's own SQLite file: ONTRACK_JOBS_DATABASE, else jobs.sqlite3 beside the orders database."""
    explicit = os.environ.get("ONTRACK_JOBS_DATABASE")
    if explicit:
        return explicit
    database = os.environ.get("ONTRACK_DATABASE")
    folder = pathlib.Path(database).parent if database else ROOT / "instance"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "jobs.sqlite3")


def make_huey():
    """The queue for this process, from the environment (Redis when ONTRACK_REDIS_URL is set)."""
    immediate = os.environ.get("ONTRACK_JOBS_IMMEDIATE", "") in ("1", "true", "yes")
    redis_url = os.environ.get("ONTRACK_REDIS_URL")
    if redis_url:
        return PriorityRedisHuey("ontrack", url=redis_url, immediate=immediate, results=False)  # priorities, as SQLite
    return SqliteHuey("ontrack", filename=jobs_database(), immediate=immediate, results=False, timeout=10)


huey = make_huey()


def beat():
    """Record that a worker is alive (startup and every minute)."""
    huey.put(HEARTBEAT_KEY, time.time())


def worker_alive():
    """(alive?, seconds since the last heartbeat or None). Immediate mode has no worker to wait for."""
    if huey.immediate:
        return True, 0.0
    stamp = huey.get(HEARTBEAT_KEY, peek=True)
    if stamp is None:
        return False, None
    age = time.time() - stamp
    return age < HEARTBEAT_STALE_SECONDS, age


def queue_depth():
    """How many jobs wait for a worker."""
    return 0 if huey.immediate else huey.pending_count()


from . import tasks  # noqa: E402,F401  (registers the jobs on `huey` for the consumer)
