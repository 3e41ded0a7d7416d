"""Issue 15 on a 390 × 844 phone in Chromium: the whole visit in the seeds' order, four hours offline
on the phone's own clock (Playwright's clock), then synced: every step at its phone time. And the
faults the issue found on the way: double taps, undo, mistakes caught on the phone, kept input."""
import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.test_browser import log_in as desk_log_in, shot
from tests.test_fault_finding_browser import tap_answer
from tests.test_offline_browser import (open_new_wifi_survey, dispatch_order, go_offline, log_in, open_job, phone_profile, photo_file, tap_through,  # noqa: F401
                                        ready_offline, server)
from tests.test_signoff_browser import draw
from webapp.timeutil import to_text

pytestmark = pytest.mark.browser
SHANGHAI = ZoneInfo("Asia/Shanghai")

OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open(document.body.dataset.db);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction("outbox").objectStore("outbox").getAll();
    request.onsuccess = () => resolve(request.result.map((e) => ({seq: e.seq, name: e.name, action: (e.args || {}).action || null,
                                                                    occurred_at: e.occurred_at})));
  };
})"""


def backdate(db, order_id, hours):
    """Move an order's creation, dispatch and clocks `hours` back, as if it came in before the visit."""
    for table, columns, key in (("orders", ("created_at", "dispatched_at", "updated_at"), "id"),
                                ("order_events", ("at",), "order_id"),
                                ("order_clocks", ("started_at", "due_at", "warn_at"), "order_id")):
        assignments = ", ".join(f"{c} = strftime('%Y-%m-%dT%H:%M:%SZ', {c}, '-{hours} hours')" for c in columns)
        db.execute(f"UPDATE {table} SET {assignments} WHERE {key} = ?", [order_id])


def local_input(moment):
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def outbox(page, user_id):
    page.evaluate(f"() => {{ document.body.dataset.db = 'ontrack-u{user_id}'; }}")
    return page.evaluate(OUTBOX)


