"""An enterprise line on the technician's phone in Chromium (390 × 844), offline: a loop test and a participant
added (issue 21 item 12, phone part), then the end-to-end test report with a value out of standard (item 13):
shown failing as it is typed, the signature held back until the tester's remark says why, then signed by the
tester and the account manager and synced — the server judges the same and the report's hash matches the phone's."""
import json

import pytest
from playwright.sync_api import expect

from tests.test_browser import ARTIFACTS, shot
from tests.test_fault_finding_browser import tap_answer
from tests.test_offline_browser import READING_MS, dispatch_order, go_offline, go_online, open_job, phone_profile, server, tap_through  # noqa: F401
from tests.test_signoff_browser import draw

pytestmark = pytest.mark.browser
LINE = {"access_type": "enterprise", "customer_grade": "diamond", "line_scope": "local",
        "enterprise_service": "internet_access", "circuit_id": "GZ-ZX-000123", "customer_name": "示例市第一医院"}


def test_enterprise_test_report_with_a_value_out_of_standard(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids, **LINE)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    card = page.locator("#enterprise-line")
    expect(card).to_contain_text("GZ-ZX-000123")

    card.locator("summary", has_text="添加环测").tap()
    loop = page.locator("#loop-test-form")
    loop.locator("input[name=loop_point]").fill("接入机房 ODF 12 芯")
    loop.locator("select[name=result]").select_option("failed")
    loop.locator("button[type=submit]").tap()
    expect(page.locator("#loop-tests")).to_contain_text("接入机房 ODF 12 芯")
    expect(page.locator("#loop-tests .chip.pending")).to_have_count(1)
    page.locator("#enterprise-line summary", has_text="添加参与人员").tap()
    people = page.locator("#participant-form")
    people.locator("input[name=name]").fill("代维 张工")
    people.locator("button[type=submit]").tap()
    expect(page.locator("#participants")).to_contain_text("代维 张工")
    expect(page.locator("#participant-form input[name=name]")).to_have_value("")   # cleared for the next one
    shot(page, "60-enterprise-loop-tests-offline")
    card.screenshot(path=str(ARTIFACTS / "60b-enterprise-line-card.png"))

    tap_through(page, "accept", "make_appointment", "arrive", "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")
    form = page.locator("#signoff-form")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("label.score-choice", has_text="10").click()
    form.locator("select[name=signer_role]").select_option("account_manager")
    report = page.locator("#test-report")
    expect(report.locator("legend")).to_have_text("互联网专线全程测试")
    power = report.locator("[data-id=rx_power_dbm]")
    expect(power).to_contain_text("标准：-28 ~ -8 dBm")
    power.locator("input").fill("-29.5")
    expect(power.locator(".verdict")).to_have_text("不合格")
    expect(power).to_have_class("field indicator indicator-fail")
    report.locator("[data-id=dns_latency_ms] input").fill("12")
    expect(report.locator("[data-id=dns_latency_ms] .verdict")).to_have_text("合格")
    expect(report.locator("[data-id=dns_latency_ms]")).to_have_class("field indicator indicator-pass")
    report.locator("[data-id=core_ping_loss_pct] input").fill("0")
    expect(report.locator("[data-id=core_ping_loss_pct] .verdict")).to_contain_text("仅记录")
    expect(report.locator(".indicator-fail")).to_have_count(1)
    draw(page, "#pad-customer")
    draw(page, "#pad-tester")
    form.locator("button[type=submit]").tap()
    error = page.locator("#signoff-error")
    expect(error).to_contain_text("不符合标准")
    expect(error).to_contain_text("客户端收光功率（1490 nm） -29.5 dBm（-28 ~ -8 dBm）")
    power.scroll_into_view_if_needed()
    shot(page, "61-enterprise-test-report-out-of-standard")
    report.screenshot(path=str(ARTIFACTS / "61b-enterprise-test-report-fields.png"))
    error.screenshot(path=str(ARTIFACTS / "61c-enterprise-test-report-refused.png"))
    report.locator("textarea[name=test_remark]").fill("光缆待更换，客户经理同意先开通，约定三日内复测")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff .chip.pending")).to_have_count(1)

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    row = next(iter(db.query("SELECT * FROM signoffs WHERE order_id = ?", [order_id])))
    stored = json.loads(row["report"])
    assert stored["signer_role"] == "account_manager" and row["tester_signature_sha256"]
    test_report = stored["test_report"]
    assert test_report["within_standard"] is False and test_report["remark"].startswith("光缆待更换")
    assert [r["passed"] for r in test_report["indicators"]] == [False, True, None]
    sent = json.loads(next(iter(db.query("SELECT args FROM mutation_log WHERE name = 'order.sign_off'")))["args"])
    assert sent["report"]["test_report"] == test_report  # the phone judged and worded each value exactly as the server
    assert sent["test_indicators"] == {"rx_power_dbm": -29.5, "dns_latency_ms": 12, "core_ping_loss_pct": 0}
    loop_row = next(iter(db.query("SELECT * FROM enterprise_loop_tests WHERE order_id = ?", [order_id])))
    assert loop_row["loop_point"] == "接入机房 ODF 12 芯" and loop_row["result"] == "failed"
    assert db.execute("SELECT name FROM enterprise_participants WHERE order_id = ?", [order_id]).fetchone()[0] == "代维 张工"
    page.locator("#signoff a", has_text="报告").click()
    expect(page.locator("#report .indicator-fail")).to_contain_text("不合格")
    expect(page.locator("#report")).to_contain_text("光缆待更换")
    shot(page, "62-enterprise-test-report-signed")
    page.locator("#report dl").screenshot(path=str(ARTIFACTS / "62b-enterprise-test-report-signed-rows.png"))
    assert context.errors == []


def test_the_phone_offers_the_lan_cases_and_walks_case_a_to_its_fix(app, server, db, user_ids, phone_profile):  # noqa: F811
    """Issue 21 item 14 on the phone: the §2.9 checks are offered on an enterprise order and a run through the
    seed's case A (two cascaded routers on 192.168.1.1 with DHCP on) reaches its fix, offline, then syncs."""
    order_id, desk = dispatch_order(app, user_ids, **LINE)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    tap_through(page, "accept", "make_appointment", "arrive")
    expect(page.locator("#diagnosis .btn.primary[data-start-run=lan_cases]")).to_contain_text("政企局域网典型故障")
    page.locator("[data-start-run=lan_cases]").tap()
    for node, answer in (("LC1", "经常掉线：一部分电脑能上网、一部分上不了，有时全部上不去"), ("LA1", "有"), ("LA2", "相同"),
                         ("LA3", "开着")):
        expect(page.locator("#runner")).to_have_attribute("data-node", node)
        tap_answer(page, answer)
    expect(page.locator("#runner h1")).to_contain_text("192.168.100.1")
    shot(page, "63-lan-case-a-conclusion")
    page.wait_for_timeout(READING_MS)  # the conclusion is read before it is saved (offline/double-tap.js)
    page.locator("#conclude-form button").tap()
    expect(page.locator("#diagnosis")).to_contain_text("关掉它们的 DHCP")
    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    run = next(iter(db.query("SELECT * FROM diagnostic_runs WHERE order_id = ?", [order_id])))
    assert run["playbook"] == "lan_cases" and run["outcome"] == "cascaded_router_clash"
    assert "192.168.200.1" in desk.get(f"/orders/{order_id}").text
    assert context.errors == []
