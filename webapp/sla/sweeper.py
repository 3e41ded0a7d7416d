"""The every-minute sweep: SLA warnings and breaches, and every other timer that fires on its own.

A background job calls `sweep` every minute (webapp/background/tasks.py), and `flask sla sweep`
runs it by hand. No page view sweeps: a GET never writes.
"""
from ..db import transaction
from . import engine


def sweep(db, now):
    """Raise every warning and breach due at `now` in one short transaction; return (warnings, breaches)."""
    with transaction(db):
        return engine.sweep(db, now)
