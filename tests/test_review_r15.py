"""Review r15: faults found by trying the app as the desk would (issue 15 item 8)."""
import re

import pytest

from tests.test_offline_browser import open_new_wifi_survey, phone_profile, server  # noqa: F401


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "en"])
def test_the_people_list_shows_skills_in_words_not_the_code_enterprise(login, lang):
    boss = login("boss")
    boss.post(f"/lang/{lang}")
    text = visible_text(boss.get("/admin/people").text)
    assert "技术员 B" in text
    assert not re.search(r"\benterprise\b", text), "the people list shows the raw skill code 'enterprise'"


@pytest.mark.browser
def test_a_scan_read_after_a_photo_was_refused_no_longer_says_not_a_scan(app, server, db, user_ids, phone_profile, tmp_path):  # noqa: F811
    """Issue 15 item 14, found in review r15: the technician first picks a photo from the gallery
    ("not a scan", right), then the real scan file; the networks and advice appear, but the red
    "这是图片或文档，不是 Wi-Fi 扫描文件" stays above them, contradicting the analysis."""
    import pathlib

    from PIL import Image
    from playwright.sync_api import expect

    from tests.test_offline_browser import dispatch_order, open_job
    order_id, desk = dispatch_order(app, user_ids, symptom="wifi_slow")
    context, page = open_job(phone_profile, server, order_id)
    open_new_wifi_survey(page)
    photo = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (800, 600), (30, 40, 50)).save(photo, "JPEG")
    page.set_input_files("#wifi-file input[type=file]", str(photo))
    expect(page.locator("#wifi-error")).to_contain_text("不是 Wi-Fi 扫描文件")
    scan = pathlib.Path(__file__).resolve().parent / "data" / "wifi" / "netsh-zh-CN.txt"
    page.set_input_files("#wifi-file input[type=file]", str(scan))
    expect(page.locator("[data-wifi-save]")).to_be_visible()
    expect(page.locator("#wifi-error")).to_be_hidden()


def test_a_building_typed_with_its_suffix_is_not_shown_as_1_dong_dong(app):
    """Review r15: the dispatcher types the building as it is written on the wall, "1栋"; the
    address on the order page, the phone and the map link read "1栋栋"."""
    from webapp.jobs.routes import address_of
    order = {"district": "东城区", "community": "评审小区", "building": "1栋", "unit": "1单元", "address_detail": "101"}
    assert "栋栋" not in address_of(order)