def test_the_whole_visit_four_hours_offline_in_the_seeds_order_keeps_every_phone_time(app, server, db, user_ids, phone_profile, browser, tmp_path):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids, description="客户来电：光猫 LOS 红灯闪烁，无法上网")
    backdate(db, order_id, 5)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start = now - datetime.timedelta(hours=4, minutes=30)
    context = phone_profile()
    context.clock.install(time=start)  # the phone's clock: the visit starts 4 h 30 min ago
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    go_offline(server, context)

    def later(minutes):
        page.clock.fast_forward(minutes * 60_000)

    page.locator("button[data-action=accept]").tap()
    expect(page.locator(".order-head")).to_contain_text("已签收")
    later(4)
    page.fill("input[name=appointment_start]", local_input(start + datetime.timedelta(minutes=40)))
    page.fill("input[name=appointment_end]", local_input(start + datetime.timedelta(minutes=100)))
    page.locator("button[data-action=make_appointment]").tap()
    expect(page.locator(".order-head")).to_contain_text("已预约")
    later(21)
    page.locator("button[data-action=depart]").tap()
    expect(page.locator("li.step.done[data-step=depart]")).to_have_count(1)
    later(28)
    page.locator("button[data-action=arrive]").tap()
    expect(page.locator(".order-head")).to_contain_text("已到场")
    shot(page, "70-visit-steps-on-site")

    # Diagnose: the FTTH guide, a note, a photo, a Wi-Fi survey.
    later(6)
    page.locator("[data-start-run=ftth]").tap()
    tap_answer(page, "常亮")
    tap_answer(page, "闪烁")
    page.fill("#measure-form input[name=value]", "-29.5")
    page.locator("#measure-form").get_by_label("PON 光功率计").check()  # how it was measured (issue 21 item 6)
    page.locator("#measure-form button[type=submit]").tap()
    tap_answer(page, "没有")
    page.fill("#reading-form input[name=value]", "-21")          # the splitter port, in dBm: normal
    page.locator("#reading-form button[type=submit]").tap()
    tap_answer(page, "通")
    later(9)
    page.locator("#conclude-form button").tap()
    expect(page.locator("#diagnosis")).to_contain_text("重做两端皮线光缆头")
    later(12)
    page.fill("#note-form textarea", "入户皮线在门框处被压，收光 -29.5 dBm")
    page.locator("#note-form button").tap()
    later(7)
    page.fill("#photo-form input[name=caption]", "门框处的皮线")
    page.set_input_files("#photo-form input[type=file]", str(photo_file(tmp_path)))
    expect(page.locator("#photos figure")).to_have_count(1)
    later(15)
    open_new_wifi_survey(page)
    rows = page.locator("#wifi-typed tbody tr")
    for i, (ssid, channel, signal) in enumerate([("客户家", "1", "-48"), ("邻居A", "6", "-60"), ("邻居B", "11", "-70")]):
        rows.nth(i).locator("[name=ssid]").fill(ssid)
        rows.nth(i).locator("[name=channel]").fill(channel)
        rows.nth(i).locator("[name=signal]").fill(signal)
    page.fill("#wifi-typed [name=own_ssid]", "客户家")
    page.locator("#wifi-typed button[type=submit]").tap()
    page.locator("[data-wifi-save]").tap()

    # Restore: what was found and done, in the technician's words.
    later(100)
    restore = page.locator("form[data-form=restore]")
    restore.locator("textarea[name=found]").fill("入户皮线在门框处压断，收光 -29.5 dBm")
    restore.locator("textarea[name=done]").fill("更换 5 米皮线并重新冷接，复测收光 -18.2 dBm")
    shot(page, "71-visit-restore-asks-what-was-found")
    restore.locator("button[data-action=restore]").tap()
    expect(page.locator(".order-head")).to_contain_text("已修复")

    # The customer confirms and signs: the report says what the technician wrote.
    later(12)
    page.locator("[data-step=sign] a").tap()
    form = page.locator("#signoff-form")
    expect(form.locator("dl.details")).to_contain_text("入户皮线在门框处压断")
    expect(form.locator("dl.details")).to_contain_text("更换 5 米皮线并重新冷接")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("label.score-choice", has_text="10").click()
    draw(page, "#pad-customer")
    shot(page, "72-visit-customer-signs")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff")).to_contain_text("钱女士 已签字")

    # The closure reply last, pre-filled with the technician's words; no "无" to type.
    later(18)
    closure = page.locator("form[data-form=return]")
    expect(closure.locator("textarea[name=cause]")).to_have_value("入户皮线在门框处压断，收光 -29.5 dBm")
    expect(closure.locator("textarea[name=unsigned_reason]")).to_have_count(0)  # signed: no reason needed
    for words in ("故障处理人员", "处理人员电话", "已告知开户人和联系电话机主业务已修复"):  # the shared ending, in a repair's words
        expect(closure).to_contain_text(words)
    expect(closure).not_to_contain_text("装机人员")
    closure.locator("textarea[name=phenomenon]").fill("光猫 LOS 红灯闪烁，无法上网")
    closure.locator("input[name=holder_informed]").check()
    closure.locator("button[data-action=return]").tap()  # nothing said of the equipment: the phone asks, queues nothing
    expect(closure.locator("p.error")).to_contain_text("未更换设备")
    closure.locator("input[name=no_equipment_replaced]").check()
    later(22)
    shot(page, "73-visit-closure-last")
    closure.locator("button[data-action=return]").tap()
    expect(page.locator(".order-head")).to_contain_text("已返单")
    shot(page, "74-visit-all-steps-done-offline")
    queued = outbox(page, user_ids["techa"])
    assert len(queued) == 11 and all(e["name"] != "sync.withdrawn" for e in queued)
    first, last = (datetime.datetime.fromisoformat(queued[i]["occurred_at"].replace("Z", "+00:00")) for i in (0, -1))
    assert last - first >= datetime.timedelta(hours=4)
    assert db.execute("SELECT COUNT(*) FROM order_events WHERE order_id = ?", [order_id]).fetchone()[0] == 2

    # Back in signal four hours later: everything arrives, each step at its phone time.
    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    events = list(db.query("SELECT action, at, details FROM order_events WHERE order_id = ? AND actor_id = ? ORDER BY id",
                           [order_id, user_ids["techa"]]))
    assert [e["action"] for e in events] == ["accept", "make_appointment", "depart", "arrive", "record_run", "add_note",
                                             "attach_photo", "wifi_survey", "restore", "sign_off", "return"]
    for event, entry in zip(events, sorted(queued, key=lambda e: e["seq"])):
        phone_time = to_text(datetime.datetime.fromisoformat(entry["occurred_at"].replace("Z", "+00:00")))
        details = json.loads(event["details"])
        assert event["at"] == phone_time and details["device_time_used"] is True, (event, entry)
        assert details["received_at"] >= to_text(now)  # the audit keeps both times
    order = next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id])))
    assert order["state"] == "returned" and order["breached"] == 0
    assert json.loads(order["closure"])["equipment_replaced"] == "无"
    signed = json.loads(db.execute("SELECT report FROM signoffs WHERE order_id = ?", [order_id]).fetchone()[0])
    assert signed["found"].startswith("入户皮线在门框处压断") and signed["done"].startswith("更换 5 米皮线")
    # The returned order leaves the phone: its page says the closure reply went through (review r67: it said "not on
    # this phone: it may have been reassigned or finished").
    expect(page.locator("#order-returned")).to_contain_text("返单已发送", timeout=10000)
    shot(page, "visit-returned-and-gone")
    # The desk closes it; the phone's next pull drops nothing more and syncs on (review r68: a deletion other than
    # the phone's own return was written as an order of null, and every sync after failed on it).
    assert desk.post(f"/orders/{order_id}/act/close").status_code == 303
    other_id, _desk = dispatch_order(app, user_ids)
    synced = page.locator("#sync-status[data-state=synced]")
    page.locator("#sync-now").tap()
    expect(synced).to_have_count(1, timeout=30000)
    assert desk.post("/dispatch/assign", {"order_id": str(other_id), "technician_id": str(user_ids["techb"])}).status_code == 303
    for _ in range(2):  # reassigned: it leaves the phone, and the sync after still goes through
        page.locator("#sync-now").tap()
        page.wait_for_timeout(300)
        expect(synced).to_have_count(1, timeout=30000)
    assert page.evaluate("() => document.getElementById('sync-status').dataset.state") == "synced"
    assert context.errors == []

    # The desk's order page: sign-off, signature, answers, report link, and both times in the timeline.
    desk_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    desk_log_in(desk_page, server.url, "disp")
    desk_page.goto(f"{server.url}/orders/{order_id}")
    expect(desk_page.locator("#signoff")).to_contain_text("10 / 10")
    expect(desk_page.locator("#signoff img.signature-image")).to_be_visible()
    expect(desk_page.locator("#signoff a", has_text="已签字的报告")).to_be_visible()
    expect(desk_page.locator(".timeline")).to_contain_text("到达服务器")
    shot(desk_page, "75-desk-order-signoff-and-both-times")


