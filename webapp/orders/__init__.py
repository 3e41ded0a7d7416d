"""Work orders: creating them, the order page, and every action on an order."""
from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import routes  # noqa: E402,F401
