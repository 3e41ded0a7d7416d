"""gunicorn settings for `make run` (the Procfile's `web`): bounded workers and threads, access log with request ids.

Sized for a 2-core box: 2 worker processes × 8 threads. A sync request spends most of its time
in SQLite (which releases the GIL) or waiting on the network, so threads keep both cores busy
while the number of requests in flight, and so the memory and the queue for SQLite's single
writer, stays bounded. Every value comes from the environment:

ONTRACK_BIND (127.0.0.1:5000), ONTRACK_WEB_WORKERS (2), ONTRACK_WEB_THREADS (8),
ONTRACK_WEB_TIMEOUT (30 s), ONTRACK_WEB_BACKLOG (2048).
"""
import os
import pathlib
import shutil

import gunicorn.http.wsgi

ROOT = pathlib.Path(__file__).resolve().parent.parent

bind = os.environ.get("ONTRACK_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("ONTRACK_WEB_WORKERS", "2"))
threads = int(os.environ.get("ONTRACK_WEB_THREADS", "8"))
worker_class = "gthread"
timeout = int(os.environ.get("ONTRACK_WEB_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5  # the reverse proxy keeps connections open between a phone's requests
backlog = int(os.environ.get("ONTRACK_WEB_BACKLOG", "2048"))
# The app is built once (migrations run once) and the workers are forked from it.
preload_app = True
accesslog = os.environ.get("ONTRACK_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s ua="%(a)s"'
errorlog = "-"
# SQLite's files must not be readable by others; the blobs are customers' premises.
umask = 0o027

# The Server header names ONTrack, not the software serving it (README, "Headers"), as under Werkzeug
# (webapp._quiet_server_header). gunicorn has no setting for it: its responses write the module's SERVER,
# read when each response is made, so it is set here, in the master, before the workers are forked.
gunicorn.http.wsgi.SERVER = "ONTrack"

# Each worker counts its own metrics into this folder; /metrics adds them up. Emptied here, once,
# in the master: this file is read before the app is loaded.
# Beside the database, so that two servers on one box (tests, benchmarks) never share it.
_database = os.environ.get("ONTRACK_DATABASE")
_default_metrics = (pathlib.Path(_database).parent if _database else ROOT / "instance") / "metrics"
_metrics_dir = pathlib.Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(_default_metrics)))
shutil.rmtree(_metrics_dir, ignore_errors=True)
_metrics_dir.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
control_socket_disable = True  # several servers on one box (tests, benchmarks) would share one socket path
