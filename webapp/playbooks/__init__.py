"""Guided fault-finding: the seed documents' trees as data, walked on the phone and checked on the server."""
from flask import Blueprint

bp = Blueprint("playbooks", __name__)

from . import routes  # noqa: E402,F401
