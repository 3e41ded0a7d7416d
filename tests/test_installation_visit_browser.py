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
    expect(page.locator(".timeline")).to_contain_text("→ 已装通待确认")  # the step's new state, in its words too
    expect(page.locator(".timeline")).not_to_contain_text("已修复")
    shot(page, "sfix-installation-restored")

    # A repair order keeps the repair words.
    page.goto(f"{server.url}/jobs/{repair}")
    expect(page.locator("#diagnosis h2")).to_have_text("故障排查")
    expect(page.locator("#installation-steps")).to_have_count(0)
    expect(page.locator(".visit-steps [data-step=restore] .step-words")).to_have_text("已修复")
    assert context.errors == []


def test_an_installation_closure_reply_asks_what_was_installed_tested_and_accepted_not_a_fault(app, server, db, user_ids, phone_profile):  # noqa: F811
    """The phone's 回单 of an installation (§6.2, §7.3 steps 6–7; forms.InstallationReplyForm), offline at 390×844."""
    import json

    from tests.test_offline_browser import go_online
    order_id, _ = dispatch_order(app, user_ids, **INSTALLATION)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    tap_through(page, "accept", "make_appointment", "depart", "arrive")
    page.fill("form[data-form=restore] textarea[name=found]", "分光器 3 号口空闲")
    page.fill("form[data-form=restore] textarea[name=done]", "布放皮线，安装光猫并用 LOID 注册")
    page.locator("button[data-action=restore]").tap()

    form = page.locator("form[data-form=return]")
    for words in ("安装开通内容", "安装的设备", "接入端口", "业务调测", "收光功率（dBm）", "测速下行速率（Mbit/s）", "装通时间",
                  "客户已现场测试并验收", "业务已装通", "装机人员", "装机人员电话"):  # the shared ending, in installation words
        expect(form).to_contain_text(words)
    for fault_field in ("[name=phenomenon]", "[name=cause]", "[name=classification]", "[name=no_equipment_replaced]",
                        "[name=result]", "#closure-specialties"):
        expect(form.locator(fault_field)).to_have_count(0)
    assert "故障" not in form.inner_text() and "修复" not in form.inner_text()
    expect(form.locator("textarea[name=handling_process]")).to_have_value("布放皮线，安装光猫并用 LOID 注册")  # what was done
    expect(form.locator("button[data-action=return]")).to_be_visible()
    form.scroll_into_view_if_needed()
    form.screenshot(path=str(_artifact("sfix2-installation-reply-form")))

    form.locator("input[name=installed_ont_serial]").fill("48575443ABCD1234")
    form.locator("input[name=loid]").fill("gz0012345")
    form.locator("input[name=port]").fill("3栋 OBD-02 第5口")
    form.locator("input[name=rx_power]").fill("-30")
    form.locator("input[name=download_mbps]").fill("948 Mbps")
    form.locator("textarea[name=unsigned_reason]").fill("客户外出，家人不便签字")
    form.locator("input[name=holder_informed]").check()
    form.locator("button[data-action=return]").tap()
    expect(form.locator(".error")).to_contain_text("请客户现场测试并验收")
    form.locator("input[name=customer_accepted]").check()
    form.locator("button[data-action=return]").tap()
    expect(form.locator(".error")).to_contain_text("不在标准范围 −28 至 −8 dBm")  # §4.1, before anything is queued
    form.locator(".error").scroll_into_view_if_needed()
    page.screenshot(path=str(_artifact("sfix2-installation-reply-refused")))  # the viewport: 390×844
    form.locator("input[name=rx_power]").fill("－１９．６")  # a Chinese keyboard's full-width minus and digits
    form.locator("button[data-action=return]").tap()
    expect(page.locator(".order-head")).to_contain_text("已返单")

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    expect(page.locator("#sync-problem")).to_have_count(0)
    row = db.execute("SELECT state, closure FROM orders WHERE id = ?", [order_id]).fetchone()
    reply = json.loads(row[1])
    assert row[0] == "returned" and reply["port"] == "3栋 OBD-02 第5口" and reply["customer_accepted"] is True
    assert reply["tests"]["rx_power_dbm"] == -19.6 and reply["tests"]["download_mbps"] == 948
    assert reply["installed"]["loid"] == "gz0012345" and "cause" not in reply and "classification" not in reply
    assert context.errors == []


def _artifact(name):
    from tests.test_browser import ARTIFACTS
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