def test_a_double_tap_on_arrived_does_not_restore_and_a_queued_step_can_be_undone(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    tap_through(page, "accept", "make_appointment", "depart")
    arrive = page.locator("button[data-action=arrive]")
    expect(arrive).to_be_visible()
    # In the middle of the screen, away from the fixed status bar, and measured once the page has settled.
    arrive.evaluate("button => button.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box = arrive.bounding_box()
    x, y = box["x"] + box["width"] * 0.85, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)       # a double tap, as fingers do it
    page.wait_for_timeout(250)
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(800)
    expect(page.locator(".order-head")).to_contain_text("已到场")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "4")
    # "Restored" asks first what was found and done.
    page.locator("button[data-action=restore]").tap()
    expect(page.locator("form[data-form=restore] .error")).to_contain_text("请填写“您发现了什么”")
    expect(page.locator(".order-head")).to_contain_text("已到场")
    shot(page, "76-double-tap-kept-on-site-restore-asks")
    # A queued step can be taken back until it is sent.
    page.locator("[data-undo=arrive]").tap()
    expect(page.locator(".order-head")).to_contain_text("已出发")
    expect(page.locator("[data-undo=depart]")).to_be_visible()
    # The bar counts the technician's changes: the arrival taken back is none, though its number still goes (review
    # r66 F3: the bar said 4 beside a page showing the arrival undone).
    waiting = page.locator("#sync-waiting")
    expect(waiting).to_have_attribute("data-count", "3")
    expect(waiting).to_have_attribute("data-outbox", "4")
    expect(waiting).to_contain_text("3")
    shot(page, "77-arrival-undone")
    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()
    expect(waiting).to_have_attribute("data-outbox", "0", timeout=30000)
    trail = [r[0] for r in db.execute("SELECT action FROM order_events WHERE order_id = ? ORDER BY id", [order_id])]
    assert trail == ["create", "dispatch", "accept", "make_appointment", "depart"]
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order_id]).fetchone()[0] == "en_route"
    assert db.execute("SELECT MAX(seq), COUNT(*) FROM mutation_log").fetchone() == (4, 4)  # no gap: the next change applies
    page.locator("button[data-action=arrive]").tap()
    # Queued before the sync is asked for: the count was already 0, so waiting for 0 alone could pass before the
    # arrival was queued (CI of 2026-12-05: the state was still en_route).
    expect(page.locator(".order-head")).to_contain_text("已到场")
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    assert db.execute("SELECT state FROM orders WHERE id = ?", [order_id]).fetchone()[0] == "on_site"
    assert context.errors == []


