"""Group faults (群障): the registry, publication, interception and their timers (domain reference §5, §9.3)."""
from flask import Blueprint

bp = Blueprint("groupfaults", __name__, url_prefix="/group-faults")

from . import routes  # noqa: E402,F401
