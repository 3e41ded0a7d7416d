"""Web Push on the phone in Chromium (issue 22): the service worker shows a pushed notice without customer data.

Chromium cannot subscribe to a real push service here (no network to FCM), so the push message is
delivered to the registered service worker through the DevTools protocol, as a push service would;
the subscription, payload encryption and VAPID signature are checked against a local stand-in in
tests/test_notify.py.
"""
import json

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_pushed_notice_is_shown_by_the_service_worker(live_server, browser):
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "techa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server}/jobs/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(500)
    registration = next(r for r in registrations if r["scopeURL"].startswith(live_server) and not r["isDeleted"])
    message = {"notice_id": 1, "order_id": 7, "kind": "assigned", "title": "ONTrack", "body": "新派工单 · WO-20261130-0001",
               "url": "/jobs/"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server, "registrationId": registration["registrationId"],
                                                   "data": json.dumps(message, ensure_ascii=False)})
    shown = []
    for _ in range(40):
        shown = page.evaluate("navigator.serviceWorker.ready.then(r => r.getNotifications())"
                              ".then(list => list.map(n => [n.title, n.body, n.tag]))")
        if shown:
            break
        page.wait_for_timeout(250)
    assert shown == [["ONTrack", "新派工单 · WO-20261130-0001", "ontrack-order-7"]]
    # the notices page offers the subscription button
    page.goto(f"{live_server}/notices")
    expect(page.locator("#push-enable")).to_be_visible()
