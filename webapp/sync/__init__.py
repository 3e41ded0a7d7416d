"""Exactly-once sync with the technician's phone: push, pull, resumable uploads (design/sync-protocol.md)."""
from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api")

from . import routes  # noqa: E402,F401
