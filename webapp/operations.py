"""Running ONTrack for a city: proxies, HTTPS, compression, request ids, health, metrics, a busy database.

- Behind Caddy (or any reverse proxy), `ONTRACK_PROXY_COUNT` proxies are trusted for the
  client's address, scheme and host (Werkzeug's ProxyFix, set up in create_app); 0 trusts none.
- `ONTRACK_PUBLIC_URL` is the address people use (https://ontrack.example.cn): every link that
  leaves the server (the customer's QR code, reports) is built on it, never on the Host header.
  In production a request that arrived over plain HTTP is sent there, and HSTS is on.
- HTML, JSON, JS and CSS go out compressed (Flask-Compress, Brotli or gzip).
- Every request gets an id (the proxy's X-Request-ID when it sends a sane one): it is in the
  response, the access log (gunicorn's, see webapp/gunicorn_conf.py) and any error logged.
- A database too busy to take a write within its busy timeout answers 503 with Retry-After;
  the phone waits and sends again (offline/sync.js). Nothing was written, nothing is lost.
- `/healthz` (database writable, job worker alive, disk space; the details only for the box itself)
  and `/metrics` (Prometheus, the box itself only).
"""
import logging
import os
import re
import shutil
import sqlite3
import time
import uuid

from flask import Blueprint, Response, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_compress import Compress

from . import metrics
from .db import get_db, transaction

bp = Blueprint("operations", __name__)
compress = Compress()
log = logging.getLogger("ontrack")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
RETRY_AFTER_SECONDS = 3
MIN_FREE_DISK_BYTES = 1024 ** 3
# Probes from the box itself answer over plain HTTP even in production.
UNREDIRECTED = ("/healthz", "/metrics")


def init_app(app):
    """Wire proxies, compression, request ids, the busy-database answer and the two endpoints."""
    compress.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_count_cpu)
    app.register_error_handler(sqlite3.OperationalError, _database_error)


def public_url(endpoint, **values):
    """An absolute link for someone outside (a customer's phone): ONTRACK_PUBLIC_URL + the path."""
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base.rstrip("/") + url_for(endpoint, **values)


def _start():
    g.started = time.perf_counter()
    g.cpu_started = time.thread_time()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
    config = current_app.config
    if (config["ENV_NAME"] == "production" and not request.is_secure and config.get("PUBLIC_URL")
            and request.path not in UNREDIRECTED):
        # A Secure session cookie never comes back over plain HTTP: logging in there cannot work.
        return redirect(config["PUBLIC_URL"].rstrip("/") + request.full_path.rstrip("?"), code=308)
    return None


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if current_app.config["ENV_NAME"] == "production" and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    if "started" in g:
        metrics.observe_request(request.endpoint or "unmatched", request.method, response.status_code,
                                time.perf_counter() - g.started)
    return response


def _count_cpu(exc):
    # After every after_request function (the compression too): the request's whole CPU cost.
    if "cpu_started" in g:
        metrics.observe_request_cpu(request.endpoint or "unmatched", request.method, time.thread_time() - g.cpu_started)


def is_busy(exc):
    """Whether SQLite refused because another writer held the lock past the busy timeout."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _database_error(exc):
    if not is_busy(exc):
        log.exception("database error (request %s)", g.get("request_id"))
        message, status, headers = _("Something went wrong on our side. What you entered was not saved; please try again."), 500, {}
    else:
        log.warning("database busy, answered 503 (request %s): %s", g.get("request_id"), exc)
        metrics.BUSY.inc()
        message = _("The server is busy. Nothing was lost: this is tried again in a few seconds.")
        status, headers = 503, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if request.path.startswith("/api/v1/"):
        from .api import problems
        return problems.for_status(status, message, headers=headers)
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(error=message), status, headers
    return render_template("error.html", status=status, message=message), status, headers


@bp.get("/healthz")
def healthz():
    """200 when the database takes a write, the job worker is alive and the disk has room, else 503.

    The box itself (a monitor, the container's health check, `curl 127.0.0.1:5000/healthz`) and
    whoever holds ONTRACK_METRICS_TOKEN get {ok, database, worker, disk} with the reasons; anyone
    else, which includes every request that came through the reverse proxy, gets only {ok}: the
    error text, free bytes and worker heartbeat are nobody's business outside (issue 14).
    """
    from .background import worker_alive
    checks = {"database": _database_writable(), "worker": _worker(worker_alive), "disk": _disk()}
    ok = all(check["ok"] for check in checks.values())
    body = {"ok": ok, **checks} if _monitor() else {"ok": ok}
    return jsonify(body), 200 if ok else 503, {"Cache-Control": "no-store"}


def _monitor():
    """Whether the request comes from the box itself, not through a proxy, or carries the monitoring token.

    Through Caddy the connection is from 127.0.0.1 too, but the proxy adds X-Forwarded-For
    (or Forwarded): such a request is never taken for the box's own, whatever ONTRACK_PROXY_COUNT says.
    """
    token = current_app.config.get("METRICS_TOKEN")
    if token and request.headers.get("Authorization") == f"Bearer {token}":
        return True
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return request.remote_addr in ("127.0.0.1", "::1") and not forwarded


def _database_writable():
    try:
        db = get_db()
        with transaction(db):  # takes the write lock and gives it back: nothing is written
            db.conn.execute("SELECT 1")
        return {"ok": True}
    except sqlite3.Error as exc:
        return {"ok": False, "error": str(exc)}


def _worker(alive):
    up, age = alive()
    return {"ok": up, "heartbeat_age_seconds": None if age is None else round(age, 1)}


def _disk():
    folder = current_app.config["BLOB_FOLDER"]
    usage = shutil.disk_usage(folder if os.path.isdir(folder) else current_app.instance_path)
    return {"ok": usage.free >= MIN_FREE_DISK_BYTES, "free_bytes": usage.free}


@bp.get("/metrics")
def metrics_endpoint():
    """Prometheus metrics, for the box itself (or a scraper with ONTRACK_METRICS_TOKEN)."""
    if not _monitor():
        return jsonify(error=_("You are not allowed to do this.")), 403
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})
