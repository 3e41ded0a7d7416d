"""The webhook delivery log on the desk, with replay (supervisors): what went to which system, and when."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_db, one
from ..textclean import whole_numbers
from . import delivery, outbox

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.before_request
@login_required
def _supervisors_only():
    if current_user.role != "supervisor":
        abort(403)


@bp.get("/")
def index():
    """Each API client with its webhook address and how its deliveries stand."""
    db = get_db()
    clients = list(db.query(
        "SELECT c.id, c.name, c.webhook_url, c.active, SUM(d.status = 'delivered') AS delivered,"
        " SUM(d.status = 'pending') AS pending, SUM(d.status = 'failed') AS failed FROM api_clients c"
        " LEFT JOIN webhook_deliveries d ON d.client_id = c.id GROUP BY c.id ORDER BY c.name"))
    return render_template("api/webhooks.html", clients=clients)


@bp.get("/<int:client_id>")
def deliveries(client_id):
    """The client's last deliveries, newest first (only the failed ones with ?failed=1)."""
    db = get_db()
    client = one(db, "SELECT id, name, webhook_url FROM api_clients WHERE id = ?", [client_id])
    if client is None:
        abort(404)
    failed_only = request.args.get("failed") == "1"
    return render_template("api/deliveries.html", client=client, failed_only=failed_only,
                           rows=delivery.log(db, client_id, 200, failed_only))


@bp.post("/<int:client_id>/replay")
def replay(client_id):
    """Send one delivery (delivery_id) or every failed one again; the receiver gets the same webhook-id."""
    db = get_db()
    if one(db, "SELECT id FROM api_clients WHERE id = ?", [client_id]) is None:
        abort(404)
    chosen = whole_numbers(request.form.getlist("delivery_id"))
    chains = delivery.replay(db, client_id, chosen or None, failed_only=not chosen)
    outbox.queue(chains)
    flash(_("Queued again: %(n)d order(s).", n=len(chains)), "ok")
    return redirect(url_for("webhooks.deliveries", client_id=client_id), code=303)
