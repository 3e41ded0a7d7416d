"""The complaint desk (domain reference §6): classification, the slow-speed reply, and what the desk records on a complaint."""
from flask import Blueprint

bp = Blueprint("complaints", __name__)

from . import routes  # noqa: E402,F401
