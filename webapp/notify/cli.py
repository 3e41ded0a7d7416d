"""`flask notify …`: try the SMS gateway, make the daily digest, push pending notices by hand."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_db
from ..timeutil import utcnow, zone


@click.group("notify")
def notify_cli():
    """Notifications: SMS gateway, digest, push."""


@notify_cli.command("sms")
@click.argument("phone")
@click.argument("text")
@with_appcontext
def sms_command(phone, text):
    """Send one SMS through the configured gateway (log-only when ONTRACK_SMS_GATEWAY_URL is unset)."""
    from . import sms
    gateway = sms.gateway(current_app.config)
    try:
        message_id = gateway.send(phone, text)
    except sms.SmsError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{type(gateway).__name__}: accepted" + (f" as {message_id}" if message_id else ""))


@notify_cli.command("digest")
@with_appcontext
def digest_command():
    """Store yesterday's breach digest now (the worker does it every hour if missing)."""
    from . import digest
    made = digest.make_daily(get_db(), utcnow(), zone(current_app.config["TIMEZONE"]))
    click.echo("already made" if made is None else f"{made['day']}: {made['total']} breaches")
