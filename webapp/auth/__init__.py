"""People, roles, login and logout."""
import time

from flask import Blueprint, current_app, request, session

bp = Blueprint("auth", __name__)


def renew_session():
    """Slide a logged-in session's 12-hour lifetime forward, at most once an hour, on a page load.

    Runs before every request. With SESSION_REFRESH_EACH_REQUEST off (webapp/config.py) the
    cookie is re-sent only when the session changes; writing the renewal time here is that
    change, once per SESSION_RENEW_SECONDS (seconds, default 3600), so an active person is
    never logged out mid-shift. Only requests that nothing else runs beside renew
    (_renews_here): a background request (htmx, a fetch) renewing at the hour mark would carry
    the session as it was when it left and could put it back over a form's newer one.
    """
    if not session.permanent or not _renews_here():
        return
    now = int(time.time())
    if now - session.get("renewed_at", 0) >= current_app.config["SESSION_RENEW_SECONDS"]:
        session["renewed_at"] = now


def _renews_here():
    """Whether this request may renew the session: a page load (GET: the browser's own navigation,
    Sec-Fetch-Mode "navigate"; a link htmx boosts, HX-Boosted; with no fetch metadata, no other htmx
    request and no /api/ or static file), or the phone's /api/session, which the technician's app asks
    before every sync. (/api/session is asked in the background too, every 30 s: at the hour mark an
    answer that overtakes a language switch can still put the language back, a window of one request.)"""
    if request.endpoint == "sync.session_info":
        return True
    if request.method != "GET":
        return False
    if request.headers.get("HX-Boosted"):  # a link followed inside the app (hx-boost on <body>): a page load
        return True
    if request.headers.get("HX-Request"):
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    return request.endpoint not in (None, "static") and not request.path.startswith("/api/")


from . import routes  # noqa: E402,F401  (routes register themselves on bp)
