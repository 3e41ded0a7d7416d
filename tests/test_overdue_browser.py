"""Issue 15 item 10 on the phone (390×844): a visit of an earlier day still listed under "今天" says
it is late, and a passed deadline on the job page is marked in words, not colour alone."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, log_in, phone_profile, ready_offline, server  # noqa: F401
from webapp.timeutil import to_text, utcnow

pytestmark = pytest.mark.browser


def test_a_past_day_visit_is_marked_late_and_a_passed_deadline_overdue(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids, customer_name="钱女士")
    start = utcnow() - datetime.timedelta(days=2)
    db.conn.execute("UPDATE orders SET state = 'appointed', appointment_start = ?, appointment_end = ?, next_due_at = ?"
                    " WHERE id = ?", [to_text(start), to_text(start + datetime.timedelta(hours=2)),
                                      to_text(utcnow() - datetime.timedelta(hours=3)), order_id])
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    card = page.locator(f"#jobs-today #job-{order_id}")
    expect(card.locator(".chip.late")).to_contain_text("已逾期")
    shot(page, "15-10-today-late")
    card.locator(".job-main").tap()
    expect(page.locator(".details .due-breached")).to_contain_text("已超时")
    shot(page, "15-10-job-overdue")
