"""The API's docs page renders the generated document in Chromium under the app's CSP (vendored Swagger UI, no CDN)."""
import pytest

pytestmark = pytest.mark.browser


def test_the_docs_page_shows_every_operation_with_no_csp_report(live_server, page):
    violations, outside = [], []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(live_server) else None)
    page.goto(live_server + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/v1/orders", "/api/v1/orders/{order_id}", "/api/v1/orders/{order_id}/cancel", "/api/v1/alarms",
            "/api/v1/account-mapping"} <= {p.replace("\u200b", "") for p in paths}
    assert violations == [] and outside == []
