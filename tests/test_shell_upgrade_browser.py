"""Upgrading the phone from the single-file app (before issue 12) to the ES-module app: the new
service worker installs over the old one, the precache holds the new files under their content
hashes, and changes queued offline under the old version are kept and synced exactly once."""
import io
import pathlib
import shutil
import socket
import subprocess
import sys
import tarfile
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.test_offline_browser import Switchable, dispatch_order, log_in, phone_profile, ready_offline  # noqa: F401

pytestmark = pytest.mark.browser
ROOT = pathlib.Path(__file__).resolve().parent.parent
OLD_VERSION = "1fb18d1"  # main before the app was split into modules (issue 12)
SERVE = """
import sys
from werkzeug.serving import make_server
sys.path.insert(0, sys.argv[1])
from webapp import create_app
app = create_app({"TESTING": True, "DATABASE": sys.argv[2], "BLOB_FOLDER": sys.argv[3], "SECRET_KEY": sys.argv[4],
                  "SLA_SWEEP_MIN_INTERVAL_SECONDS": 0})
make_server("127.0.0.1", int(sys.argv[5]), app, threaded=True).serve_forever()
"""


def old_tree(folder):
    """The project as it was at OLD_VERSION, with today's compiled catalogue (same msgids)."""
    archive = subprocess.run(["git", "archive", OLD_VERSION], cwd=ROOT, capture_output=True)
    assert archive.returncode == 0, f"this test needs the repository's history (commit {OLD_VERSION}): {archive.stderr!r}"
    archive = archive.stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    for mo in (ROOT / "webapp/translations").rglob("*.mo"):
        target = folder / mo.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mo, target)
    return folder


def serve_old(app, tree, port):
    """Run the old version in its own Python on the same database and port; wait until it answers."""
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(tree), app.config["DATABASE"], app.config["BLOB_FOLDER"],
                                app.config["SECRET_KEY"], str(port)], cwd=tree)
    end = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            assert process.poll() is None and time.monotonic() < end, "the old version did not start"
            time.sleep(0.2)


def wait_across_reloads(page, expression, timeout=90.0):  # a loaded CI machine installs slowly
    """Poll a JavaScript expression while the page may reload itself (a new worker took over)."""
    end = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error):
                raise
        assert time.monotonic() < end, f"timed out waiting for {expression}"
        page.wait_for_timeout(200)


def test_the_module_app_installs_over_the_single_file_app_and_keeps_the_queue(app, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids)
    server = Switchable(app)
    old = serve_old(app, old_tree(tmp_path / "old"), server.port)
    try:
        context = phone_profile()
        page = context.new_page()
        log_in(page, server.url, "techa")
        ready_offline(page)
        assert page.evaluate("typeof ONTrackStore.orderView") == "function"  # the old store, the old app
        context.set_offline(True)
        page.locator(f"#job-{order_id} .job-main").tap()
        page.fill("#note-form textarea", "升级前离线记录：收光 -19.2 dBm")
        page.locator("#note-form button").tap()
        expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
        context.close()
    finally:
        old.terminate()
        old.wait(timeout=10)

    # The new version is deployed; the phone comes back online and opens the app.
    server.up()
    try:
        context = phone_profile()
        page = context.new_page()
        # Sessions from before session versions (issue 13) end at the upgrade: the technician logs
        # in again, and the queue is still on the phone (sync-protocol: an expired session keeps it).
        log_in(page, server.url, "techa")
        # The page already runs the new version (the old worker passes its scripts to the network),
        # and the note queued under the old version reaches the server exactly once.
        wait_across_reloads(page, "document.body.dataset.ready === '1' && typeof ONTrackStore.orderView === 'undefined'")
        wait_across_reloads(page, "document.getElementById('sync-waiting')?.dataset.count === '0'")
        wait_across_reloads(page, "document.getElementById('sync-last') !== null")
        rows = db.execute("SELECT text FROM order_notes WHERE order_id = ?", [order_id]).fetchall()
        assert [r[0] for r in rows].count("升级前离线记录：收光 -19.2 dBm") == 1
        # The new worker takes over, precaches the new shell (a module the old one never had) and
        # serves the new files from it.
        wait_across_reloads(page, "navigator.serviceWorker.controller !== null && caches.keys().then(keys => Promise.all(keys.map("
                                  "k => caches.open(k).then(c => c.match('/offline/router.js', { ignoreSearch: true }))))).then(f => f.some(Boolean))")
        wait_across_reloads(page, "fetch('/offline/app.js').then(r => r.text()).then(text => text.includes('import '))")
        wait_across_reloads(page, "document.body.dataset.ready === '1'")
        page.locator(f"#job-{order_id} .job-main").tap()
        expect(page.locator("#notes")).to_contain_text("升级前离线记录")
        expect(page.locator("#notes .chip.pending")).to_have_count(0)
        assert context.errors == []
        context.close()
    finally:
        server.down()
