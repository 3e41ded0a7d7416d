"""Review rv1: after "已装通" an installation's closure reply and timeline speak of installing, not of a fault.

Domain reference §6.2 (install orders of the home-customer maintainers) and §7.3 step 7 (completion and
handover): the technician of an installation never sees "故障现象", "故障原因", "故障恢复时间", "已修复" or
"已恢复/未恢复" on the job page. A repair order on the same phone keeps the EMOS reply's fault words (§9.2 item 15).
In Chromium on a 390×844 phone, offline.
"""
import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_offline, open_job, phone_profile, server, tap_through  # noqa: F401

pytestmark = pytest.mark.browser
INSTALLATION = {"order_type": "installation", "symptom": "new_install", "due_date": "2099-01-10"}
FAULT_WORDS = ("故障", "修复", "恢复")


def restored(page):
    tap_through(page, "accept", "make_appointment", "depart", "arrive", "restore")
    expect(page.locator("form[data-form=return]")).to_be_visible()


def test_an_installation_closure_reply_and_timeline_use_installation_words(app, server, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids, **INSTALLATION)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    restored(page)

    closure = page.locator("form[data-form=return]")
    expect(closure).to_contain_text("装机内容")
    expect(closure).to_contain_text("现场情况")
    expect(closure).to_contain_text("完成的安装和调试")
    expect(closure).to_contain_text("装通时间")
    expect(closure).to_contain_text("装机人员")
    assert closure.locator("select[name=result] option").all_inner_texts() == ["已装通", "未装通"]
    words = closure.inner_text() + " ".join(closure.locator("option").all_inner_texts())
    assert [w for w in FAULT_WORDS if w in words] == [], words
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("已装通 → 已装通待确认")
    assert [w for w in FAULT_WORDS if w in timeline.inner_text()] == []
    shot(page, "rv1-installation-closure")
    assert context.errors == []


def test_a_repair_closure_reply_keeps_the_fault_words(app, server, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    tap_through(page, "accept", "make_appointment", "depart", "arrive", "restore")
    closure = page.locator("form[data-form=return]")
    for words in ("故障现象", "故障原因", "故障恢复时间", "故障处理人员"):
        expect(closure).to_contain_text(words)
    assert closure.locator("select[name=result] option").all_inner_texts()[-2:] == ["已恢复", "未恢复"]
    expect(page.locator(".timeline")).to_contain_text("已修复待确认")
    assert context.errors == []
