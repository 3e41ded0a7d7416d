"""The installable app: service worker at the root scope, manifest, offline page, offline scripts."""
from flask import Blueprint

bp = Blueprint("pwa", __name__)

from . import routes  # noqa: E402,F401
