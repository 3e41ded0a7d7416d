"""Run the SLA sweep from requests at most every few seconds (and from `flask sla sweep` in cron)."""
import threading
import time

from flask import current_app

from ..db import transaction
from . import engine

_lock = threading.Lock()
_last_run = {"at": 0.0}


def sweep_if_due(db, now, tz):
    """Sweep when the last sweep in this process is older than the configured interval."""
    interval = current_app.config["SLA_SWEEP_MIN_INTERVAL_SECONDS"]
    if time.monotonic() - _last_run["at"] < interval or not _lock.acquire(blocking=False):
        return None
    try:
        with transaction(db):
            result = engine.sweep(db, now)
        _last_run["at"] = time.monotonic()
        return result
    finally:
        _lock.release()
