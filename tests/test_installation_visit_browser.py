"""Issue 21 (field fault): an installation (装机) order's job page speaks of installing, not repairing.

In Chromium on a 390×844 phone, offline: the installation's steps of domain reference §6.2 and §7.3 stand where a
repair's fault-finding guides stand; the visit's rows say "安装调测" and "已装通", not "故障排查" and "已修复";
the "restored" form asks what was found on site and what was installed; the fault-finding guides stay, for a
service that does not come up. A repair order on the same phone keeps its repair words.
"""
import pytest
from playwright.sync_api import expect

from webapp.installations import steps

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_offline, open_job, phone_profile, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser
INSTALLATION = {"order_type": "installation", "symptom": "new_install", "due_date": "2099-01-10"}


def test_the_installation_steps_cite_the_domain_reference():
    data = steps.load()
    assert [s["id"] for s in data["steps"]] == ["order_review", "appointment", "resource_survey", "construction",
                                                  "commissioning", "handover", "evaluation"]
    assert all(("§6.2" in s["source"] or "§7.3" in s["source"]) and s["title"]["zh"] and s["text"]["en"] for s in data["steps"])
    assert not any("故障" in s["title"]["zh"] or "维修" in s["title"]["zh"] for s in data["steps"])


def test_an_installation_order_shows_installation_steps_and_words_offline(app, server, user_ids, phone_profile):  # noqa: F811
    repair, _ = dispatch_order(app, user_ids)
    order_id, _ = dispatch_order(app, user_ids, **INSTALLATION)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)

    guide = page.locator("#installation-steps")
    expect(guide.locator("h2")).to_have_text("装机步骤")
    expect(guide.locator("li")).to_have_count(7)
    for words in ("定单审核", "真实预约", "资源勘查", "施工与进度反馈", "业务调试", "竣工交付", "回访与评价"):
        expect(guide).to_contain_text(words)
    expect(guide.locator("li[data-step=resource_survey]")).to_have_attribute("data-source", "§7.3 step 2")
    expect(page.locator("#diagnosis h2")).to_have_text("开通不成功时：故障排查")
    expect(page.locator("#diagnosis [data-start-run].primary")).to_have_count(0)
    expect(page.locator("#diagnosis [data-start-run=ftth]")).to_be_visible()  # still at hand if the line does not come up
    steps_list = page.locator(".visit-steps")
    expect(steps_list.locator("[data-step=diagnose] .step-words")).to_have_text("安装调测")
    expect(steps_list.locator("[data-step=restore] .step-words")).to_have_text("已装通")
    assert "故障" not in steps_list.inner_text() and "修复" not in steps_list.inner_text()

    tap_through(page, "accept", "make_appointment", "depart", "arrive")
    expect(page.locator(".visit-steps [data-step=diagnose] a")).to_have_attribute("href", "#installation-steps")
    expect(page.locator(".visit-steps [data-step=diagnose]")).to_contain_text("安装调测：见下方装机步骤")
    restore = page.locator("form[data-form=restore]")
    expect(restore).to_contain_text("现场情况")
    expect(restore).to_contain_text("完成的安装和调试")
    expect(restore.locator("button[data-action=restore]")).to_have_text("已装通")
    page.locator(".visit-steps [data-step=diagnose] a").tap()
    shot(page, "sfix-installation-steps")
    page.fill("form[data-form=restore] textarea[name=found]", "入户已有预埋管，分光器 3 号口空闲")
    page.fill("form[data-form=restore] textarea[name=done]", "布放皮线，安装光猫并用 LOID 注册，测速正常")
    page.locator("button[data-action=restore]").tap()
    expect(page.locator(".visit-steps [data-step=restore]")).to_contain_text("已装通")
    expect(page.locator(".order-head")).to_contain_text("已装通待确认")
    expect(page.locator(".timeline")).to_contain_text("已装通")
    shot(page, "sfix-installation-restored")

    # A repair order keeps the repair words.
    page.goto(f"{server.url}/jobs/{repair}")
    expect(page.locator("#diagnosis h2")).to_have_text("故障排查")
    expect(page.locator("#installation-steps")).to_have_count(0)
    expect(page.locator(".visit-steps [data-step=restore] .step-words")).to_have_text("已修复")
    assert context.errors == []
