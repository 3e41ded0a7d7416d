"""`flask api-client …`: a supervisor's tools for the other systems' clients, tokens and webhooks."""
import click
from flask.cli import with_appcontext

from ..db import get_db
from ..timeutil import to_text, utcnow
from . import clients


def _client(name):
    try:
        return clients.by_name(get_db(), name)
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))


@click.group("api-client")
def api_client_cli():
    """Other systems' access to /api/v1: clients, tokens, webhooks, the delivery log."""


@api_client_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(clients.SCOPES),
              help="repeat for several: orders:read, orders:write, alarms:write")
@click.option("--all-orders", is_flag=True, help="read and hear of every order, not only the ones this client raised")
@with_appcontext
def create_command(name, scopes, all_orders):
    """Create a client and print its token (shown only this once)."""
    try:
        _id, token = clients.create_client(get_db(), name, scopes, utcnow(), all_orders)
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"created client {name} with {' '.join(sorted(scopes))}")
    click.echo(f"token (store it now; it is not shown again): {token}")


@api_client_cli.command("list")
@with_appcontext
def list_command():
    """List clients: scopes, state, webhook, token prefixes."""
    for row in clients.listing(get_db()):
        state = "active" if row["active"] else f"revoked {row['revoked_at']}"
        click.echo(f"{row['name']}\t{row['scopes']}\t{state}\t{'all orders' if row['all_orders'] else 'own orders'}\t"
                   f"{row['webhook_url'] or '-'}\t{' '.join(row['tokens']) or '-'}\tlast used {row['last_used_at'] or '-'}")


@api_client_cli.command("token")
@click.argument("name")
@with_appcontext
def token_command(name):
    """Issue another token (rotate: issue, deploy it, then revoke the old one with revoke-token)."""
    try:
        token = clients.issue_token(get_db(), name, utcnow())
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"token (store it now; it is not shown again): {token}")


@api_client_cli.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_command(name):
    """Revoke a client and all its tokens (its next call gets 401; its webhooks stop)."""
    try:
        clients.revoke_client(get_db(), name, utcnow())
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"revoked client {name}")


@api_client_cli.command("revoke-token")
@click.argument("prefix")
@with_appcontext
def revoke_token_command(prefix):
    """Revoke one token by the prefix `list` shows."""
    count = clients.revoke_token(get_db(), prefix, utcnow())
    if not count:
        raise click.ClickException(f"no active token starts with {prefix!r}")
    click.echo(f"revoked {count} token(s)")


@api_client_cli.command("webhook")
@click.argument("name")
@click.argument("url")
@with_appcontext
def webhook_command(name, url):
    """Send the client's order events to URL ('' stops them); prints the new signing secret."""
    try:
        secret = clients.set_webhook(get_db(), name, url)
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))
    if secret:
        click.echo(f"webhooks of {name} go to {url}")
        click.echo(f"signing secret (Standard Webhooks; give it to the receiver): {secret}")
    else:
        click.echo(f"webhooks of {name} stopped")


@api_client_cli.command("rotate-secret")
@click.argument("name")
@with_appcontext
def rotate_secret_command(name):
    """Give the client's webhook a new signing secret (same address); prints it once."""
    try:
        secret = clients.rotate_webhook_secret(get_db(), name)
    except clients.ClientError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"signing secret (Standard Webhooks; give it to the receiver): {secret}")


@api_client_cli.command("reseal-secrets")
@with_appcontext
def reseal_secrets_command():
    """Seal every stored webhook secret with the first key of ONTRACK_WEBHOOK_SECRET_KEYS (after adding or rotating a key)."""
    from . import sealing
    try:
        count = sealing.reseal_all(get_db())
    except sealing.SealError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"sealed {count} webhook secret(s)")


@api_client_cli.command("deliveries")
@click.argument("name")
@click.option("--failed", is_flag=True, help="only the ones that gave up")
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def deliveries_command(name, failed, limit):
    """The webhook delivery log of a client, newest first."""
    from ..webhooks import delivery
    for row in delivery.log(get_db(), _client(name)["id"], limit, failed):
        click.echo(f"{row['id']}\t{row['created_at']}\t{row['type']}\torder {row['order_id']}\t{row['status']}\t"
                   f"attempts {row['attempts']}\t{row['last_status'] or '-'}\t{row['last_error'] or ''}")


def _since(text):
    """--since as stored text (UTC); a time without a zone is read as UTC, as the help says."""
    import datetime
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"“{text}” is not a date-time; give e.g. 2026-11-30T00:00:00Z",
                                 param_hint="--since") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return to_text(moment)


@api_client_cli.command("replay")
@click.argument("name")
@click.option("--delivery", "delivery_ids", multiple=True, type=int, help="a delivery id from `deliveries` (repeatable)")
@click.option("--failed", is_flag=True, help="every delivery that gave up")
@click.option("--since", help="every event since this UTC time, e.g. 2026-11-30T00:00:00Z")
@with_appcontext
def replay_command(name, delivery_ids, failed, since):
    """Send deliveries again (same webhook-id: the receiver can tell a repeat)."""
    from ..webhooks import delivery, outbox
    if not (delivery_ids or failed or since):
        raise click.ClickException("say what to replay: --delivery ID, --failed or --since TIME")
    since = _since(since) if since else None
    chains = delivery.replay(get_db(), _client(name)["id"], list(delivery_ids), failed, since)
    outbox.queue(chains)
    click.echo(f"queued again: {len(chains)} order(s)")


@api_client_cli.command("calls")
@click.argument("name")
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def calls_command(name, limit):
    """The client's last API calls (method, path, status, time)."""
    for row in clients.calls(get_db(), name, limit):
        click.echo(f"{row['at']}\t{row['method']}\t{row['path']}\t{row['status']}\t{row['duration_ms']} ms")
