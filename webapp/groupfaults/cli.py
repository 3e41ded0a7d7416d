"""`flask group-faults …`: load the day's account mapping and alarm exports from files (cron or by hand)."""
import csv

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_db, transaction
from ..orders.views import local_zone
from ..timeutil import utcnow
from . import alarms, mapping


@click.group("group-faults")
def group_faults_cli():
    """Group faults: the account mapping and alarm imports."""


@group_faults_cli.command("import-mapping")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_mapping_command(path):
    """Replace the account ↔ OLT ↔ PON port ↔ ONU mapping with a CSV file (the province's daily file, §5.5)."""
    db = get_db()
    try:
        with open(path, "rb") as stream:
            result = mapping.import_csv(db, stream)
    except (mapping.MappingError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"mapping not replaced: {exc}")
    click.echo(f"accounts: {result['accounts']}, skipped rows: {len(result['skipped'])}")
    for line, why in result["skipped"]:
        click.echo(f"  line {line}: {why}")


@group_faults_cli.command("import-alarms")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_alarms_command(path):
    """Register the alarms of an alarm-platform CSV export (already known alarm numbers are skipped)."""
    db = get_db()
    boundary = current_app.config["GROUP_FAULT_BOUNDARY"]
    try:
        with open(path, "rb") as stream, transaction(db):
            result = alarms.import_csv(db, stream, None, utcnow(), local_zone(), boundary)
    except alarms.AlarmFileError as exc:
        raise click.ClickException(f"alarms not imported: {exc}")
    click.echo(f"created: {len(result['created'])}, duplicates: {result['duplicates']}, skipped: {len(result['skipped'])}")
    for line, why in result["skipped"]:
        click.echo(f"  line {line}: {why}")
