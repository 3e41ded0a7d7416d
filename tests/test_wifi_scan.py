"""pywifi's real code against a wpa_supplicant control-socket stand-in; the CLI commands."""
import json
import pathlib

import pytest

from tests.wpa_standin import StandIn, scan_line
from webapp.wifi import scan

SAMPLES = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "wifi-samples"
NEIGHBOURS = [
    scan_line("14:4d:67:14:1e:44", 2412, -67, "[WPA2-PSK-CCMP][WPS][ESS]", b"TOTOLINK N302RE"),
    scan_line("ac:9e:17:31:85:fc", 2437, -45, "[WPA2-PSK-CCMP][ESS]", "中国移动".encode()),
    scan_line("50:fa:84:00:30:4e", 2462, -63, "[WPA-PSK-CCMP][WPA2-PSK-CCMP][ESS]", "哈哈镜".encode("gbk")),
    scan_line("78:32:1b:63:96:05", 5180, -70, "[WPA2-SAE-CCMP][ESS]", b"home-5g"),
    scan_line("cc:46:d6:3c:91:04", 2412, -88, "[ESS]", b""),
]


def test_pywifi_scans_through_the_stand_in_and_ssids_are_decoded():
    with StandIn(NEIGHBOURS) as wpa:
        networks = scan.live_scan(wpa.iface, wpa.dir, wait=0)
        assert wpa.requests[:3] == ["PING", "SCAN", "SCAN_RESULTS"]
    by_bssid = {n["bssid"]: n for n in networks}
    assert len(networks) == 5
    assert by_bssid["ac:9e:17:31:85:fc"]["ssid"] == "中国移动"
    assert by_bssid["50:fa:84:00:30:4e"]["ssid"] == "哈哈镜"  # GBK bytes, as on Chinese premises
    assert by_bssid["cc:46:d6:3c:91:04"]["hidden"] is True
    assert by_bssid["78:32:1b:63:96:05"]["band"] == "5" and by_bssid["78:32:1b:63:96:05"]["channel"] == 36
    assert by_bssid["14:4d:67:14:1e:44"]["security"] == "WPA2-PSK"


def test_many_networks_stay_inside_wpa_supplicants_4096_bytes():
    lines = [scan_line(f"02:00:00:00:{i // 256:02x}:{i % 256:02x}", 2412 + 5 * (i % 13), -60 - i % 30, "[WPA2-PSK-CCMP][ESS]",
                       f"network-{i:03d}".encode()) for i in range(120)]
    with StandIn(lines) as wpa:
        networks = scan.live_scan(wpa.iface, wpa.dir, wait=0)
    assert 40 < len(networks) < 120  # what fits in one reply, as wpa_supplicant sends it


def test_a_reply_over_4096_bytes_gets_a_clear_error():
    lines = [scan_line(f"02:00:00:00:{i // 256:02x}:{i % 256:02x}", 2412, -60, "[WPA2-PSK-CCMP][ESS]", b"x" * 20) for i in range(120)]
    with StandIn(lines, overflow=True) as wpa:
        with pytest.raises(scan.ScanError, match="4096 bytes"):
            scan.live_scan(wpa.iface, wpa.dir, wait=0)


def test_a_socket_that_never_answers_gets_a_clear_error_not_a_hang():
    with StandIn(silent=True) as wpa:
        with pytest.raises(scan.ScanError, match="did not answer within 0.5 s"):
            scan.live_scan(wpa.iface, wpa.dir, wait=0, timeout=0.5)


def test_no_wpa_supplicant_directory_says_what_to_do(tmp_path):
    with pytest.raises(scan.ScanError, match="No wpa_supplicant control directory"):
        scan.live_scan(None, str(tmp_path / "missing"), wait=0)
    with pytest.raises(scan.ScanError, match="no interface"):
        scan.live_scan(None, str(tmp_path), wait=0)


def test_an_unknown_interface_lists_the_ones_there():
    with StandIn(NEIGHBOURS) as wpa:
        with pytest.raises(scan.ScanError, match=wpa.iface):
            scan.live_scan("wlan9", wpa.dir, wait=0)


def test_cli_scan_prints_the_issues_json(app):
    with StandIn(NEIGHBOURS) as wpa:
        app.config["WIFI_CTRL_DIR"] = wpa.dir
        result = app.test_cli_runner().invoke(args=["wifi", "scan", "--iface", wpa.iface, "--wait", "0", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"format", "networks", "recommendation", "findings"}
    assert set(data["networks"][0]) >= {"bssid", "ssid", "hidden", "freq_mhz", "channel", "band", "width_mhz", "signal_dbm", "security"}
    assert set(data["recommendation"]["2.4"]) >= {"channel", "width_mhz", "score", "reason"}
    assert all(set(f) == {"code", "severity", "params", "message"} for f in data["findings"])


def test_cli_scan_without_wpa_supplicant_is_one_line_and_non_zero(app, tmp_path):
    app.config["WIFI_CTRL_DIR"] = str(tmp_path / "none")
    result = app.test_cli_runner().invoke(args=["wifi", "scan", "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().startswith("error: No wpa_supplicant control directory")


@pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/wifi-samples is not beside the project")
def test_cli_analyze_a_sample_with_the_customers_network(app):
    result = app.test_cli_runner().invoke(args=["wifi", "analyze", str(SAMPLES / "wpa-cli-scan-results__QiuEamo_wpa_cli_wrapper.txt"),
                                                "--own-ssid", "OpenWrt", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "wpa" and [n["ssid"] for n in data["networks"]].count("哈哈镜") == 1
    assert data["recommendation"]["2.4"]["channel"] in (1, 6)
    assert "good_signal" in [f["code"] for f in data["findings"]]


@pytest.mark.parametrize("content", [b"", b"hello world\n", b"\x00\x01\x02" * 100, "这不是扫描结果".encode(), b'{"a": 1}',
                                     b"bssid / frequency / signal level / flags / ssid\nnot-a-mac\t1\t2\t3\tx\n"])
def test_cli_analyze_refuses_what_is_not_a_scan_in_one_line(app, tmp_path, content):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["wifi", "analyze", str(junk), "--json"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: ") and "Traceback" not in result.output


def test_cli_analyze_missing_file_and_unknown_country(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["wifi", "analyze", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and result.output.startswith("error: cannot read")
    sample = tmp_path / "s.txt"
    sample.write_text("bssid / frequency / signal level / flags / ssid\n14:4d:67:14:1e:44\t2412\t-67\t[ESS]\tx\n")
    result = app.test_cli_runner().invoke(args=["wifi", "analyze", str(sample), "--country", "XX"])
    assert result.exit_code == 2 and "unknown country" in result.output
