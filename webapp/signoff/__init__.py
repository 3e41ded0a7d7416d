"""Customer sign-off on site or on the customer's own phone, the visit report, and callbacks."""
from flask import Blueprint

bp = Blueprint("signoff", __name__)

from . import routes  # noqa: E402,F401
