"""A photo taken while a sync is pushing (design/sync-protocol.md: exactly once, nothing lost).

The sync loop uploads the photos first, then pushes the queued changes. A photo taken after the loop's uploads
but before its last push batch used to be pushed without its photo: the server refused it ("the photo itself never
reached the server") and the technician found it under "needs attention" (a CI run of test_images' HEIC upload).
Here the real server holds the first push until the photo is queued, so the race happens every time."""
import threading
import time

from playwright.sync_api import expect

from tests.test_images import encode, marked
from tests.test_offline_browser import (  # noqa: F401  (fixtures)
    Switchable, dispatch_order, open_job, phone_profile, tap_through)


class HeldPush:
    """WSGI middleware: while `hold` is set, a POST /api/sync/push waits (up to 30 s) until `release` is set."""

    def __init__(self, app):
        self.app, self.hold, self.entered, self.release = app, threading.Event(), threading.Event(), threading.Event()

    def __call__(self, environ, start_response):
        if self.hold.is_set() and environ.get("PATH_INFO") == "/api/sync/push" and environ.get("REQUEST_METHOD") == "POST":
            self.hold.clear()
            self.entered.set()
            self.release.wait(30)
        return self.app(environ, start_response)


def test_a_photo_taken_while_a_push_is_on_its_way_waits_for_its_upload(app, db, user_ids, phone_profile):  # noqa: F811
    held = HeldPush(app)
    server = Switchable(held)
    server.up()
    try:
        order_id, _desk = dispatch_order(app, user_ids)
        context, page = open_job(phone_profile, server, order_id)
        tap_through(page, "accept", "make_appointment", "arrive")
        expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
        held.hold.set()
        page.fill("#note-form textarea", "到场，先拍光猫")
        page.locator("#note-form button").tap()
        end = time.monotonic() + 30
        while not held.entered.is_set():  # the loop is past its uploads, its push held by the server
            assert time.monotonic() < end, "the note's push never came"
            page.wait_for_timeout(100)
        photo = encode(marked((640, 480)), "JPEG")
        page.fill("#photo-form input[name=caption]", "光猫正面")
        page.set_input_files("#photo-form input[type=file]",
                             files=[{"name": "IMG_0003.JPG", "mimeType": "image/jpeg", "buffer": photo}])
        expect(page.locator("#photos figure")).to_have_count(1)
        page.wait_for_timeout(500)  # the photo's change is in the outbox, its upload not begun: the loop is held
        held.release.set()
        end = time.monotonic() + 30
        while not db.execute("SELECT 1 FROM attachments WHERE order_id = ? AND caption = ?", [order_id, "光猫正面"]).fetchone():
            assert time.monotonic() < end, "the photo never reached the order"
            page.wait_for_timeout(200)
        expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
        expect(page.locator("#attention")).to_have_count(0)
        assert context.errors == []
    finally:
        server.down()
