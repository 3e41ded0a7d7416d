"""The handed public cases of Wi-Fi scans (../shared/public-cases/<case>/expected.md), read from
../shared and checked against the values their expected.md gives."""
import pathlib
import subprocess
import sys

import pytest

from webapp.wifi import guidance, parsers

CASES = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "public-cases"
pytestmark = pytest.mark.public_case
ROOT = pathlib.Path(__file__).resolve().parent.parent


def read(case, name):
    return parsers.parse(parsers.decode_file((CASES / case / name).read_bytes()))


def row(n):
    return (n["bssid"], n["ssid"], n["freq_mhz"], n["channel"], n["width_mhz"], n["center_mhz"], n["signal_dbm"],
            n["security"])


def test_iw_vht160_in_the_current_encoding_is_160_mhz_centred_on_channel_50():
    fmt, networks = read("iw-vht160-new-encoding", "iw-scan.txt")
    assert fmt == "iw"
    assert [row(n) + (n["band"],) for n in networks] == [
        ("02:00:00:00:02:01", "home-wifi", 5220, 44, 160, 5250, -44.0, "WPA2-PSK", "5")]
    scored = {(s["channel"], s["width_mhz"]): s for s in guidance.score_band(networks, "5", guidance.domain("CN"))}
    for channel in (36, 40, 44, 48, 52, 56, 60, 64):  # 5170–5330 MHz: every 5 GHz candidate in 36–64 counts it
        assert scored[(channel, 20)]["hits"], channel
    assert not scored[(149, 80)]["hits"]


def test_iwinfo_scan_gives_four_networks_with_widths_and_centres():
    fmt, networks = read("iwinfo-openwrt-scan", "iwinfo-scan.txt")
    assert fmt == "iwinfo"
    assert sorted(row(n) for n in networks) == [
        ("02:00:00:00:01:01", "Neighbour-551", 5260, 52, 80, 5290, -61.0, "WPA2-PSK"),
        ("02:00:00:00:01:02", "Neighbour WiFi690 5.8GHz", 5500, 100, 20, 5500, -90.0, "WPA2-PSK"),
        ("02:00:00:00:01:10", "Public Wifi", 5745, 149, 80, 5775, -69.0, "open"),
        ("02:00:00:00:01:11", "", 5745, 149, 80, 5775, -69.0, "WPA2-PSK"),
    ]
    assert [n["hidden"] for n in sorted(networks, key=row)] == [False, False, False, True]  # "ESSID: unknown"


def test_iwinfo_6ghz_cell_is_320_mhz_from_the_eht_operation():
    fmt, (only,) = read("iwinfo-openwrt-scan", "iwinfo-scan-6ghz.txt")
    assert fmt == "iwinfo"
    assert (only["freq_mhz"], only["band"], only["channel"], only["hidden"], only["signal_dbm"], only["security"],
            only["width_mhz"], only["center_mhz"]) == (6115, "6", 33, True, -14.0, "WPA3-SAE", 320, 6265)


def test_macos_15_system_profiler_is_read_with_unknown_signals_counted():
    fmt, networks = read("macos-system-profiler-json", "mac-sp_15.5.json")
    assert fmt == "macos"
    got = sorted((n["ssid"], n["channel"], n["band"], n["width_mhz"], n["signal_dbm"]) for n in networks)
    assert got == [("SSID-1", 4, "2.4", 20, None), ("SSID-2", 6, "2.4", 20, -39.0), ("SSID-3", 44, "5", 80, None),
                   ("SSID-4", 144, "5", 80, None), ("SSID-5", 6, "2.4", 20, None)]
    assert all(n["bssid"] is None for n in networks)
    five = {(s["channel"], s["width_mhz"]): s for s in guidance.score_band(networks, "5", guidance.domain("CN"))}
    assert five[(44, 80)]["score"] > 0  # heard with no signal: the channel is still occupied
    result = guidance.analyze(fmt, networks, "CN", None, "en")
    assert result["recommendation"]["5"]["channel"] not in (36, 40, 44, 48, 132, 136, 140, 144)


def test_macos_12_system_profiler_reads_three_networks_with_their_signals():
    fmt, networks = read("macos-system-profiler-json", "mac-sp_12.7.2-AP.json")
    got = sorted((n["ssid"], n["channel"], n["band"], n["width_mhz"], n["center_mhz"], n["signal_dbm"], n["security"])
                 for n in networks)
    assert (fmt, got) == ("macos", [("SSID-1", 1, "2.4", 40, 2422, -90.0, "WPA2-PSK"),
                                    ("SSID-2", 11, "2.4", 20, 2462, -91.0, "WPA2-PSK"),
                                    ("SSID-3", 149, "5", 20, 5745, -67.0, "WPA2-PSK")])


def test_netsh_without_bssid_lines_is_an_error_naming_the_command():
    with pytest.raises(parsers.NoNetworksError, match="netsh wlan show networks mode=bssid"):
        read("netsh-without-bssid-lines", "netsh.txt")
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "wifi", "analyze",
                          str(CASES / "netsh-without-bssid-lines" / "netsh.txt"), "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2 and "mode=bssid" in run.stderr and "networks" not in run.stdout


def test_nmcli_default_table_gives_four_networks_on_channel_10():
    fmt, networks = read("nmcli-tabular-default", "nmcli-dev-wifi.txt")
    assert fmt == "nmcli"
    assert sorted((n["bssid"], n["ssid"], n["freq_mhz"], n["channel"], n["signal_dbm"], n["security"])
                  for n in networks) == [
        ("02:00:00:00:03:01", "HomeNet", 2457, 10, -46.6, "WPA2"),
        ("02:00:00:00:03:02", "OtherNet", 2457, 10, -46.6, "WPA2"),
        ("02:00:00:00:03:03", "", 2457, 10, -58.6, "WPA2"),
        ("02:00:00:00:03:04", "", 2457, 10, -61.0, "WPA2"),
    ]
