"""Guided fault-finding on a phone, offline: the issue's FTTH case from LED check to closure reply."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from webapp.playbooks import engine
from tests.test_offline_browser import (READING_MS, dispatch_order, go_online, log_in, phone_profile, ready_offline,  # noqa: F401
                                        server, tap_through)

pytestmark = pytest.mark.browser


def tap_answer(page, text):
    """Tap the runner's answer `text` once the question has been read (READING_MS): sooner, where the last answer
    was tapped, the phone takes it for the second tap of a double tap and refuses it (offline/double-tap.js)."""
    page.wait_for_timeout(READING_MS)
    page.locator("#runner .answers button").get_by_text(text, exact=True).tap()


def test_ftth_los_flashing_weak_power_ends_at_reterminating_the_drop_cable(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)

    server.down()  # the customer's line is down and the basement has no signal
    context.close()
    context = phone_profile(offline=True)
    page = context.new_page()
    page.goto(f"{server.url}/jobs/{order_id}")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    tap_through(page, "accept", "make_appointment", "depart", "arrive")
    expect(page.locator(".order-head")).to_contain_text("已到场")

    page.locator("[data-start-run=ftth]").tap()
    expect(page.locator("#runner h1")).to_contain_text("Power")
    shot(page, "20-runner-led-question")
    tap_answer(page, "常亮")
    tap_answer(page, "闪烁")                               # H2: LOS flashing
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.1")
    page.fill("#measure-form input[name=value]", "15")     # a typo: no ONT receives +15 dBm
    expect(page.locator("#band")).to_contain_text("不是可能的读数")
    page.locator("#measure-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.1")
    page.fill("#measure-form input[name=value]", "-29.5")
    expect(page.locator("#band")).to_contain_text("过弱")
    page.locator("#measure-form").get_by_label("PON 光功率计").check()  # how it was measured (issue 21 item 6)
    shot(page, "21-runner-optical-power-judged")
    page.locator("#measure-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.2")
    page.wait_for_timeout(READING_MS)  # 上一步 records too: tapped at once after "next", the phone may take it for a double tap
    page.locator("[data-run-back]").tap()                  # change an answer
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.1")
    page.fill("#measure-form input[name=value]", "−29.5")  # the minus sign a Chinese keyboard gives
    page.locator("#measure-form").get_by_label("PON 光功率计").check()
    page.locator("#measure-form button[type=submit]").tap()
    tap_answer(page, "没有")                               # H5.2: no tight bend
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.3")
    page.locator("[data-run-pause]").tap()                 # paused...
    context.close()

    context = phone_profile(offline=True)                  # ...the phone was restarted...
    page = context.new_page()
    page.goto(f"{server.url}/jobs/{order_id}")
    page.locator("[data-resume-run]").tap()                # ...and resumed where it stopped
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.3")
    page.fill("#reading-form input[name=value]", "-21.4")  # the splitter port's power, in dBm: normal
    expect(page.locator("#band")).to_contain_text("正常")
    page.locator("#reading-form button[type=submit]").tap()
    tap_answer(page, "通")                                 # red-light pen passes
    expect(page.locator("#runner h1")).to_contain_text("重做两端皮线光缆头")
    shot(page, "22-runner-conclusion")
    page.wait_for_timeout(READING_MS)  # the conclusion is read before it is saved (offline/double-tap.js)
    page.locator("#conclude-form button").tap()
    expect(page.locator("#diagnosis")).to_contain_text("重做两端皮线光缆头")
    expect(page.locator("#diagnosis")).to_contain_text("-29.5 dBm · 过弱")

    expect(page.locator("#restore-guide")).to_contain_text("重做两端皮线光缆头")  # the guide's word, shown, not signed
    tap_through(page, "restore")
    form = page.locator("form[data-form=return]")
    expect(form.locator("textarea[name=phenomenon]")).to_contain_text("-29.5 dBm")
    expect(form.locator("textarea[name=cause]")).to_have_value("入户皮线弯折")          # the technician's own words
    expect(form.locator("textarea[name=handling_process]")).to_have_value("重新熔接皮线")
    expect(form.locator("select[name=classification]")).to_have_value("drop_cable")
    expect(form.locator("select[name=result]")).to_have_value("recovered")  # the seed's repair (000 L49)
    shot(page, "23-closure-prefilled")

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    run = next(iter(db.query("SELECT * FROM diagnostic_runs WHERE order_id = ?", [order_id])))
    assert run["outcome"] == "reterminate_drop" and run["playbook"] == "ftth"
    assert '"value": -29.5' in run["steps"]
    order_page = desk.get(f"/orders/{order_id}").text
    assert "-29.5 dBm · 过弱" in order_page and "重做两端皮线光缆头" in order_page and "LOS" in order_page
    assert context.errors == []


def test_an_fttb_dialup_678_stays_on_fttb_and_an_old_version_run_still_shows(app, server, db, user_ids, phone, phone_profile):  # noqa: F811
    """Issue 16: on an FTTB order the dial-up guide offers only FTTB, and 678 never leads into fibre
    checks; a run recorded under the previous guide version is shown on the phone with that tree."""
    order_id, desk = dispatch_order(app, user_ids, access_type="fttb", symptom="dialup_error", dialup_error="678")
    old_run = [{"node": "S1", "answer": "all"}, {"node": "S2.1a", "value": 20}, {"node": "S2.1a.speed", "answer": "ok"},
               {"node": "S2.1b", "answer": "better"}]
    tech = phone("techa")
    assert tech.push([tech.mutation("order.record_run", {
        "order_id": order_id, "run_id": "old-version-run", "playbook": "slow", "version": "2026.11-1",
        "steps": old_run, "outcome": "fixed_by_restart", "note": ""})]).json["results"][0]["status"] == "applied"

    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.goto(f"{server.url}/jobs/{order_id}")
    tap_through(page, "accept", "make_appointment", "depart", "arrive")
    old = page.locator("#diagnosis .run-done[data-version='2026.11-1']")
    expect(old).to_contain_text("重启路由器和交换机后恢复")        # the old tree's conclusion and question
    expect(old).to_contain_text("改善了吗")
    expect(old.locator(".run-version")).to_have_text("2026.11-1")  # the phone says which version it followed
    expect(old).to_contain_text("较旧的版本")

    page.locator("[data-start-run=dialup]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "D0")
    expect(page.locator("#runner .answers button")).to_have_count(1)  # the order says FTTB
    tap_answer(page, "FTTB")
    expect(page.locator("#runner")).to_have_attribute("data-node", "B6")
    tap_answer(page, "678")
    expect(page.locator("#runner h1")).to_contain_text("FTTB 报 678")
    shot(page, "24-runner-fttb-678")
    page.fill("#conclude-form textarea[name=note]", "楼道交换机没电，已联系物业")
    page.wait_for_timeout(READING_MS)  # the conclusion is read before it is saved (offline/double-tap.js)
    page.locator("#conclude-form button").tap()
    expect(page.locator("#diagnosis")).to_contain_text("FTTB 报 678")
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    run = next(iter(db.query("SELECT * FROM diagnostic_runs WHERE order_id = ? AND playbook = 'dialup'", [order_id])), None)
    assert run is not None, page.locator("body").inner_text()
    assert run["outcome"] == "fttb_678" and run["playbook_version"] == engine.load()["version"]
    assert '"H5.1"' not in run["steps"] and '"D678"' not in run["steps"]
    # a conclusion the seed does not call a repair never pre-selects "Recovered" in the closure reply
    tap_through(page, "restore")
    result = page.locator("form[data-form=return] select[name=result]")
    expect(result).to_have_value("")
    expect(result).to_have_attribute("required", "")
    assert context.errors == []
