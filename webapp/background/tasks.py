"""The jobs: LED readings, visit-report PDFs, and the every-minute timers.

Each job does its slow part (file reads, image decoding, PDF layout) with no transaction
open, then writes its result in one short `BEGIN IMMEDIATE` transaction. A job may run twice
(a worker killed half-way is retried); every write is guarded so a second run changes nothing.
"""
import datetime
import json
import logging
import threading

from flask import current_app, has_app_context
from huey import crontab
from huey.exceptions import RetryTask

from . import beat, huey

log = logging.getLogger("ontrack.jobs")
_worker_app = {}
# The worker runs its periodic tasks on several threads at once: without the lock two of them build the app
# together, and flask-smorest refuses the second registration of the same component (bearerAuth).
_worker_app_lock = threading.Lock()
LOST_JOB_MINUTES = 5


def _app():
    """The app whose configuration a job uses: the caller's in immediate mode, else the worker's own."""
    if has_app_context():
        return current_app._get_current_object()
    with _worker_app_lock:
        if "app" not in _worker_app:
            from .. import create_app
            _worker_app["app"] = create_app()
        return _worker_app["app"]


# Priorities: the queue hands out the highest first, so the minute's sweep and webhooks never wait
# behind a phone's batch of LED readings (one push may queue 200 of them; review r1).
SWEEP_PRIORITY, DELIVERY_PRIORITY = 100, 50


@huey.on_startup()
def _started():
    beat()


# ---- LED readings (issue 5's reader, moved out of the push; domain reference §2.1) ----

@huey.task(retries=2, retry_delay=10)
def read_led_check(check_id):
    """Read the photo (or burst) of LED check `check_id` and store the reading and a thumbnail.

    The phone gets the reading on its next pull (the row's update is logged for sync). A check
    already read is left alone. Each run is an attempt, counted in the database before the reading
    starts (checks.begin_attempt): a reading that raises is logged with its traceback and tried
    again in 10 s; after checks.MAX_READ_ATTEMPTS attempts (those of a worker killed half-way
    included, which the minute's sweep queues again) the check gets the final reading "not_read",
    and the technician taps the lights themselves.

    Without a worker (ONTRACK_JOBS_IMMEDIATE) a retry would go to huey's in-memory schedule, which
    nothing runs, and the check would stay pending for good (review r6): there the attempts follow one
    another at once, in the caller's thread, and the count ends them the same way.
    """
    app = _app()
    with app.app_context():
        from ..db import get_db
        from ..led import checks
        db = get_db()
        while True:
            row = checks.pending_check(db, check_id)
            if row is None:
                return None
            done, result = _read_attempt(app, db, row)
            if done:
                return result


def retries_wait_for_a_worker():
    """Whether a failed reading's retry can wait in the queue: not in immediate mode, where no worker runs it."""
    return not huey.immediate


def _read_attempt(app, db, row):
    """One counted reading attempt of LED check `row` → (ended?, the job's result). Not ended: try again now."""
    from ..led import checks
    from ..timeutil import utcnow
    check_id = row["id"]
    attempt = checks.begin_attempt(db, check_id, utcnow())
    if attempt > checks.MAX_READ_ATTEMPTS:  # the last ones ended with no reading and no error: a worker killed
        log.warning("LED check %s: %d reading attempts ended without a reading; stored as not read", check_id, attempt - 1)
        checks.store_reading(db, row, checks.not_read(), None)
        return True, False
    try:
        reading, thumb_sha = checks.read_stored(db, row, app.config["BLOB_FOLDER"])
    except Exception:  # whatever breaks this photo's reading (a reader bug, a file that cannot be read) must end
        log.exception("LED check %s: reading attempt %d of %d failed", check_id, attempt, checks.MAX_READ_ATTEMPTS)
        if attempt < checks.MAX_READ_ATTEMPTS:
            if not retries_wait_for_a_worker():
                return False, None
            raise RetryTask()  # huey tries again after retry_delay, without logging the traceback a second time
        reading, thumb_sha = checks.not_read(), None
    checks.store_reading(db, row, reading, thumb_sha)
    return True, reading["quality"]["ok"]


def queued_led_checks():
    """Ids of the LED checks whose reading job waits in the queue or in its schedule (a retry due): a job behind a
    backlog is not lost, and queuing it again would read the photo twice (review r6). Empty in immediate mode."""
    if huey.immediate:
        return set()
    waiting = list(huey.pending()) + list(huey.scheduled())
    return {task.args[0] for task in waiting if isinstance(task, read_led_check.task_class) and task.args}


# ---- visit report PDFs (issue 7) ----

@huey.task(retries=1, retry_delay=10)
def render_report_pdf(signoff_id, locale):
    """Lay out the PDF of sign-off `signoff_id` in `locale` and keep it beside the blobs."""
    app = _app()
    with app.test_request_context("/"):
        from flask_babel import force_locale
        from ..signoff import pdfs
        with force_locale(locale):
            pdfs.render(signoff_id, locale)


