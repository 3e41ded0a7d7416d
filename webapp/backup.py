"""Backups that restore: `flask backup` (a consistent snapshot), `flask restore` (from a snapshot or the Litestream replica).

Two kinds of copy, for two kinds of loss:

- **Litestream** (started by `make run` in production, deploy/litestream.yml) ships every
  committed transaction to the replica within about a second: losing the box loses at most
  that second. `flask restore --replica URL --to FOLDER` rebuilds the database from it.
- **`flask backup`** takes a snapshot with SQLite's online backup API while the server runs
  (a consistent copy, never a half-written file), and copies the photos and signatures
  (content-addressed, so only new files are copied). Keep them elsewhere, e.g. nightly.

A restore always goes into a new folder and is checked (`PRAGMA integrity_check`) before
anyone points ONTRACK_DATABASE at it; it never overwrites a database.
"""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from .timeutil import utcnow

DATABASE_NAME = "ontrack.sqlite3"
BLOBS_NAME = "blobs"


def snapshot(database, target):
    """Copy the live database `database` to the new file `target` with SQLite's online backup API."""
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy, pages=4096)  # in steps, so writers are held up only briefly
    finally:
        copy.close()
        source.close()


def copy_blobs(source, target):
    """Copy stored photos and signatures that the target does not have yet; return how many were copied."""
    source, target = pathlib.Path(source), pathlib.Path(target)
    copied = 0
    if not source.is_dir():
        return 0
    for path in source.rglob("*"):
        if not path.is_file() or "partial" in path.relative_to(source).parts:
            continue  # unfinished uploads resume from the phone, not from a backup
        destination = target / path.relative_to(source)
        if destination.exists() and destination.stat().st_size == path.stat().st_size:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += 1
    return copied


def check(database):
    """(integrity verdict, {table: rows}) of a restored database file."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
                  for table in ("users", "orders", "mutation_log", "blobs")}
    finally:
        conn.close()
    return verdict, counts


def _fresh_folder(folder):
    folder = pathlib.Path(folder)
    if (folder / DATABASE_NAME).exists():
        raise click.ClickException(f"{folder / DATABASE_NAME} already exists; restore into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False), default=None,
              help="Folder for this backup (default: instance/backups/<UTC time>).")
@with_appcontext
def backup_command(folder):
    """Take a consistent snapshot of the database and copy the photos beside it."""
    folder = _fresh_folder(folder or pathlib.Path(current_app.instance_path) / "backups" / utcnow().strftime("%Y%m%dT%H%M%SZ"))
    snapshot(current_app.config["DATABASE"], folder / DATABASE_NAME)
    copied = copy_blobs(current_app.config["BLOB_FOLDER"], folder / BLOBS_NAME)
    verdict, counts = check(folder / DATABASE_NAME)
    click.echo(f"backup in {folder}: database {verdict}, {counts}, {copied} photo files copied")


@click.command("restore")
@click.option("--from", "source", type=click.Path(exists=True, file_okay=False), help="A folder made by `flask backup`.")
@click.option("--replica", help="The Litestream replica URL (file:///… or s3://…).")
@click.option("--to", "folder", type=click.Path(file_okay=False), required=True, help="A new folder to restore into.")
@click.option("--blobs-from", type=click.Path(exists=True, file_okay=False),
              help="With --replica: where the photos are kept (default: the configured blob folder).")
def restore_command(source, replica, folder, blobs_from):
    """Rebuild the database (and photos) into a new folder, then check it."""
    if bool(source) == bool(replica):
        raise click.ClickException("give either --from BACKUP_FOLDER or --replica URL")
    folder = _fresh_folder(folder)
    database = folder / DATABASE_NAME
    if source:
        snapshot(pathlib.Path(source) / DATABASE_NAME, database)
        copied = copy_blobs(pathlib.Path(source) / BLOBS_NAME, folder / BLOBS_NAME)
    else:
        litestream = shutil.which("litestream", path=os.pathsep.join([str(pathlib.Path(sys.executable).parent),
                                                                       os.environ.get("PATH", "")]))
        if litestream is None:
            raise click.ClickException("litestream is not installed (make install puts it in .venv/bin)")
        done = subprocess.run([litestream, "restore", "-o", str(database), replica], capture_output=True, text=True)
        if done.returncode != 0:
            raise click.ClickException(f"litestream restore failed: {done.stderr.strip()}")
        copied = copy_blobs(blobs_from or os.environ.get("ONTRACK_BLOB_FOLDER") or "instance/blobs", folder / BLOBS_NAME)
    verdict, counts = check(database)
    if verdict != "ok":
        raise click.ClickException(f"the restored database failed its integrity check: {verdict}")
    click.echo(f"restored into {folder}: database {verdict}, {counts}, {copied} photo files")
    click.echo(f"serve it with ONTRACK_DATABASE={database} ONTRACK_BLOB_FOLDER={folder / BLOBS_NAME}")
