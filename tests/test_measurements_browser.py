"""Issue 21 item 6 on a phone (390×844, offline): the technician ticks the tool checklist before the work
starts, records a slow-speed run with a speed test (measured and subscribed Mbps) and an optical power
reading with its method and wavelength, attaches a packet capture to the run, goes online, and the desk's
order page shows all of it."""
import struct

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_online, log_in, phone_profile, ready_offline, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser


def pcap_file(tmp_path):
    path = tmp_path / "slow-site.pcap"
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + struct.pack("<IIII", 1, 0, 4, 4) + b"\x00\x01\x02\x03")
    return path


def answer(page, text):
    page.locator("#runner .answers button").get_by_text(text, exact=True).tap()


def test_tools_power_with_method_speed_test_and_a_capture_reach_the_desk(app, server, db, user_ids, phone_profile, tmp_path, browser):  # noqa: F811
    order_id, desk = dispatch_order(app, user_ids, symptom="slow")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    server.down()
    context.close()
    context = phone_profile(offline=True)
    page = context.new_page()
    page.goto(f"{server.url}/jobs/{order_id}")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    tap_through(page, "accept")

    # e. the tool checklist, before the work starts: a missing tool needs a reason
    tools = page.locator("#tool-check")
    for name in ("PON 光功率计（1490 nm）", "红光笔", "网线测试仪", "笔记本电脑（带网线）"):
        tools.get_by_label(name).check()
    shot(page, "60-tool-checklist")
    tools.locator("button[type=submit]").tap()
    expect(page.locator("#tool-error")).to_contain_text("缺少工具的原因")
    tools.locator("textarea[name=note]").fill("WiFi 分析仪 APP 没装，用客户手机")
    tools.locator("button[type=submit]").tap()
    expect(tools).to_have_attribute("data-checked", "1")
    expect(tools).to_contain_text("缺少")
    tap_through(page, "make_appointment", "depart", "arrive")

    # c. the speed test, measured against subscribed, with a wrong unit refused in words
    page.locator("[data-start-run=slow]").tap()
    answer(page, "整体应用都慢")
    page.fill("#measure-form input[name=value]", "20")
    page.locator("#measure-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "S2.1a.speed")
    form = page.locator("#reading-form")
    form.locator("input[name=subscribed_mbps]").fill("１００")          # full-width digits of a Chinese keyboard
    form.locator("input[name=value]").fill("12.5 MB/s")
    expect(page.locator("#band")).to_contain_text("兆字节")
    form.locator("input[name=value]").fill("35.5 Mbps")
    expect(page.locator("#band")).to_contain_text("达不到")
    shot(page, "61-speed-test-judged")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "S2.1.line")
    answer(page, "FTTH：测光猫收光")

    # a. optical power with how it was measured and at which wavelength
    form = page.locator("#measure-form")
    form.locator("input[name=value]").fill("－20")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#band")).to_contain_text("测量方法")                 # the method is asked
    form.get_by_label("PON 光功率计").check()
    form.locator("select[name=wavelength_nm]").select_option("1550")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#band")).to_contain_text("1490 nm")                 # the meter was on the wrong wavelength
    form.locator("select[name=wavelength_nm]").select_option("1490")
    shot(page, "62-power-method-wavelength")
    form.locator("button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "S2.1b")
    answer(page, "已重启，再做第一步测试")
    page.fill("#measure-form input[name=value]", "18")
    page.locator("#measure-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "S2.1b.speed")
    expect(page.locator("#reading-form input[name=subscribed_mbps]")).to_have_value("100")  # offered again
    page.locator("#reading-form input[name=value]").fill("101")
    page.locator("#reading-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "END")
    page.locator("#conclude-form button").tap()
    expect(page.locator("#diagnosis")).to_contain_text("达不到 · 实测 35.5 Mbps / 签约 100 Mbps")
    expect(page.locator("#diagnosis")).to_contain_text("-20 dBm · 良好（−8 至 −25 dBm） · PON 光功率计 · 1490 nm")

    # f. a capture on the slow-speed run: a wrong kind of file is refused in words, a pcap is queued
    capture = page.locator(".run-captures").first
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK\x03\x04")
    capture.locator("input[name=capture]").set_input_files(str(bad))
    expect(capture.locator(".error")).to_contain_text(".pcap")
    capture.locator("input[name=caption]").fill("打开 www.example.cn 时抓包")
    capture.locator("input[name=capture]").set_input_files(str(pcap_file(tmp_path)))
    expect(page.locator(".run-captures").first).to_contain_text("slow-site.pcap")
    shot(page, "63-run-with-capture")

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    order_page = desk.get(f"/orders/{order_id}").text
    assert "WiFi 分析仪 APP 没装，用客户手机" in order_page and "装有 WiFi 分析仪 APP 的手机" in order_page
    assert "达不到 · 实测 35.5 Mbps / 签约 100 Mbps" in order_page and "达到 · 实测 101 Mbps / 签约 100 Mbps" in order_page
    assert "-20 dBm · 良好（−8 至 −25 dBm） · PON 光功率计 · 1490 nm" in order_page
    assert "slow-site.pcap" in order_page and "打开 www.example.cn 时抓包" in order_page
    assert db.execute("SELECT content_type FROM run_captures").fetchone()[0] == "application/vnd.tcpdump.pcap"
    assert context.errors == []
    desk_page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # the dispatcher's order page, to look at
    log_in_desk(desk_page, server.url)
    desk_page.goto(f"{server.url}/orders/{order_id}")
    expect(desk_page.locator("#tool-check")).to_contain_text("缺少")
    expect(desk_page.locator(".run-captures a")).to_have_text("slow-site.pcap")
    desk_page.locator("#diagnosis details.run").first.evaluate("d => d.open = true")
    shot(desk_page, "64-desk-order-measurements")
    desk_page.close()


def log_in_desk(page, base):
    from tests.conftest import PASSWORD
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "disp")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/dispatch/")


TYPED = [  # (typed, unit, value read, or a word of the message)
    ("-18.5", "dBm", -18.5, None), ("－１８.５", "dBm", -18.5, None), ("−18.5 dBm", "dBm", -18.5, None),
    ("-18.5dB", "dBm", -18.5, None), ("0.014 mW", "dBm", None, "mW"), ("NaN", "dBm", None, "数字"),
    ("Infinity", "dBm", None, "数字"), ("1e5", "dBm", None, "数字"), ("-18.5abc", "dBm", None, "abc"), ("", "dBm", None, "数字"),
    ("100", "Mbps", 100, None), ("100M", "Mbps", 100, None), ("１００ Mbps", "Mbps", 100, None), ("100兆", "Mbps", 100, None),
    ("35,5 Mb/s", "Mbps", 35.5, None), ("12.5 MB/s", "Mbps", None, "兆字节"), ("1G", "Mbps", None, "Gbps"),
    ("800 kbps", "Mbps", None, "kbps"), ("20ms", "ms", 20, None), ("0.02 s", "ms", None, "s"),
]


def test_typed_readings_with_and_without_units(server, user_ids, phone_profile):  # noqa: F811
    """ui.js reads full-width digits and signs; readings.js reads a unit that means the asked one and says
    what is wrong with one that does not (the server checks the number again: tests/test_measurements.py)."""
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    read = page.evaluate("""async (cases) => { const m = await import("/offline/readings.js");
        return cases.map(([typed, unit]) => m.readTyped(typed, unit)); }""", [[c[0], c[1]] for c in TYPED])
    for (typed, _unit, value, word), got in zip(TYPED, read):
        if value is not None:
            assert got == {"value": value}, typed
        else:
            assert "value" not in got and word in got["error"], (typed, got)
