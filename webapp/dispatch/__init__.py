"""The dispatcher console: the queue by deadline, filters, assignment, technicians' load."""
from flask import Blueprint

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")

from . import routes  # noqa: E402,F401
