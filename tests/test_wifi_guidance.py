"""Channel scoring on constructed neighbourhoods; the phone's scorer agrees with the server's."""
import random

import pytest
from playwright.sync_api import expect

from webapp.sync.reference import wifi_reference
from webapp.wifi import guidance
from webapp.wifi.channels import freq_of
from webapp.wifi.parsers import network


def ap(channel, signal, ssid="neighbour", width=20, center_channel=None, bssid=None):
    band = "2.4" if channel <= 14 else "5"
    center = freq_of(center_channel, band) if center_channel else None
    return network(bssid or f"02:00:00:{channel:02x}:{abs(int(signal)):02x}:{random.randrange(256):02x}", ssid,
                   freq=freq_of(channel, band), signal=signal, width=width, center=center)


def best(networks, band, **kw):
    return guidance.recommend(networks, **kw)["recommendation"][band]


def test_an_empty_band_gives_1_6_or_11():
    assert best([], "2.4")["channel"] in (1, 6, 11)
    assert best([], "2.4", country="US")["channel"] in (1, 6, 11)


def test_a_strong_co_channel_neighbour_moves_the_recommendation():
    assert best([ap(1, -40)], "2.4")["channel"] == 6
    assert best([ap(1, -40), ap(6, -45)], "2.4")["channel"] == 11
    reason = best([ap(1, -40), ap(6, -45), ap(11, -50)], "2.4", lang="en")["reason"]
    assert "least interference" in reason or "no neighbouring" in reason


def test_a_weak_neighbour_far_below_the_floor_does_not_count():
    assert best([ap(1, -92), ap(6, -91)], "2.4")["score"] == 0


def test_partial_overlap_counts_more_than_sharing_a_channel():
    # A neighbour on 3 hurts channel 1 more (partial overlap) than one of equal strength on 1 itself.
    scored = {s["channel"]: s["score"] for s in guidance.score_band([ap(3, -60)], "2.4", guidance.domain("CN"))}
    co = {s["channel"]: s["score"] for s in guidance.score_band([ap(1, -60)], "2.4", guidance.domain("CN"))}
    assert scored[1] > co[1]


def test_a_40_mhz_neighbour_blocks_its_secondary_channel():
    wide = ap(36, -50, width=40, center_channel=38)  # primary 36, secondary 40
    scored = {(s["channel"], s["width_mhz"]): s["score"] for s in guidance.score_band([wide], "5", guidance.domain("CN"))}
    assert scored[(40, 20)] > scored[(36, 20)] > 0  # its secondary is worse than sharing its primary
    assert scored[(44, 20)] == 0
    rec = best([wide], "5")
    assert rec["channel"] not in (36, 40) and rec["score"] == 0


def test_the_customers_own_ap_is_ignored():
    own = [ap(1, -35, ssid="my-home"), ap(149, -40, ssid="my-home")]
    assert best(own, "2.4", own_ssid="my-home")["channel"] == 1
    assert best(own, "2.4")["channel"] != 1  # counted when it is not named as the customer's


def test_5ghz_prefers_non_dfs_and_wide_and_follows_the_country():
    assert best([], "5") == {"channel": 36, "width_mhz": 80, "score": 0.0, "reason": best([], "5")["reason"],
                             "reason_code": "reason_clear", "reason_params": {"channel": 36, "width": 80}}
    busy_low = [ap(36, -50), ap(44, -55)]
    rec = best(busy_low, "5")
    assert rec["channel"] in (149, 153, 157, 161) and rec["width_mhz"] == 80  # not DFS 52–64
    assert 100 not in [s["channel"] for s in guidance.recommend([], "CN")["channels"]["5"]]  # China has no 100–144
    assert 100 in [s["channel"] for s in guidance.recommend([], "US")["channels"]["5"]]
    assert 13 not in [s["channel"] for s in guidance.recommend([], "US")["channels"]["2.4"]]


def test_findings_from_the_seeds():
    networks = [ap(11, -78, ssid="my-home"), ap(1, -50), ap(6, -55)]
    result = guidance.recommend(networks, own_ssid="my-home", lang="zh")
    codes = {f["code"]: f for f in result["findings"]}
    assert codes["weak_signal"]["severity"] == "warning" and "−70" in codes["weak_signal"]["message"]
    assert {"fix_channel", "band_advice", "wds_single_router"} <= set(codes)
    assert "change_channel" not in codes or codes["change_channel"]["severity"] == "warning"
    missing = guidance.recommend(networks, own_ssid="nobody")
    assert "own_not_found" in {f["code"] for f in missing["findings"]}


def test_recommending_for_500_networks_is_quick_enough():
    rng = random.Random(3)
    many = [ap(rng.choice([1, 6, 11, 3, 9, 36, 44, 149, 157]), rng.uniform(-95, -30)) for _ in range(500)]
    result = guidance.recommend(many)
    assert result["recommendation"]["2.4"] and result["recommendation"]["5"]


@pytest.mark.browser
def test_the_phone_and_the_server_recommend_the_same(login, live_server, browser):
    from tests.test_offline_browser import log_in
    page = browser.new_page()
    log_in(page, live_server, "techa")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    rng = random.Random(11)
    cases = []
    for i in range(150):
        nets = []
        for _ in range(rng.randint(0, 25)):
            channel = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 36, 40, 44, 48, 52, 60, 149, 153, 157, 161, 165])
            width = rng.choice([20, 20, 20, 40, 80]) if channel > 14 else rng.choice([20, 20, 40])
            center = None
            if width == 40:
                center = channel + (2 if channel > 14 or channel <= 9 else -2)
            if width == 80 and channel > 14:
                center = {36: 42, 40: 42, 44: 42, 48: 42, 52: 58, 60: 58, 149: 155, 153: 155, 157: 155, 161: 155}.get(channel)
                width = 80 if center else 20
            nets.append(ap(channel, round(rng.uniform(-95, -30)), ssid=rng.choice(["home", "a", "b", "c"]), width=width, center_channel=center))
        cases.append({"networks": nets, "country": rng.choice(["CN", "US", "EU"]), "own": rng.choice([None, "home"])})
    ref = wifi_reference()
    phone = page.evaluate("""([ref, cases]) => cases.map(c => {
        const a = ONTrackWifi.analyze(ref, c.networks, c.country, c.own, 'zh');
        return {recommendation: a.recommendation, findings: a.findings.map(f => f.code + ':' + f.message)}; })""", [ref, cases])
    for case, answer in zip(cases, phone):
        server = guidance.recommend(case["networks"], case["country"], case["own"], "zh")
        assert answer["recommendation"] == server["recommendation"], case
        assert answer["findings"] == [f"{f['code']}:{f['message']}" for f in server["findings"]], case
