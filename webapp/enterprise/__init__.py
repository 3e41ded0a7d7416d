"""Enterprise lines (§7): service level and SLA table, serious-fault triggers, the fault report."""
from flask import Blueprint

bp = Blueprint("enterprise", __name__)

from . import routes  # noqa: E402,F401
