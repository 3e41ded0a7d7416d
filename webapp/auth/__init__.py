"""People, roles, login and logout."""
import time

from flask import Blueprint, current_app, session

bp = Blueprint("auth", __name__)


def renew_session():
    """Slide a logged-in session's 12-hour lifetime forward, at most once an hour.

    Runs before every request. With SESSION_REFRESH_EACH_REQUEST off (webapp/config.py) the
    cookie is re-sent only when the session changes; writing the renewal time here is that
    change, once per SESSION_RENEW_SECONDS (seconds, default 3600), so an active person is
    never logged out mid-shift and a request that changed nothing cannot put back an older
    cookie over a newer one.
    """
    if not session.permanent:
        return
    now = int(time.time())
    if now - session.get("renewed_at", 0) >= current_app.config["SESSION_RENEW_SECONDS"]:
        session["renewed_at"] = now

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
