"""A phone that reaches ONTrack over plain HTTP on the LAN is told plainly that offline work and photos need HTTPS."""
import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.test_browser import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture
def lan_browser(playwright, browser_type_launch_args):
    """Chromium that resolves ontrack.lan to this box: a plain-HTTP address that is not localhost."""
    args = [*browser_type_launch_args.get("args", []), "--host-resolver-rules=MAP ontrack.lan 127.0.0.1"]
    browser = playwright.chromium.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def test_plain_http_on_the_lan_says_offline_work_and_photos_need_https(live_server, lan_browser):
    port = live_server.rsplit(":", 1)[1]
    page = lan_browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.goto(f"http://ontrack.lan:{port}/login")
    assert page.evaluate("window.isSecureContext") is False
    note = page.locator("#insecure-context")
    expect(note).to_be_visible()
    expect(note).to_contain_text("HTTPS")
    page.fill("input[name=username]", "techa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"http://ontrack.lan:{port}/jobs/")
    expect(page.locator("#insecure-context")).to_be_visible()  # on the technician's app too


def test_a_secure_context_shows_no_such_message(live_server, lan_browser):
    page = lan_browser.new_context(locale="zh-CN", **PHONE).new_page()
    page.goto(f"{live_server}/login")  # 127.0.0.1 counts as secure, as an https address does
    assert page.evaluate("window.isSecureContext") is True
    expect(page.locator("#insecure-context")).to_be_hidden()
