"""The administration's API clients page (issue 22 item 1, for issue 19's clients): thin views over webapp/api/clients.py.

A token or a webhook signing secret is shown once, in the answer to the POST that made it (never
in a flash message, which would travel in the session cookie), with Cache-Control: no-store.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api import clients
from ..db import get_db
from ..timeutil import utcnow
from . import audit, bp
from .routes import _say


def _client_or_404(client_id):
    client = clients.by_id(get_db(), client_id)
    if client is None:
        abort(404)
    return client


def _once(html, status=200):
    return html, status, {"Cache-Control": "no-store"}


@bp.get("/api-clients")
def api_clients(errors=(), status=200, submitted=None, revealed=None):
    """Every client: scopes, all orders or its own, webhook address, active or revoked, last token use; the form to add one."""
    db = get_db()
    return _once(render_template("admin/api_clients.html", clients=clients.listing(db), scopes=clients.SCOPES,
                                 errors=errors, submitted=submitted or {}, revealed=revealed,
                                 history=audit.entries(db, "api_client", limit=20)), status)


@bp.post("/api-clients")
def create_api_client():
    """Create a client (name, scopes, all orders, webhook address) and show its first token and signing secret once."""
    db, form = get_db(), request.form
    name, scopes, webhook = form.get("name", ""), form.getlist("scopes"), form.get("webhook_url", "")
    try:
        clients.check_webhook_url(webhook)  # before anything is created, so a bad address leaves nothing behind
        client_id, token = clients.create_client(db, name, scopes, utcnow(), form.get("all_orders") == "1",
                                                 actor_id=current_user.id)
    except clients.ClientError as error:
        return api_clients(errors=[_say(error)], status=422, submitted=form)
    client = clients.by_id(db, client_id)
    secret = clients.set_webhook(db, client["name"], webhook, actor_id=current_user.id) if webhook.strip() else ""
    return api_client(client_id, revealed={"token": token, "secret": secret}, status=201)


@bp.get("/api-clients/<int:client_id>")
def api_client(client_id, errors=(), status=200, revealed=None):
    """One client: its tokens with their last use, its webhook, what to do, and its audit lines."""
    db, client = get_db(), _client_or_404(client_id)
    return _once(render_template("admin/api_client.html", client=client, tokens=clients.tokens(db, client_id),
                                 scopes=clients.SCOPES, revealed=revealed or {}, errors=errors,
                                 history=audit.entries(db, "api_client", client["name"], limit=50)), status)


def _act(client_id, change):
    """Run `change(client)`; on ClientError show the client's page with the reason (422)."""
    client = _client_or_404(client_id)
    try:
        return change(client), None
    except clients.ClientError as error:
        return None, api_client(client_id, errors=[_say(error)], status=422)


@bp.post("/api-clients/<int:client_id>/tokens")
def issue_api_token(client_id):
    """Issue another token and show it once (rotate: issue, deploy it, then revoke the old one)."""
    token, refused = _act(client_id, lambda c: clients.issue_token(get_db(), c["name"], utcnow(), actor_id=current_user.id))
    return refused or api_client(client_id, revealed={"token": token}, status=201)


@bp.post("/api-clients/<int:client_id>/tokens/revoke")
def revoke_api_token(client_id):
    """Revoke one of the client's tokens by its prefix; calls with it get 401 from now on."""
    client = _client_or_404(client_id)
    prefix = request.form.get("prefix", "")
    if not clients.revoke_token(get_db(), prefix, utcnow(), actor_id=current_user.id, client_name=client["name"]):
        return api_client(client_id, errors=[_("No active token of this client starts with “%(prefix)s”.", prefix=prefix)],
                          status=422)
    flash(_("Token %(prefix)s… revoked: calls with it are refused from now on.", prefix=prefix), "ok")
    return redirect(url_for("admin.api_client", client_id=client_id), code=303)


@bp.post("/api-clients/<int:client_id>/webhook")
def set_api_webhook(client_id):
    """Change the webhook address (a new signing secret, shown once) or clear it (deliveries stop)."""
    url = request.form.get("webhook_url", "")
    secret, refused = _act(client_id, lambda c: clients.set_webhook(get_db(), c["name"], url, actor_id=current_user.id))
    if refused:
        return refused
    if not secret:
        flash(_("Webhook address removed: no more events are sent to this system."), "ok")
        return redirect(url_for("admin.api_client", client_id=client_id), code=303)
    return api_client(client_id, revealed={"secret": secret})


@bp.post("/api-clients/<int:client_id>/secret")
def rotate_api_secret(client_id):
    """Replace the webhook signing secret (shown once); the receiver must be given the new one."""
    secret, refused = _act(client_id, lambda c: clients.rotate_webhook_secret(get_db(), c["name"], actor_id=current_user.id))
    return refused or api_client(client_id, revealed={"secret": secret})


@bp.post("/api-clients/<int:client_id>/deactivate")
def deactivate_api_client(client_id):
    """Revoke the client and all its tokens: its next call gets 401 and its webhooks stop."""
    _done, refused = _act(client_id, lambda c: clients.revoke_client(get_db(), c["name"], utcnow(), actor_id=current_user.id))
    if refused:
        return refused
    flash(_("Client revoked: its tokens no longer work and its webhooks stop."), "ok")
    return redirect(url_for("admin.api_client", client_id=client_id), code=303)
