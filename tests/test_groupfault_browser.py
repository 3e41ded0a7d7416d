"""A technician whose next job lies in a published group fault's area sees the banner on the phone, offline."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, Session
from tests.test_browser import shot
from tests.test_offline_browser import log_in, phone_profile, ready_offline, server  # noqa: F401 (fixtures)
from webapp.db import connect, transaction
from webapp.groupfaults import registry
from webapp.timeutil import utcnow

pytestmark = pytest.mark.browser
ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "吴女士", "contact_phone": "13912340000", "district": "东城区", "community": "幸福里小区",
         "building": "3", "olt": "OLT-DC-01", "pon_port": "0/1/1"}
WORDING = "幸福里小区光缆抢修中<b>请耐心等待</b>"


def dispatched(app, user_ids, **changes):
    desk = Session(app, "disp")
    response = desk.post("/orders/new", {**ORDER, **changes, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def publish_fault(app, user_ids):
    db = connect(app.config["DATABASE"])
    now = utcnow()
    tz = datetime.timezone(datetime.timedelta(hours=8))
    with transaction(db):
        fault_id = registry.create_alarm(db, {"alarm_class": "line", "alarm_type": "trunk_fibre_break", "olt": "OLT-DC-01",
                                              "pon_port": "0/1/1", "district": "东城区", "community": "幸福里小区",
                                              "occurred_at": now}, user_ids["disp"], now, tz, "more_than", affected_users=80)
        registry.accept(db, registry.get(db, fault_id), user_ids["disp"], now)
        registry.save_announcement(db, registry.get(db, fault_id), {
            "cause": "主干光缆被挖断", "wording": WORDING, "announcement": "东城区幸福里小区个人宽带中断",
            "valid_until": datetime.datetime(2099, 1, 2, tzinfo=datetime.timezone.utc),
            "expected_recovery_at": datetime.datetime(2099, 1, 1, 10, 30, tzinfo=datetime.timezone.utc)},
            user_ids["disp"], now)
        counts = registry.publish(db, registry.get(db, fault_id), user_ids["disp"], now)
    db.conn.close()
    return counts


def test_the_next_job_in_a_group_fault_area_shows_the_banner_offline(app, server, user_ids, phone_profile):  # noqa: F811
    in_area = dispatched(app, user_ids)
    elsewhere = dispatched(app, user_ids, customer_name="郑先生", community="和平里", olt="OLT-XC-02", pon_port="0/2/2")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    expect(page.locator("#group-fault-banner")).to_have_count(0)

    # The desk publishes a fault over the first job's PON port; the next sync brings the banner.
    assert publish_fault(app, user_ids) == {"intercepted": 0, "flagged": 1}
    page.locator("#sync-now").tap()
    banner = page.locator("#group-fault-banner")
    expect(banner).to_contain_text("区域群障")
    expect(banner.locator(f"li[data-order='{in_area}']")).to_contain_text("吴女士")
    expect(banner.locator(f"li[data-order='{elsewhere}']")).to_have_count(0)
    context.close()

    # In the field with no connection, the phone restarted: the banner is still there, wording as typed.
    server.down()
    context = phone_profile(offline=True)
    page = context.new_page()
    page.goto(f"{server.url}/jobs/")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    banner = page.locator("#group-fault-banner")
    expect(banner.locator(".group-fault-wording")).to_contain_text(WORDING)  # shown as text, never as markup
    expect(banner.locator(".group-fault-wording b")).to_have_count(1)  # only our own label is bold
    expect(banner.locator(".group-fault-recovery")).to_have_text("预计恢复时间：01-01 18:30")  # Chinese colon (issue 15c)
    shot(page, "40-group-fault-banner-list")
    page.locator(f"#job-{in_area} .job-main").tap()
    expect(page.locator(".order-head")).to_contain_text("吴女士")
    expect(page.locator("#group-fault-banner")).to_contain_text(WORDING)
    shot(page, "41-group-fault-banner-job")
    page.goto(f"{server.url}/jobs/{elsewhere}")
    expect(page.locator(".order-head")).to_contain_text("郑先生")
    expect(page.locator("#group-fault-banner")).to_have_count(0)
    assert context.errors == []


def test_the_desk_sees_the_wording_while_typing_the_callers_line(app, live_server, browser, user_ids):
    publish_fault(app, user_ids)
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "disp")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server}/orders/new")
    expect(page.locator("#group-fault-check")).to_have_text("")
    page.fill("input[name=olt]", "OLT-DC-01")
    page.fill("input[name=pon_port]", "0/1/1")
    page.locator("input[name=pon_port]").blur()
    expect(page.locator("#group-fault-check")).to_contain_text("区域群障")
    expect(page.locator("#group-fault-check q")).to_have_text(WORDING)
    shot(page, "42-group-fault-new-order-check")
    page.fill("input[name=pon_port]", "0/1/2")
    page.locator("input[name=pon_port]").blur()
    expect(page.locator("#group-fault-check")).not_to_contain_text("区域群障")
