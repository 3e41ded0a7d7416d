"""Wi-Fi channel guidance: scan importers, pywifi live scans, channel scoring, the survey page."""
from flask import Blueprint

bp = Blueprint("wifi", __name__)

from . import routes  # noqa: E402,F401
