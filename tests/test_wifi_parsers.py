"""Every importer on the real samples in ../shared/wifi-samples (exact counts) and on samples we made;
hypothesis feeds every parser arbitrary and mangled input: a clear error or networks, never a crash."""
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from webapp.wifi import parsers

SAMPLES = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "wifi-samples"
OURS = pathlib.Path(__file__).resolve().parent / "data" / "wifi"
need_samples = pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/wifi-samples is not beside the project")

# file → (format, networks after one-per-BSSID, on 5 GHz, hidden). Where a count differs from
# SOURCES.md's facts, the file repeats a BSSID: nmcli lists A1:6A:BB:E9:FC:E5 twice (14 rows,
# 13 BSSIDs); netsh reuses 15 BSSIDs across SSIDs/bands (86 entries, 71 BSSIDs).
EXPECTED = {
    "airport-s__schollz_wifiscan__airport01.txt": ("airport", 36, 15, 0),
    "iw-scan__abandonware_wireless-tools.txt": ("iw", 8, 3, 1),
    "iwlist-scan__schollz_wifiscan__iwlist01_ubuntu1404.txt": ("iwlist", 29, 0, 1),
    "netsh-bssid__schollz_wifiscan__netsh_en_complex01.txt": ("netsh", 71, 38, 13),
    "nmcli-terse__friedrith_node-wifi.log": ("nmcli", 13, 4, 0),
    "termux-wifi-scaninfo__kootenpv_access_points.json": ("termux", 2, 1, 0),
    "wigle-csv__nunii_Kml-Wigle-Wifi__WigleWifi_20171101202350.csv": ("wigle", 113, 14, 19),
    "wpa-cli-scan-results__QiuEamo_wpa_cli_wrapper.txt": ("wpa", 3, 0, 0),
    "wpa-ctrl-scan-results__awkman_pywifi_tests.txt": ("wpa", 4, 0, 0),
}


def read(path):
    return parsers.decode_file(path.read_bytes())


@need_samples
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_is_read_with_its_exact_counts(name):
    fmt, networks = parsers.parse(read(SAMPLES / name))
    assert (fmt, len(networks), sum(n["band"] == "5" for n in networks), sum(n["hidden"] for n in networks)) == EXPECTED[name]
    assert len({n["bssid"] for n in networks}) == len(networks)
    for n in networks:
        assert n["band"] in ("2.4", "5") and n["channel"] and -110 <= n["signal_dbm"] <= 0, n


@need_samples
def test_sample_details():
    iw = {n["ssid"]: n for n in parsers.parse(read(SAMPLES / "iw-scan__abandonware_wireless-tools.txt"))[1]}
    assert iw["QA Lab 5GHz"]["width_mhz"] == 80 and iw["QA Lab 5GHz"]["center_mhz"] == 5210
    assert iw["creamcorn"]["signal_dbm"] == -87 and iw["creamcorn"]["security"] == "WPA2-PSK"
    wpa = {n["ssid"]: n for n in parsers.parse(read(SAMPLES / "wpa-cli-scan-results__QiuEamo_wpa_cli_wrapper.txt"))[1]}
    assert set(wpa) == {"哈哈镜", "OpenWrt", "刘均"}  # GBK and UTF-8 escaped bytes decoded
    nmcli = {n["bssid"]: n for n in parsers.parse(read(SAMPLES / "nmcli-terse__friedrith_node-wifi.log"))[1]}
    assert nmcli["31:23:03:18:9f:1c"]["ssid"] == "Linksys01777-invité"
    assert nmcli["31:23:03:1a:9f:1c"]["signal_dbm"] == -40  # 100 % → −40 dBm (NetworkManager's scale)
    termux = parsers.parse(read(SAMPLES / "termux-wifi-scaninfo__kootenpv_access_points.json"))[1]
    assert {(n["ssid"], n["width_mhz"]) for n in termux} == {("ABC", 20), ("ABC-5G", 80)}
    netsh = parsers.parse(read(SAMPLES / "netsh-bssid__schollz_wifiscan__netsh_en_complex01.txt"))[1]
    assert next(n for n in netsh if n["bssid"] == "00:f2:8b:8c:a6:88")["signal_dbm"] == -88.5  # 23 % → −88.5 dBm


