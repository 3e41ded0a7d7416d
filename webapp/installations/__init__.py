"""Installation orders: the required completion time, provisioning warnings, extensions and timeouts (§7.3, §7.4)."""
from flask import Blueprint

bp = Blueprint("installations", __name__)

from . import routes  # noqa: E402,F401
