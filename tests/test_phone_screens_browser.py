"""Every phone screen in real Chromium with hostile data and an accessibility engine.

An order whose customer name, contact, address, description, notes, Wi-Fi SSIDs, LED labels
and sign-off survey text hold markup and script is walked through the job list, the job page
in each state, the runner, the LED check, the Wi-Fi survey, the sign-off, the notices and the
offline page. On every screen: the markup shows as text, nothing ran, the shell's CSP (with
Trusted Types) reported no violation, and axe-core finds no serious or critical violation.
"""
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.test_browser import shot
from webapp.db import insert, transaction
from tests.test_offline_browser import (open_new_wifi_survey,   # noqa: F401
    dispatch_order, log_in, pause_the_guide, phone_profile, photo_file, ready_offline, server, tap_through, wait_js, wait_synced)
from tests.test_signoff_browser import draw

pytestmark = pytest.mark.browser


def hostile(words):
    """Words followed by markup that would run script if it were ever parsed as HTML."""
    return f'{words}<img src=x onerror="__pwned=1"><script>__pwned=2</script><b>粗</b>'


NAME, CONTACT, COMMUNITY = hostile("钱女士"), hostile("钱先生"), hostile("幸福里")
DESCRIPTION, NOTE, SSID = hostile("报障"), hostile("现场"), '<svg onload="__pwned=3">'
LED_LABEL, SIGNER, SUGGESTION = '<i onclick="x">PON', '签<img src=x onerror="__pwned=4">', hostile("建议")
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""

# A saved LED check as the server would send it, its labels and reading holding markup.
HOSTILE_LED_CHECK = """async ([userId, orderId, label]) => {
  const db = await ONTrackStore.open(userId);
  const order = await db.get("orders", orderId);
  order.led_checks = [{ id: "hostile-check", model_id: "custom", model_kind: "ont", labels: ["POWER", label],
    capture: "photo", sha256: "0".repeat(64), frames: 1, frame: { width: 4, height: 3 }, confirmed: null, confirmations: 0,
    reading: { frame: { width: 4, height: 3 }, quality: { ok: true, problems: [] }, leds: [
      { label: "POWER", state: "on", color: "green", x: 0.3, y: 0.5, confidence: 0.9 },
      { label: label, state: "blinking", color: "green", x: 0.7, y: 0.5, confidence: 0.5 }] },
    occurred_at: new Date().toISOString() }];
  await db.put("orders", order);
  db.close();
}"""


class Screens:
    """The checks made on every screen, and what they found."""

    def __init__(self, page):
        self.page, self.axe, self.seen = page, Axe(), []
        self.dialogs = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check(self, name, *texts):
        page = self.page
        for text in texts:
            expect(page.locator("body")).to_contain_text(text)
        assert page.evaluate("window.__pwned") is None, name
        assert page.locator("main img[src=x], main script:not([type]), main b:text('粗'), main i[onclick]").count() == 0, name
        assert page.evaluate("window.__csp") == [], name
        assert self.dialogs == [], name
        results = self.axe.run(page)
        grave = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]
                 if v["impact"] in ("serious", "critical")]
        assert grave == [], f"{name}: {grave}"
        self.seen.append((name, len(results.response["violations"])))
        shot(page, f"90-hostile-{len(self.seen):02d}")


