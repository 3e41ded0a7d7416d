"""Notifications that reach people: technicians' notices and Web Push, the SMS gateway, the desk's digest."""
from flask import Blueprint

bp = Blueprint("notify", __name__)

from . import routes  # noqa: E402,F401
