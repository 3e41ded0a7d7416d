"""Push subscription endpoints for the phone, and the words of a pushed notice."""
from flask import current_app, jsonify, request
from flask_babel import force_locale, gettext as _
from flask_login import current_user, login_required

from .. import labels
from ..db import get_db
from ..timeutil import utcnow
from . import bp, push


def describe_for_push(notice):
    """(title, body) of a pushed notice, in Chinese (the phone's first language); no customer data."""
    with force_locale("zh_Hans_CN"):
        kind = labels.label(notice["kind"], "notice_kind")
        if notice["kind"] in ("warning", "breach"):
            kind = f"{kind} · {labels.label(notice['policy_code'], 'policy')}"
        return "ONTrack", f"{kind} · {notice['order_no']}"


@bp.get("/api/push/key")
@login_required
def push_key():
    """The VAPID public key the phone subscribes with (applicationServerKey)."""
    return jsonify(public_key=current_app.config["VAPID_PUBLIC_KEY"])


@bp.post("/api/push/subscribe")
@login_required
def push_subscribe():
    """Store this phone's PushSubscription (JSON as the browser gives it) for the signed-in person."""
    try:
        push.subscribe(get_db(), current_user.id, request.get_json(silent=True), utcnow(),
                       allow_insecure=current_app.config["PUSH_ALLOW_INSECURE"])
    except push.BadSubscription as error:
        return jsonify(error=_(str(error))), 422
    return jsonify(ok=True), 201


@bp.post("/api/push/unsubscribe")
@login_required
def push_unsubscribe():
    """Forget this phone's subscription."""
    body = request.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("endpoint"), str):
        push.unsubscribe(get_db(), current_user.id, body["endpoint"])
    return jsonify(ok=True)