def test_every_phone_screen_shows_hostile_data_as_text_with_no_csp_or_accessibility_violation(
        app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids, customer_name=NAME, contact_name=CONTACT, community=COMMUNITY,
                                    description=DESCRIPTION)
    context = phone_profile()
    context.add_init_script(WATCH)
    page = context.new_page()
    screens = Screens(page)
    log_in(page, server.url, "techa")
    ready_offline(page)
    screens.check("job list", NAME, COMMUNITY)

    page.locator(f"#job-{order_id} .job-main").tap()
    expect(page.locator(".order-head")).to_contain_text(NAME)
    screens.check("job page, dispatched", NAME, CONTACT, COMMUNITY, DESCRIPTION)
    tap_through(page, "accept")
    expect(page.locator("form[data-form=make_appointment]")).to_be_visible()
    screens.check("job page, accepted: the appointment", NAME)
    tap_through(page, "make_appointment", "depart", "arrive")
    expect(page.locator("button[data-action=restore]")).to_be_visible()
    page.fill("#note-form textarea", NOTE)
    page.locator("#note-form button").tap()
    expect(page.locator("#notes")).to_contain_text(NOTE)
    screens.check("job page, on site, with a note", NAME, NOTE)

    open_new_wifi_survey(page)
    page.locator("#wifi-typed [name=ssid]").first.fill(SSID)
    page.locator("#wifi-typed [name=channel]").first.fill("6")
    page.locator("#wifi-typed [name=signal]").first.fill("-48")
    page.locator("#wifi-typed [name=own_ssid]").fill(SSID)
    page.locator("#wifi-typed button[type=submit]").tap()
    expect(page.locator("#wifi-preview")).to_contain_text(SSID)
    screens.check("Wi-Fi survey, previewed", SSID)
    page.locator("[data-wifi-save]").tap()
    expect(page.locator("#wifi")).to_contain_text("已保存")
    expect(page.locator("#wifi .chip.pending")).to_have_count(0, timeout=15000)  # synced: no pull will overwrite what comes next

    page.evaluate(HOSTILE_LED_CHECK, [user_ids["techa"], order_id, LED_LABEL])
    page.locator("a[data-nav][href='/jobs/']").tap()
    page.locator(f"#job-{order_id} .job-main").tap()
    expect(page.locator(".led-check")).to_contain_text(LED_LABEL)
    page.select_option("select[name=model]", "custom")
    page.fill("#led-form input[name=labels]", "POWER,PON,LOS")
    page.set_input_files("#led-form input[type=file]", str(photo_file(tmp_path)))
    expect(page.locator("#led-draft")).to_be_visible()
    screens.check("LED check: a saved reading and a draft", LED_LABEL)

    page.locator("[data-start-run=ftth]").tap()
    expect(page.locator("#runner")).to_be_visible()
    screens.check("fault-finding runner", NAME)
    pause_the_guide(page)

    tap_through(page, "restore")
    expect(page.locator("form[data-form=return]")).to_be_visible()
    expect(page.locator("#signoff-form")).to_be_visible()
    screens.check("job page, restored: the closure reply and the sign-off", NAME, CONTACT)
    form = page.locator("#signoff-form")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("label.score-choice", has_text="9").click()
    form.locator("textarea[name=suggestions]").fill(SUGGESTION)
    form.locator("input[name=signer_name]").fill(SIGNER)
    draw(page, "#pad-customer")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff .signed")).to_contain_text(SIGNER)
    wait_synced(page, 5.0)
    screens.check("sign-off, signed and synced", SIGNER)
    signer, survey = db.execute("SELECT signer_name, survey FROM signoffs WHERE order_id = ?", [order_id]).fetchone()
    assert signer == SIGNER and json.loads(survey)["suggestions"] == SUGGESTION  # kept as typed, shown as text

    with transaction(db):  # an SLA warning about this order, as the sweep would raise it
        insert(db, "notices", {"order_id": order_id, "policy_code": "first_appointment", "kind": "warning", "role": "technician",
                               "user_id": user_ids["techa"], "created_at": "2026-01-01T00:00:00Z"})
    page.goto(f"{server.url}/notices")
    screens.check("notices", NAME)
    page.goto(f"{server.url}/offline.html")
    screens.check("offline page")
    assert [name for name, _ in screens.seen] == [
        "job list", "job page, dispatched", "job page, accepted: the appointment",
        "job page, on site, with a note", "Wi-Fi survey, previewed", "LED check: a saved reading and a draft",
        "fault-finding runner", "job page, restored: the closure reply and the sign-off", "sign-off, signed and synced", "notices", "offline page"]
    print("axe violations (minor or moderate) per screen:", screens.seen)
