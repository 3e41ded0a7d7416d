"""The API clients page in Chromium (issue 22 item 1 for issue 19): a supervisor adds a system, copies its token
with the page's copy button, and that token works on /api/v1 over real HTTP; axe finds nothing serious."""
import json
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.test_admin_browser import log_in
from tests.test_api import ORDER
from tests.test_browser import PHONE, shot

pytestmark = pytest.mark.browser


def call(base, token, method, path, body=None):
    """One /api/v1 call over real HTTP with the bearer token: (status, JSON body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def serious(axe, page):
    return [f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:4]}"
            for v in axe.run(page).response["violations"] if v["impact"] in ("serious", "critical")]


def test_a_supervisor_adds_a_system_copies_its_token_and_the_token_works_over_http(live_server, browser, db):
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    log_in(page, live_server, "boss")
    page.click("#admin-link")
    page.click("nav.admin-nav >> text=API 接入系统")
    expect(page.locator("h1")).to_have_text("API 接入系统")
    axe = Axe()
    problems = serious(axe, page)

    page.fill("#add-api-client input[name=webhook_url]", "ftp://crm.example.cn/hooks")
    page.fill("#add-api-client input[name=name]", "crm")
    page.check("#add-api-client input[value='orders:write']")
    page.evaluate("document.querySelector('#add-api-client input[name=webhook_url]').type = 'text'")  # past the browser's own check
    page.click("#add-api-client button[type=submit]")
    expect(page.locator("#errors")).to_contain_text("必须以 https:// 或 http:// 开头")
    assert db.execute("SELECT COUNT(*) FROM api_clients").fetchone()[0] == 0

    page.fill("#add-api-client input[name=webhook_url]", "https://crm.example.cn/ontrack/hooks")
    page.check("#add-api-client input[value='orders:read']")
    page.click("#add-api-client button[type=submit]")
    expect(page.locator("#revealed")).to_contain_text("只显示这一次")
    page.click("#copy-token")
    expect(page.locator("#copy-token")).to_have_text("已复制")
    token = page.evaluate("navigator.clipboard.readText()")
    assert token.startswith("ont_") and token == page.input_value("#new-token")
    problems += serious(axe, page)
    shot(page, "22-api-client-created")

    status, order = call(live_server, token, "POST", "/api/v1/orders", ORDER)
    assert status == 201, order
    status, read = call(live_server, token, "GET", f"/api/v1/orders/{order['id']}")
    assert status == 200 and read["external_id"] == ORDER["external_id"]

    client_id = db.execute("SELECT id FROM api_clients WHERE name = 'crm'").fetchone()[0]
    page.goto(f"{live_server}/admin/api-clients/{client_id}")  # the token is never shown again; its last use is
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator(".api-tokens tbody tr").first).not_to_contain_text("从未")
    page.click("#deliveries-link")
    expect(page).to_have_url(f"{live_server}/webhooks/{client_id}")
    page.go_back()
    page.click("#deactivate-client button")
    expect(page.locator("#revoked")).to_be_visible()
    assert call(live_server, token, "GET", f"/api/v1/orders/{order['id']}")[0] == 401
    page.goto(f"{live_server}/admin/api-clients")
    problems += serious(axe, page)
    shot(page, "22-api-clients")
    page.click("form[action='/lang/en'] button")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("API clients")
    problems += serious(axe, page)
    context.close()
    assert problems == []
