"""The supervisor's administration: people, holidays, SLA policies, lists, devices, and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401
from . import client_routes  # noqa: E402,F401