def test_chinese_netsh_in_gbk_is_read_by_shape_not_by_label():
    fmt, networks = parsers.parse(read(OURS / "netsh-zh-CN.txt"))
    assert fmt == "netsh"
    got = {(n["ssid"], n["channel"], n["band"], n["signal_dbm"], n["security"]) for n in networks}
    assert got == {("中国移动-5G", 149, "5", -57.0, "WPA2-PSK"), ("中国移动-5G", 6, "2.4", -54.0, "WPA2-PSK"),
                   ("ChinaNet-abcd", 1, "2.4", -80.0, "open"), ("", 11, "2.4", -90.0, "WPA2-EAP")}


def test_escaped_chinese_ssids_and_widths_in_iw_output():
    networks = {n["bssid"]: n for n in parsers.parse(read(OURS / "iw-escaped-zh.txt"))[1]}
    assert networks["a4:50:46:00:00:01"]["ssid"] == "中国移动"
    assert networks["a4:50:46:00:00:01"]["width_mhz"] == 40 and networks["a4:50:46:00:00:01"]["center_mhz"] == 2427
    assert networks["50:fa:84:00:30:4e"]["ssid"] == "哈哈镜"
    assert networks["00:0c:43:00:00:02"]["ssid"] == " My Home " and networks["00:0c:43:00:00:02"]["width_mhz"] == 80
    assert networks["00:0c:43:00:00:02"]["security"] == "WPA3-SAE"


def test_powershell_utf16_files_are_read():
    text = read(OURS / "netsh-zh-CN.txt")
    assert parsers.parse(parsers.decode_file(text.encode("utf-16")))[0] == "netsh"


def test_one_entry_per_bssid_keeps_the_strongest():
    text = ("bssid / frequency / signal level / flags / ssid\n"
            "14:4d:67:14:1e:44\t2412\t-80\t[ESS]\ta\n14:4d:67:14:1e:44\t2412\t-50\t[ESS]\ta\n")
    (only,) = parsers.parse(text)[1]
    assert only["signal_dbm"] == -50


@pytest.mark.parametrize("fmt", parsers.FORMATS)
def test_a_named_format_that_does_not_match_is_refused(fmt):
    with pytest.raises(parsers.ScanFormatError):
        parsers.parse("hello, this is a shopping list\n", fmt)


def _seeds():
    texts = [read(OURS / "netsh-zh-CN.txt"), read(OURS / "iw-escaped-zh.txt")]
    if SAMPLES.exists():
        texts += [read(SAMPLES / name)[:6000] for name in sorted(EXPECTED)]
    cases = SAMPLES.parent / "public-cases"
    if cases.exists():  # the handed scans of other shapes: iwinfo, macOS JSON, nmcli's table, netsh without BSSIDs
        texts += [read(path)[:6000] for pattern in ("*/*.txt", "macos*/*.json") for path in sorted(cases.glob(pattern))]
    return texts


SEEDS = _seeds()


def check(fmt, text):
    try:
        _found, networks = parsers.parse(text, fmt)
    except parsers.ScanFormatError as exc:
        assert str(exc)
        return
    for n in networks:
        assert set(n) >= {"bssid", "ssid", "hidden", "freq_mhz", "channel", "band", "width_mhz", "signal_dbm", "security"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(("auto",) + parsers.FORMATS), st.text(max_size=3000))
def test_arbitrary_text_never_crashes_a_parser(fmt, text):
    check(fmt, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(("auto",) + parsers.FORMATS), st.sampled_from(range(len(SEEDS))), st.data())
def test_mangled_real_scans_never_crash_a_parser(fmt, seed, data):
    text = SEEDS[seed]
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, max(len(text) - 1, 0)))
        action = data.draw(st.sampled_from(("cut", "drop", "insert", "swap_line")))
        if action == "cut":
            text = text[:i]
        elif action == "drop":
            text = text[:i] + text[i + data.draw(st.integers(1, 40)):]
        elif action == "insert":
            text = text[:i] + data.draw(st.text(min_size=1, max_size=20)) + text[i:]
        else:
            lines = text.splitlines()
            if len(lines) > 2:
                a, b = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
                lines[a], lines[b] = lines[b], lines[a]
                text = "\n".join(lines)
    check(fmt, text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decode_or_refuse(data):
    try:
        text = parsers.decode_file(data)
    except parsers.ScanFormatError:
        return
    check("auto", text)