# ---- webhooks to the operator's systems (issue 19) ----

@huey.task(priority=DELIVERY_PRIORITY)
def deliver_webhooks(client_id, order_id):
    """Send the due webhook deliveries of one client for one order, in order (webapp/webhooks/delivery.py).

    One job at a time per chain (a lease in the database); a job that finds the chain busy looks again in a
    second, so an event committed while another job was finishing the chain is not left behind.
    A failed delivery's retry is scheduled after its delay.
    """
    app = _app()
    with app.app_context():
        from ..db import get_db
        from ..webhooks import delivery
        delays = delivery.retry_delays(app.config["WEBHOOK_RETRY_SECONDS"])
        try:
            retry = delivery.send_chain(get_db(), client_id, order_id, delays, app.config["WEBHOOK_TIMEOUT_SECONDS"])
        except delivery.ChainBusy:
            deliver_webhooks.schedule((client_id, order_id), delay=1)
            return
        if retry is not None:
            deliver_webhooks.schedule((client_id, order_id), delay=retry)


# ---- every minute: SLA timers and the rest of the sweep, upload expiry, the heartbeat ----

@huey.periodic_task(crontab(minute="*"), priority=SWEEP_PRIORITY)
def every_minute():
    """Run the timers (SLA warnings and breaches, and whatever else the sweep covers); expire unfinished uploads."""
    beat()
    app = _app()
    with app.app_context():
        from ..db import get_db
        from ..sla.sweeper import sweep
        from ..timeutil import utcnow
        from ..timeutil import to_text
        from ..led import checks
        db, now = get_db(), utcnow()
        warnings, breaches = sweep(db, now)
        if warnings or breaches:
            log.info("sweep: %s", json.dumps({"warnings": warnings, "breaches": breaches}))
        # Unfinished uploads past ONTRACK_UPLOAD_EXPIRY_HOURS go, with their partial files (issue 13).
        from ..sync import uploads
        expired = uploads.expire_stale(db, uploads.blob_dir(app.config["BLOB_FOLDER"]), now, app.config["UPLOAD_EXPIRY_HOURS"])
        if expired:
            log.info("expired unfinished uploads: %d", expired)
        # A reading whose job was lost (the queue refused it, or was wiped; a worker killed mid-read) is queued
        # again; one still waiting in the queue behind a backlog is not.
        waiting = checks.waiting_since(db, to_text(now - datetime.timedelta(minutes=LOST_JOB_MINUTES)))
        queued = queued_led_checks() if waiting else set()
        for check_id in waiting:
            if check_id not in queued:
                read_led_check(check_id)
        # Webhook chains whose job was lost (a restart, a failed queue) or whose retry is due.
        from ..webhooks import outbox
        outbox.queue(outbox.due_chains(db, now))
        # The API's call log keeps ONTRACK_API_CALL_LOG_DAYS (a short write: an indexed range).
        cutoff = to_text(now - datetime.timedelta(days=app.config["API_CALL_LOG_DAYS"]))
        db.conn.execute("DELETE FROM api_calls WHERE id IN (SELECT id FROM api_calls WHERE at < ? LIMIT 5000)", [cutoff])


# ---- notifications (issue 22): push new notices every minute, the breach digest once a day ----

@huey.periodic_task(crontab(minute="*"))
def push_notices():
    """Send technicians' new notices by Web Push (the list and the sync stay the guaranteed path)."""
    app = _app()
    with app.test_request_context("/"):
        from ..db import get_db
        from ..notify import push
        from ..notify.routes import describe_for_push
        from ..timeutil import utcnow
        sent, failed = push.send_pending(get_db(), app.config["VAPID_PRIVATE_KEY_FILE"], app.config["PUSH_SUBJECT"],
                                         utcnow(), describe_for_push, allow_insecure=app.config["PUSH_ALLOW_INSECURE"])
        return sent, failed


@huey.periodic_task(crontab(minute="5"))
def daily_digest():
    """Once the local day has turned, store yesterday's digest of breaches (hourly, so a worker down at midnight catches up)."""
    app = _app()
    with app.test_request_context("/"):
        from ..db import get_db
        from ..notify import digest, sms
        from ..timeutil import utcnow, zone
        db = get_db()
        made = digest.make_daily(db, utcnow(), zone(app.config["TIMEZONE"]))
        # Supervisors also get it by SMS (log-only unless ONTRACK_SMS_GATEWAY_URL is set); made once a day, sent once.
        sent, failed = digest.send_by_sms(db, made, sms.gateway(app.config))
        if failed:
            log.info("digest SMS: %d sent, %d failed", sent, failed)
        return made and made["total"]
