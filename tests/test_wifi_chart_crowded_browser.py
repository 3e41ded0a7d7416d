"""Issue 15 (field fault): the Wi-Fi channel chart stays readable in a crowded block of flats.

A scan of 1,500 networks (generated here as wpa_cli output, the format a laptop or router saves) is
uploaded on the phone; on each band's chart no two names meet, none leaves the chart, a channel
names at most its strongest few and counts the rest as "+N", and the customer's own network is
always named.
"""
import random
import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import shot
from webapp.wifi.guidance import MAX_NETWORKS
from tests.test_offline_browser import open_new_wifi_survey, dispatch_order, open_job, phone_profile, server  # noqa: F401
from tests.test_phone_polish_15c_browser import assert_inside, boxes, overlapping

pytestmark = pytest.mark.browser
NAMED_PER_CHANNEL = 2  # offline/wifi.js: NAMES_PER_CHANNEL
CHANNELS_24 = {2412 + 5 * i: i + 1 for i in range(13)}
CHANNELS_5 = {5000 + 5 * c: c for c in (36, 40, 44, 48, 52, 56, 60, 64, 149, 153, 157, 161, 165)}


def crowded_scan(count=1500, seed=15):
    """wpa_cli scan_results text of `count` networks: Chinese and wide Latin names, both bands, the
    customer's own "客户家-5G" among them."""
    rng = random.Random(seed)
    words = ["ChinaNet", "CMCC", "TP-LINK", "MERCURY", "WWWWMMMM", "中国移动", "邻居王家的网络", "HUAWEI", "Xiaomi", "@PHICOMM"]
    lines = ["bssid / frequency / signal level / flags / ssid"]
    for i in range(count):
        freq = rng.choice(list(CHANNELS_24) * 2 + list(CHANNELS_5))
        ssid = f"{rng.choice(words)}-{i:04X}"
        lines.append(f"02:00:00:{i >> 8 & 255:02x}:{i & 255:02x}:{rng.randrange(256):02x}\t{freq}\t{rng.randint(-92, -35)}"
                     f"\t[WPA2-PSK-CCMP][ESS]\t{ssid}")
    lines.append("02:00:00:ff:ff:01\t5180\t-52\t[WPA2-PSK-CCMP][ESS]\t客户家-5G")
    return "\n".join(lines) + "\n"


def test_a_scan_of_1500_networks_gives_charts_whose_names_never_overlap(app, server, user_ids, phone_profile):  # noqa: F811
    order_id, _ = dispatch_order(app, user_ids, symptom="wifi_slow")
    scan = crowded_scan()
    # A survey holds the strongest MAX_NETWORKS (webapp/wifi/guidance.py strongest): the charts show those.
    seen = [(int(line.split("\t")[1]) >= 5000, int(line.split("\t")[2])) for line in scan.splitlines()[1:]]
    cutoff = sorted((signal for _, signal in seen), reverse=True)[MAX_NETWORKS - 1]
    expected = [range(sum(1 for five, signal in seen if five == band and signal > cutoff),
                      sum(1 for five, signal in seen if five == band and signal >= cutoff) + 1) for band in (False, True)]
    shown = []
    context, page = open_job(phone_profile, server, order_id)
    open_new_wifi_survey(page)
    page.fill("#wifi-typed [name=own_ssid]", "客户家-5G")
    page.set_input_files("#wifi-file input[type=file]", files=[
        {"name": "scan.txt", "mimeType": "text/plain", "buffer": scan.encode()}])
    expect(page.locator("#wifi-preview")).to_contain_text("1501")
    charts = page.locator("#wifi-preview svg.wifi-chart")
    expect(charts).to_have_count(2)
    charts.nth(0).scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/sfix-wifi-1500-24.png")
    charts.nth(1).scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/sfix-wifi-1500-5.png")
    for band in range(2):
        chart = charts.nth(band)
        names, size = boxes(chart, "text.label")
        assert 8 <= len(names) <= 2 * 13 * (NAMED_PER_CHANNEL + 1), len(names)
        assert overlapping(names) == []
        assert_inside(names, size)
        words = chart.locator("text.label").all_text_contents()
        counts = [w for w in words if re.fullmatch(r"\+\d+", w)]
        assert len(counts) == 13, ("every channel of the band counts the networks it does not name", words)
        shown.append(sum(int(c) for c in counts) + len(words) - len(counts))
        assert shown[band] in expected[band], ("every network kept is named or counted", shown[band], expected[band])
        font = chart.locator("text.label").first.evaluate("(t) => parseFloat(getComputedStyle(t).fontSize)")
        assert font >= 10
    assert sum(shown) == MAX_NETWORKS
    assert "客户家-5G" in charts.nth(1).locator("text.label").all_text_contents()
    assert context.errors == []
