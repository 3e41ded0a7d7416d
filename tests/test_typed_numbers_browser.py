"""Issue 15 items 11 and 14 on the phone in Chromium (390×844): full-width digits and minus are read
in the runner's reading and the Wi-Fi rows, a ± key gives the minus a number pad lacks, and a photo
chosen as a scan file is called "not a scan" before anything is sent."""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_fault_finding_browser import tap_answer
from tests.test_offline_browser import open_new_wifi_survey, dispatch_order, log_in, phone_profile, photo_file, ready_offline, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser


def test_full_width_numbers_and_the_minus_key(app, server, user_ids, phone_profile, tmp_path):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    tap_through(page, "accept", "make_appointment", "depart", "arrive")

    open_new_wifi_survey(page)
    assert page.locator("#wifi-typed [name=signal]").first.get_attribute("inputmode") == "decimal"
    page.locator("#wifi-file input[type=file]").set_input_files(str(photo_file(tmp_path)))
    expect(page.locator("#wifi-error")).to_contain_text("不是 Wi-Fi 扫描文件")
    page.locator("#wifi-typed [name=ssid]").first.fill("ChinaNet-5G")
    page.locator("#wifi-typed [name=channel]").first.fill("６")
    page.locator("#wifi-typed [name=signal]").first.fill("－４８")  # a Chinese keyboard's full-width minus and digits
    page.locator("#wifi-typed [name=ssid]").nth(1).fill("TP-LINK")
    page.locator("#wifi-typed [name=channel]").nth(1).fill("11")
    page.locator("#wifi-typed [name=signal]").nth(1).fill("70")
    page.locator("#wifi-typed .sign-key").nth(1).tap()              # the ± key: 70 becomes -70
    expect(page.locator("#wifi-typed [name=signal]").nth(1)).to_have_value("-70")
    page.locator("#wifi-typed button[type=submit]").tap()
    expect(page.locator("#wifi-preview")).to_contain_text("ChinaNet-5G")
    expect(page.locator("#wifi-preview")).to_contain_text("TP-LINK")
    shot(page, "15-11-wifi-full-width-numbers")

    page.locator("[data-start-run=ftth]").tap()
    tap_answer(page, "常亮")
    tap_answer(page, "闪烁")
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.1")
    page.fill("#measure-form input[name=value]", "２９．５")
    page.locator("#measure-form .sign-key").tap()
    expect(page.locator("#measure-form input[name=value]")).to_have_value("-２９．５")
    expect(page.locator("#band")).to_contain_text("过弱")
    page.fill("#measure-form input[name=value]", "－２９．５")
    expect(page.locator("#band")).to_contain_text("过弱")
    page.locator("#measure-form").get_by_label("光猫管理页面").check()  # how it was measured (issue 21 item 6)
    shot(page, "15-11-runner-full-width-minus")
    page.locator("#measure-form button[type=submit]").tap()
    expect(page.locator("#runner")).to_have_attribute("data-node", "H5.2")