def test_mistakes_are_caught_on_the_phone_and_what_was_typed_survives_a_reload(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    tap_through(page, "accept")
    waiting = page.locator("#sync-waiting")
    expect(waiting).to_have_attribute("data-count", "1")
    # A past appointment: caught here, not after a round trip, and the times stay as typed.
    yesterday = datetime.datetime.now(SHANGHAI) - datetime.timedelta(days=1)
    page.fill("input[name=appointment_start]", yesterday.strftime("%Y-%m-%dT09:00"))
    page.fill("input[name=appointment_end]", yesterday.strftime("%Y-%m-%dT11:00"))
    page.locator("button[data-action=make_appointment]").tap()
    expect(page.locator("form[data-form=make_appointment] .error")).to_contain_text("预约时段已过")
    expect(page.locator("input[name=appointment_end]")).to_have_value(yesterday.strftime("%Y-%m-%dT11:00"))
    expect(waiting).to_have_attribute("data-count", "1")
    # A reject reason of spaces: caught here too.
    page.locator("details", has=page.locator("form[data-form=reject]")).locator("summary").tap()
    page.fill("form[data-form=reject] textarea[name=reason]", "   ")
    page.locator("button[data-action=reject]").tap()
    expect(page.locator("form[data-form=reject] .error")).to_contain_text("请填写“原因”")
    expect(waiting).to_have_attribute("data-count", "1")
    shot(page, "78-mistakes-caught-on-the-phone")
    tap_through(page, "make_appointment", "depart", "arrive")
    restore = page.locator("form[data-form=restore]")
    restore.locator("textarea[name=found]").fill("光猫死机，所有灯常亮不闪")
    restore.locator("textarea[name=done]").fill("断电重启光猫，业务恢复")
    restore.locator("button[data-action=restore]").tap()
    expect(page.locator(".order-head")).to_contain_text("已修复")
    closure = page.locator("form[data-form=return]")
    closure.locator("textarea[name=phenomenon]").fill("无法上网，光猫灯常亮")
    closure.locator("textarea[name=cause]").fill("无")
    closure.locator("input[name=holder_informed]").check()
    closure.locator("button[data-action=return]").tap()
    expect(closure.locator(".error")).to_contain_text("请填写“客户未签字的原因”")
    closure.locator("textarea[name=unsigned_reason]").fill("客户外出，家中老人不便签字")
    closure.locator("button[data-action=return]").tap()
    expect(closure.locator(".error")).to_contain_text("故障原因须具体")
    # The phone restarts before the reply is sent: what was typed is still there.
    page.reload()
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    closure = page.locator("form[data-form=return]")
    expect(closure.locator("textarea[name=phenomenon]")).to_have_value("无法上网，光猫灯常亮")
    expect(closure.locator("textarea[name=unsigned_reason]")).to_have_value("客户外出，家中老人不便签字")
    expect(closure.locator("input[name=holder_informed]")).to_be_checked()
    closure.locator("textarea[name=cause]").fill("光猫长时间运行死机")
    shot(page, "79-closure-kept-after-reload")
    closure.locator("button[data-action=return]").tap()  # "equipment replaced" left empty and not ticked
    expect(closure.locator(".error")).to_contain_text("未更换设备")  # caught on the phone, not after a round trip
    closure.locator("input[name=no_equipment_replaced]").check()  # a tick, nothing to type
    closure.locator("button[data-action=return]").tap()
    expect(page.locator(".order-head")).to_contain_text("已返单")
    expect(waiting).to_have_attribute("data-count", "6")
    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()
    expect(waiting).to_have_attribute("data-count", "0", timeout=30000)
    order = next(iter(db.query("SELECT state, closure FROM orders WHERE id = ?", [order_id])))
    closure_row = json.loads(order["closure"])
    assert order["state"] == "returned" and closure_row["equipment_replaced"] == "无"
    assert closure_row["unsigned_reason"] == "客户外出，家中老人不便签字" and closure_row["cause"] == "光猫长时间运行死机"
    assert db.execute("SELECT COUNT(*) FROM mutation_log WHERE status != 'applied'").fetchone()[0] == 0  # no round trip refused
    assert context.errors == []


def test_the_callback_form_warns_in_the_customers_rest_hours_and_files_average_with_its_cause(app, live_server, browser, login, user_ids, db):
    import time_machine
    from tests.test_signoff import returned_order
    order_id = returned_order(login, user_ids, db, app, 1)
    callback_id = db.execute("SELECT id FROM callbacks WHERE order_id = ?", [order_id]).fetchone()[0]
    night = datetime.datetime.now(SHANGHAI).replace(hour=3, minute=16, second=0, microsecond=0) + datetime.timedelta(days=1)
    with time_machine.travel(night, tick=True):  # the server's clock: 03:16 in Shanghai
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
        desk_log_in(page, live_server, "disp")
        page.goto(f"{live_server}/callbacks/{callback_id}")
        expect(page.locator("#rest-hours-warning")).to_contain_text("休息时间")
        page.check("input[name=solved][value=yes]")
        page.check("input[name=attitude][value=average]")
        page.check("input[name=charged][value=no]")
        page.locator("label.score-choice", has_text="6").click()
        page.check("input[name=cause][value=network]")
        page.locator("#callback-form button[type=submit]").click()
        expect(page.locator("#errors")).to_contain_text("休息时间")
        expect(page.locator("input[name=attitude][value=average]")).to_be_checked()  # the answers stay
        shot(page, "80-callback-rest-hours-warning")
        page.check("input[name=rest_hours_agreed]")
        page.locator("#callback-form button[type=submit]").click()
        page.wait_for_url(f"{live_server}/orders/*")
    row = next(iter(db.query("SELECT * FROM callbacks WHERE id = ?", [callback_id])))
    assert (row["result"], row["cause"]) == ("dissatisfied", "network") and row["followup_order_id"]
