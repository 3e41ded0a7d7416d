"""Wi-Fi guidance in Chromium: typed in on a phone offline and saved on the order; a scan file
uploaded online; the laptop page scanning through pywifi and the wpa_supplicant stand-in."""
import pathlib

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import open_new_wifi_survey, dispatch_order, go_offline, go_online, log_in, open_job, phone_profile, server  # noqa: F401
from tests.wpa_standin import StandIn, scan_line

pytestmark = pytest.mark.browser
OURS = pathlib.Path(__file__).resolve().parent / "data" / "wifi"


def test_typed_networks_get_guidance_offline_and_the_survey_reaches_the_order(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids, symptom="wifi_slow")
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    open_new_wifi_survey(page)
    rows = page.locator("#wifi-typed tbody tr")
    for i, (ssid, channel, signal) in enumerate([("客户家", "1", "-76"), ("邻居A", "6", "-45"), ("邻居B", "11", "-50")]):
        rows.nth(i).locator("[name=ssid]").fill(ssid)
        rows.nth(i).locator("[name=channel]").fill(channel)
        rows.nth(i).locator("[name=signal]").fill(signal)
    page.locator("[data-wifi-add-row]").tap()
    rows.nth(3).locator("[name=ssid]").fill("错误")
    rows.nth(3).locator("[name=channel]").fill("99")
    page.fill("#wifi-typed [name=own_ssid]", "客户家")
    page.locator("#wifi-typed button[type=submit]").tap()
    expect(page.locator("#wifi-error")).to_contain_text("99 不是本地可用的 WiFi 信道")
    rows.nth(3).locator("[name=channel]").fill("")
    rows.nth(3).locator("[name=ssid]").fill("")
    page.locator("#wifi-typed button[type=submit]").tap()
    preview = page.locator("#wifi-preview")
    expect(preview).to_contain_text("2.4 GHz → 信道 1")
    expect(preview).to_contain_text("低于 −70 dBm")
    expect(preview.locator("svg.wifi-chart")).to_have_count(2)
    shot(page, "30-wifi-typed-offline")
    page.locator("[data-wifi-save]").tap()
    expect(page.locator("#wifi")).to_contain_text("已保存到工单")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    survey = next(iter(db.query("SELECT * FROM wifi_surveys WHERE order_id = ?", [order_id])))
    assert survey["source"] == "typed" and survey["own_ssid"] == "客户家" and '"channel": 1' in survey["recommendation"]
    page_text = desk.get(f"/orders/{order_id}").text
    assert "WiFi 勘测" in page_text and "邻居A" in page_text and "data-wifi-survey" in page_text

    # Online: a scan file exported on a Chinese Windows laptop.
    open_new_wifi_survey(page)
    page.set_input_files("#wifi-file input[type=file]", str(OURS / "netsh-zh-CN.txt"))
    expect(page.locator("#wifi-preview")).to_contain_text("中国移动-5G")
    page.set_input_files("#wifi-file input[type=file]", files=[{"name": "photo.txt", "mimeType": "text/plain", "buffer": b"not a scan"}])
    expect(page.locator("#wifi-error")).to_contain_text("不是 ONTrack 能读取的 WiFi 扫描结果")
    assert context.errors == []


def test_the_laptop_page_scans_with_pywifi(app, live_server, browser):
    lines = [scan_line("ac:9e:17:31:85:fc", 2437, -45, "[WPA2-PSK-CCMP][ESS]", "中国移动".encode()),
             scan_line("14:4d:67:14:1e:44", 2412, -67, "[WPA2-PSK-CCMP][ESS]", b"home"),
             scan_line("78:32:1b:63:96:05", 5180, -60, "[WPA2-SAE-CCMP][ESS]", b"home-5g")]
    with StandIn(lines) as wpa:
        app.config.update(WIFI_CTRL_DIR=wpa.dir, WIFI_SCAN_WAIT_SECONDS=0)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, "techa")
        page.goto(f"{live_server}/wifi/live")
        page.fill("[name=own_ssid]", "home")
        page.locator("#scan-button").click()
        expect(page.locator("#scan-table")).to_contain_text("中国移动")
        expect(page.locator("#scan-recs")).to_contain_text("2.4 GHz →")
        expect(page.locator("#scan-charts svg")).to_have_count(2)
        shot(page, "31-wifi-laptop-scan")
        app.config["WIFI_CTRL_DIR"] = "/nonexistent-wpa"
        page.locator("#scan-button").click()
        expect(page.locator("#scan-error")).to_contain_text("没有 wpa_supplicant 控制目录")
        context.close()
