"""Review r2 in Chromium (390×844): the server-drawn first list on a shared phone.

Screenshots go to shots/ (looked at by the reviewer)."""
import pathlib
import re

import pytest
from playwright.sync_api import expect

from tests.test_offline_browser import (open_new_wifi_survey, dispatch_order, go_offline, log_in, phone_profile, ready_offline,  # noqa: F401
                                        server, wait_js)

pytestmark = pytest.mark.browser
SHOTS = pathlib.Path(__file__).resolve().parent.parent / "shots"


def snap(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_shared_phone_never_shows_the_last_persons_list(app, server, user_ids, phone_profile):  # noqa: F811
    mine, _ = dispatch_order(app, user_ids, technician="techa", customer_name="甲的客户")
    theirs, _ = dispatch_order(app, user_ids, technician="techb", customer_name="乙的客户", district="西城区")
    context = phone_profile()
    page = context.new_page()
    first = []
    page.on("response", lambda r: first.append(dict(r.headers)) if r.url.endswith("/jobs/") and r.request.is_navigation_request() else None)
    log_in(page, server.url, "techa")
    ready_offline(page)
    assert first and first[0].get("x-ontrack-drawn", "").isdigit(), first
    expect(page.locator(f"#job-{mine}")).to_contain_text("甲的客户")
    snap(page, "r2-01-techa-list")

    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(f"{server.url}/login")
    log_in(page, server.url, "techb")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(f"#job-{theirs}")).to_contain_text("乙的客户")
    assert page.locator(f"#job-{mine}").count() == 0 and "甲的客户" not in page.content()
    snap(page, "r2-02-techb-list")

    # Back through the history: A's page must not come back (bfcache, HTTP cache, the service worker).
    for step in range(3):
        if page.evaluate("history.length") <= 1:
            break
        page.go_back()
        page.wait_for_timeout(800)
        assert "甲的客户" not in page.content(), f"A's list came back after {step + 1} step(s) back: {page.url}"
    snap(page, "r2-03-after-back")

    # Offline and reloaded: B's list from B's briefcase, nothing of A's.
    page.goto(f"{server.url}/jobs/")
    ready_offline(page)
    go_offline(server, context)
    page.reload()
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(f"#job-{theirs}")).to_contain_text("乙的客户")
    assert "甲的客户" not in page.content()
    snap(page, "r2-04-techb-offline-reload")
    assert context.errors == []


def test_after_a_session_runs_out_the_next_persons_offline_shell_is_theirs(app, server, user_ids, phone_profile):  # noqa: F811
    """A shared phone: A works online (the service worker keeps the shell, with A's boot data: id, name), then A's
    session runs out without a logout (so nobody sends "forget-shell"). B logs in on the same phone. B's /jobs/ is a
    first load: the server draws B's list into the page, a page the service worker does not keep (no X-ONTrack-Shell),
    and app.js keepShell() keeps nothing because a shell is cached already — A's. Before aa980e3 B's first /jobs/ was
    the bare shell and replaced A's. Now B goes out of coverage and the phone reloads the tab: the service worker
    answers with A's shell, the app opens A's briefcase and shows B A's customers (and would queue B's taps as A's).
    Should be: offline, B's own list (or at least nothing of A's)."""
    mine, _ = dispatch_order(app, user_ids, technician="techa", customer_name="甲的客户")
    theirs, _ = dispatch_order(app, user_ids, technician="techb", customer_name="乙的客户", district="西城区")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    page.reload()  # an ordinary day: A's phone holds the briefcase, /jobs/ is the bare shell, kept by the worker
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(f"#job-{mine}")).to_contain_text("甲的客户")

    context.clear_cookies()  # A's session runs out (no logout on this phone)
    log_in(page, server.url, "techb")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(f"#job-{theirs}")).to_contain_text("乙的客户")
    wait_js(page, "document.cookie.includes('ontrack_briefcase=')")
    snap(page, "r2-05-techb-online-after-a-expired")

    go_offline(server, context)
    page.reload()
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    page.wait_for_timeout(500)
    snap(page, "r2-06-techb-offline-reload-after-a-expired")
    assert "甲的客户" not in page.content(), "offline, the phone shows A's customers to B (A's cached shell)"
    expect(page.locator(f"#job-{theirs}")).to_contain_text("乙的客户")


