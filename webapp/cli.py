"""Command-line tools: users, demo data, and SLA maintenance."""

import click
from flask.cli import with_appcontext

from .auth.users import ROLES, create_user, set_password
from .db import get_db, transaction
from .orders.views import local_zone
from .sla import engine
from .timeutil import utcnow


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="Name shown to others.")
@click.option("--phone", default="")
@click.option("--district", default="")
@click.option("--skills", default="", help="Comma-separated, e.g. FTTH,FTTB,enterprise")
@click.password_option()
@with_appcontext
def create_user_command(username, role, display_name, phone, district, skills, password):
    """Create a user (asks for the password twice)."""
    try:
        create_user(get_db(), username, password, role, display_name, phone, district, skills)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"created {role} {username}")


@click.command("set-password")
@click.argument("username")
@click.password_option()
@with_appcontext
def set_password_command(username, password):
    """Give a person a new password (asks twice); every session they have ends."""
    db = get_db()
    row = db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        set_password(db, row[0], password)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"password changed for {username}; their sessions have ended")


@click.command("demo-data")
@click.option("--orders", default=300, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def demo_data_command(orders, if_empty):
    """Load a demo city: dispatchers, technicians, a supervisor and a Monday morning of orders."""
    from .demo import load_demo
    db = get_db()
    if if_empty and db["users"].count:
        click.echo("database already has users; demo data not loaded")
        return
    if db["users"].count:
        raise click.ClickException("the database already has users; use a new database for demo data")
    summary = load_demo(db, orders, utcnow(), local_zone())
    click.echo(f"demo data: {summary}")


@click.command("prepare")
@click.option("--url", default="http://127.0.0.1:5000/", help="Where the server will listen (printed).")
@with_appcontext
def prepare_command(url):
    """Get the database ready for `make run` and say how to log in.

    Development: a new database gets the demo city, and the demo logins are printed.
    Production: the database is never filled with demo data; an empty one gets the command
    that creates the first supervisor, who then creates everyone else.
    """
    from flask import current_app
    from .demo import DEMO_PASSWORD, load_demo
    db = get_db()
    production = current_app.config["ENV_NAME"] == "production"
    public = current_app.config.get("PUBLIC_URL") or url
    if production:
        click.echo(f"\n  ONTrack (production) at {public}  (the server itself listens on {url}, behind the proxy)")
        if not db["users"].count:
            click.echo("  The database has no users yet. Create the first supervisor, who then adds everyone else:\n"
                       "    .venv/bin/flask --app wsgi create-user NAME --role supervisor --name 'Full name'\n"
                       "  (run it in another terminal with the same ONTRACK_* settings; it asks for a password).")
        click.echo("  Logins work only over HTTPS (the session cookie is Secure): open the address above, not the port.\n")
        return
    if not db["users"].count:
        summary = load_demo(db, 300, utcnow(), local_zone())
        click.echo(f"demo data: {summary}")
    click.echo(f"\n  ONTrack is running at {public}\n"
               f"  Demo logins (password: {DEMO_PASSWORD}):\n"
               "    dispatchers: dispatch1, dispatch2    supervisor: admin\n"
               "    technicians: tech1 ... tech8\n"
               "  Phones need HTTPS for offline work and photos: README, 'Put it on the technicians' phones'.\n")


@click.group("sla")
def sla_group():
    """SLA clocks: sweep for warnings and breaches, holidays, policy values."""


@sla_group.command("sweep")
@with_appcontext
def sweep_command():
    """Raise due warnings and breaches now (the job worker does this every minute)."""
    from .sla.sweeper import sweep
    warnings, breaches = sweep(get_db(), utcnow())
    click.echo(f"warnings: {warnings}, breaches: {breaches}")


@sla_group.command("holiday")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--name", default="")
@click.option("--workday", is_flag=True, help="A make-up working day (调休) instead of a holiday.")
@with_appcontext
def holiday_command(day, name, workday):
    """Add a holiday, or a make-up working day, to the calendar."""
    from .admin import audit, calendar
    db = get_db()
    kind = "workday" if workday else "holiday"
    with transaction(db):
        old_calendar = engine.load_calendar(db)
        before = db.execute("SELECT kind, name FROM holidays WHERE day = ?", [day.date().isoformat()]).fetchone()
        db.execute("INSERT OR REPLACE INTO holidays (day, name, kind) VALUES (?, ?, ?)", [day.date().isoformat(), name, kind])
        # The same audit and deadline moves as the administration page (actor: nobody, i.e. the command line).
        audit.record(db, None, "holiday_year", day.year, "update",
                     {"day": day.date().isoformat(), "kind": before[0], "name": before[1]} if before else None,
                     {"day": day.date().isoformat(), "kind": kind, "name": name}, utcnow())
        moved = calendar.reschedule_working_day_clocks(db, old_calendar, engine.load_calendar(db), local_zone())
    click.echo(f"{day.date()} {kind} {name}; {moved} running deadlines moved")


@sla_group.command("set")
@click.argument("code")
@click.option("--amount", type=int, help="Minutes or working days, by the policy's kind.")
@click.option("--warn-minutes", type=int)
@click.option("--active/--inactive", default=None)
@with_appcontext
def set_command(code, amount, warn_minutes, active):
    """Change a policy's limit, warning time, or switch it off (applies to clocks started afterwards)."""
    db = get_db()
    changes = {k: v for k, v in {"amount": amount, "warn_minutes": warn_minutes,
                                  "active": None if active is None else int(active)}.items() if v is not None}
    if not changes:
        raise click.ClickException("nothing to change")
    from .admin import audit
    with transaction(db):
        row = db.execute("SELECT amount, warn_minutes, escalate_role, active FROM sla_policies WHERE code = ?", [code]).fetchone()
        if not row:
            raise click.ClickException(f"no policy {code!r}")
        before = dict(zip(("amount", "warn_minutes", "escalate_role", "active"), row))
        sets = ", ".join(f"{k} = ?" for k in changes)
        db.execute(f"UPDATE sla_policies SET {sets} WHERE code = ?", [*changes.values(), code])
        audit.record(db, None, "sla_policy", code, "update", before, {**before, **changes}, utcnow())
    click.echo(f"{code}: {changes}")


@sla_group.command("list")
@with_appcontext
def list_command():
    """Show the policies."""
    for p in engine.load_policies(get_db()):
        click.echo(f"{p['code']:28} {p['kind']:12} {p['amount']:5}  warn {p['warn_minutes']:4} min  -> {p['escalate_role']}")


@click.group("uploads")
def uploads_group():
    """Photo and signature uploads."""


@uploads_group.command("expire")
@click.option("--hours", type=int, default=None, help="Age of an unfinished upload to forget (default: ONTRACK_UPLOAD_EXPIRY_HOURS).")
@with_appcontext
def expire_uploads_command(hours):
    """Forget unfinished uploads older than the limit, with their partial files."""
    from flask import current_app
    from .sync import uploads
    config = current_app.config
    root = uploads.blob_dir(config["BLOB_FOLDER"])
    count = uploads.expire_stale(get_db(), root, utcnow(), hours or config["UPLOAD_EXPIRY_HOURS"])
    click.echo(f"expired unfinished uploads: {count}")


def init_app(app):
    """Register the commands on the app."""
    from .api.cli import api_client_cli
    from .backup import backup_command, restore_command
    from .groupfaults.cli import group_faults_cli
    from .led.cli import led_cli
    from .wifi.cli import wifi_cli
    from .notify.cli import notify_cli
    for command in (notify_cli, create_user_command, set_password_command, uploads_group, demo_data_command, prepare_command,
                    sla_group, wifi_cli, led_cli, group_faults_cli, backup_command, restore_command, api_client_cli):
        app.cli.add_command(command)
