"""In Chromium (390×844): a scan file with networks on channels no Wi-Fi band has (the WiGLE sample of
../shared/wifi-samples, two rows moved to channels 0 and 15), analysed online, then saved on the order with the phone
offline. The server's answer names them (off_band_networks); until the survey synced the saved survey was analysed
again on the phone without them and said nothing (issue 18's note of 2026-12-05). Now the phone's analyser adds the
same finding from the off-band networks the answer carried (offline/wifi.js offBandFinding). Screenshot in shots/."""
import pathlib

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from tests.test_offline_browser import dispatch_order, go_offline, go_online, open_job, open_new_wifi_survey, phone_profile, server  # noqa: F401
from tests.test_wifi_off_band import SAMPLE, moved

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not SAMPLE.exists(), reason="needs ../shared/wifi-samples")]
SAID = "个网络的信道不属于任何 Wi-Fi 频段（0, 15）"


def test_a_survey_saved_offline_still_names_the_networks_on_no_band(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids, symptom="wifi_slow")
    context, page = open_job(phone_profile, server, order_id)
    open_new_wifi_survey(page)
    text, _ = moved([0, 15])
    page.set_input_files("#wifi-file input[type=file]",
                         files=[{"name": "wigle.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    preview = page.locator("#wifi-preview")
    expect(preview).to_contain_text(SAID, timeout=20000)

    go_offline(server, context)
    page.locator("[data-wifi-save]").tap()
    saved = page.locator("#wifi-saved")
    expect(page.locator("#wifi")).to_contain_text("已保存到工单")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    expect(saved).to_contain_text("2 " + SAID)
    saved.scroll_into_view_if_needed()
    shot(page, "wifi-off-band-saved-offline")

    go_online(server, context, page)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    expect(page.locator("#wifi-saved")).to_contain_text("2 " + SAID)
    assert context.errors == []


OFF_BAND_CASES = [
    [{"bssid": "02:00:00:00:00:02", "channel": 200}, {"bssid": "02:00:00:00:00:03", "channel": 30},
     {"bssid": "02:00:00:00:00:04", "freq_mhz": 4920}, {"bssid": "02:00:00:00:00:05", "channel": 1e300}],
    [{"bssid": f"02:00:00:00:01:{k:02x}", "channel": channel} for k, channel in enumerate([0, 14, 15, 16, 17, 18, 19, 20, 21, 22])],
    [{"bssid": "02:00:00:00:02:01", "channel": -5}, {"bssid": "02:00:00:00:02:02", "freq_mhz": 2412.5},
     {"bssid": "02:00:00:00:02:03"}, {"bssid": None, "channel": 0}, {"bssid": None, "channel": 0}],
]


@pytest.mark.parametrize("off_band", OFF_BAND_CASES, ids=["numbers-and-frequencies", "more-than-eight", "odd-ones"])
def test_the_phone_names_off_band_networks_as_the_server_does(page, off_band):
    """offline/wifi.js offBandFinding against webapp/wifi/guidance.py analyze, on the same off-band networks: the same
    count and the same channels named, in the same order, cut at the same place."""
    from webapp.sync.reference import wifi_reference
    from webapp.wifi import guidance

    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(content=(pathlib.Path(__file__).resolve().parents[1] / "offline" / "wifi.js").read_text("utf-8"))
    phone = page.evaluate("([ref, off]) => self.ONTrackWifi.analyze(ref, [], 'CN', '', 'zh', off).findings"
                          ".filter((f) => f.code === 'off_band_networks').map((f) => [f.params, f.message])",
                          [wifi_reference(), off_band])
    server = [[f["params"], f["message"]] for f in guidance.analyze("json", [], off_band=off_band)["findings"]
              if f["code"] == "off_band_networks"]
    assert phone == server and len(server) == 1, (phone, server)