NETSH_CASE = (pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "public-cases" / "netsh-without-bssid-lines"
              / "netsh.txt")
BROKEN_SCANS = {
    "iw-no-signal.txt": b"BSS 02:00:00:00:00:01(on wlan0)\n\tfreq: 2412\n\tSSID: x\n",
    "wigle.csv": b"WigleWifi-1.4,appRelease=1\nMAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,"
                 b"AltitudeMeters,AccuracyMeters,Type\n02:00:00:00:00:01,x,[WPA2],2020-01-01,abc,-40,0,0,0,0,WIFI\n",
    "netsh.txt": NETSH_CASE.read_bytes() if NETSH_CASE.exists() else None,  # a public case: skipped where ../shared is not
    "termux.json": b'[{"bssid":"02:00:00:00:00:01","frequency_mhz":"x","rssi":"y","ssid":1}]',
    "deep.json": b"[" * 5000 + b"]" * 5000,
    "photo.jpg": b"\xff\xd8\xff\xe0" + b"0" * 100,
    "empty.txt": b"",
}


@pytest.mark.public_case
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_broken_scans_on_the_phones_wifi_screen_are_said_in_the_readers_language(app, server, user_ids, phone_profile, lang):  # noqa: F811
    """The phone's Wi-Fi screen (online), broken scan files one after another; every message wholly in the reader's
    language (format names such as iw, WiGLE, netsh, BSSID, JSON aside), never the 500 page's "something went wrong"."""
    app.testing = False  # a server error answered as production answers it (JSON for the app's fetch), not raised
    app.config["PROPAGATE_EXCEPTIONS"] = False
    order_id, _ = dispatch_order(app, user_ids, symptom="wifi_slow")
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    if lang == "en":
        page.locator("form[action='/lang/en'] button").click()
        page.wait_for_load_state()
        page.goto(f"{server.url}/jobs/")
        expect(page.locator("body[data-ready='1']")).to_have_count(1)
        expect(page.locator("h1")).to_contain_text("My jobs")
    page.locator(f"#job-{order_id} .job-main").tap()
    open_new_wifi_survey(page)
    said = {}
    for name, data in ((name, data) for name, data in BROKEN_SCANS.items() if data is not None):
        page.set_input_files("#wifi-file input[type=file]", files=[{"name": name, "mimeType": "text/plain", "buffer": data}])
        expect(page.locator("#wifi-error")).to_be_visible()
        page.wait_for_timeout(300)
        said[name] = page.locator("#wifi-error").inner_text()
        snap(page, f"r2-wifi-{lang}-{name}")
    print(said)
    allowed = r"\b(ONTrack|Wi-?Fi|WiFi|iw|iwlist|iwinfo|nmcli|netsh|airport|macOS|system_profiler|json|JSON|wpa_cli|WiGLE|CSV|termux|BSS|BSSID|Cell|Channel|frequency_mhz|rssi|mode|bssid|show|networks|wlan|MB|GHz|dBm|scan|sudo|dev)\b"
    for name, text in said.items():
        assert text.strip(), name
        assert "JSON" not in re.split("[:：]", text)[0] and "Unexpected token" not in text, (name, text)  # the browser's own error
        if lang == "zh":
            rest = re.sub(allowed, "", text)
            assert not re.search(r"[A-Za-z]{4,}", rest), (name, text)
            assert "系统出错" not in text, (name, text)
        else:
            assert not re.search(r"[\u4e00-\u9fff]", text), (name, text)
            assert "went wrong" not in text, (name, text)
    assert context.errors == []
