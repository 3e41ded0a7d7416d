"""SLA clocks, their sweep, and the in-app escalation notices."""
from flask import Blueprint

bp = Blueprint("sla", __name__)

from . import routes  # noqa: E402,F401
