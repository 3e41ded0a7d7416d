"""Real Chromium as a phone: after the appointment, the job page offers the appointment SMS as an sms: link in the
city's template with the technician's own number, offline too (issue 21 item 7; domain reference §6.2 #2)."""
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser


def test_appointment_sms_link_offline(app, server, phone_profile, user_ids, db):  # noqa: F811
    app.config["SMS_APPOINTMENT_TEMPLATE"] = "【{operator}】{customer}您好，{technician}预约{window}上门，电话{phone}，工单{order_no}"
    order_id, _desk = dispatch_order(app, user_ids, contact_name="钱先生")
    context, page = open_job(phone_profile, server, order_id)
    expect(page.locator("#appointment-sms")).to_have_count(0)          # nothing agreed yet: nothing to tell
    server.down()                                                       # from here on the phone has no connection
    tap_through(page, "accept", "make_appointment")
    link = page.locator("#appointment-sms")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    number, _sep, query = href.removeprefix("sms:").partition("?")
    body = urllib.parse.parse_qs(query.lstrip("&"))["body"][0]
    order_no = next(iter(db.query("SELECT order_no FROM orders WHERE id = ?", [order_id])))["order_no"]
    assert number == "13912345678"  # the contact phone of the order (tests/test_offline_browser.py ORDER)
    assert body.startswith("【示例宽带运营商】钱先生您好，技术员 A预约2099-") and "电话13800000000" in body and order_no in body
    context.close()
