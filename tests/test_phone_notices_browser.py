"""Issue 15 item 5 in Chromium on a 390×844 phone: notices are part of the phone app.

They arrive with the sync pull, are read offline, "mark all read" works offline and reaches the
server on the next sync, one line per event, and no link leaves the technician on "正在打开您的工单…".
"""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_offline, log_in, phone_profile, ready_offline, server  # noqa: F401
from tests.test_phone_notices import sweep_later

pytestmark = pytest.mark.browser


def test_notices_are_read_and_marked_read_offline_and_lead_into_the_app(app, server, db, user_ids, phone_profile):  # noqa: F811
    first, _ = dispatch_order(app, user_ids, customer_name="钱女士")
    second, _ = dispatch_order(app, user_ids, customer_name="孙先生")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    sweep_later(db)
    page.locator("#sync-now").tap()
    expect(page.locator("#notice-count")).to_have_text("4")  # each order's dispatch ("assigned") and its SLA warnings

    page.locator(".notices-link").tap()
    expect(page).to_have_url(f"{server.url}/jobs/notices")
    expect(page.locator("#notices > li")).to_have_count(4)
    expect(page.locator("#notices > li[data-kind=warning]")).to_have_count(2)  # one per order and minute, however many policies warned
    expect(page.locator(f"#notices [data-kind=warning] a[href='/jobs/{first}']")).to_contain_text("钱女士")
    shot(page, "15-05-notices-unread")

    go_offline(server, context)
    page.reload()
    expect(page.locator("#notices > li")).to_have_count(4)
    page.locator("#notices-read-all").tap()
    expect(page.locator("#notices li.unread")).to_have_count(0)
    expect(page.locator("#notice-count")).to_have_count(0)
    shot(page, "15-05-notices-read-offline")
    page.locator(f"#notices [data-kind=warning] a[href='/jobs/{second}']").tap()
    expect(page.locator(".order-head")).to_contain_text("孙先生", timeout=5000)

    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0")
    unread = db.query("SELECT COUNT(*) AS n FROM notices WHERE user_id = ? AND read_at IS NULL", [user_ids["techa"]])
    assert next(iter(unread))["n"] == 0


def test_my_jobs_from_a_server_page_opens_the_app_not_a_dead_end(app, server, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids, customer_name="钱女士")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.goto(f"{server.url}/password")
    page.locator("nav a", has_text="我的工单").tap()
    expect(page.locator(f"#job-{order_id}")).to_be_visible(timeout=5000)
    page.goto(f"{server.url}/password")
    page.locator("a.brand").tap()  # the brand link redirects a technician to the job list
    expect(page.locator(f"#job-{order_id}")).to_be_visible(timeout=5000)
    expect(page.locator("#app")).not_to_contain_text("正在打开")


def test_a_reassigned_orders_notice_shows_in_words_after_a_sync_and_leads_nowhere(app, server, db, user_ids, phone_profile):  # noqa: F811
    """Issue 22's desk notices on the phone (issue 15c): taken off, given, changed — in words, with the desk's action."""
    taken, desk = dispatch_order(app, user_ids, customer_name="钱女士")
    kept, _ = dispatch_order(app, user_ids, customer_name="孙先生")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    expect(page.locator(f"#job-{taken}")).to_be_visible()
    assert desk.post("/dispatch/assign", {"order_id": str(taken), "technician_id": str(user_ids["techb"])}).status_code == 303
    page.locator("#sync-now").tap()
    expect(page.locator(f"#job-{taken}")).to_have_count(0)
    page.locator(".notices-link").tap()
    line = page.locator("#notices [data-kind=reassigned]")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("工单已改派他人")
    expect(line).to_contain_text("调度操作：改派")
    expect(line).to_contain_text("钱女士")
    expect(line).to_contain_text("此工单已不在您的手机上")
    expect(line.locator("a")).to_have_count(0)  # no link to an order that is no longer theirs
    # The kept order's dispatch to techa leads to it. The taken order's own dispatch is one event with its reassignment
    # when both fall in the same minute, else a line of its own that leads nowhere either (CI: the minute turned).
    expect(page.locator(f"#notices [data-kind=assigned] a[href='/jobs/{kept}']")).to_have_count(1)
    expect(page.locator(f"#notices a[href='/jobs/{taken}']")).to_have_count(0)
    expect(page.locator(f"#notices a[href='/jobs/{kept}']")).to_contain_text("新派工单")
    expect(page.locator("#notices")).not_to_contain_text("reassigned")
    expect(page.locator("#push-enable")).to_be_visible()
    shot(page, "15c-notices-reassigned")
    assert context.errors == []
