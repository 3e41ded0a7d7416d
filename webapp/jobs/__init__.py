"""The technician's job list and job page, for a phone."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from . import routes  # noqa: E402,F401
