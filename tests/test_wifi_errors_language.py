"""A scan file that cannot be read is explained in the technician's language, reason and all.

Before, the sentence around the reason was Chinese and the reason itself English
("这个文件不是 ONTrack 能读取的 Wi-Fi 扫描：The block of BSS … has no frequency or signal.").
"""
import re

import pytest

from tests.test_scan_upload_limits import upload

ENGLISH_WORDS = re.compile(r"\b(the|has|have|not|no|is|of|in|but|run|file|line|row|network)\b", re.I)

BROKEN = {
    "iw block without frequency": ("BSS 00:11:22:33:44:55(on wlan0)\n\tSSID: Home\n", "scan.txt"),
    "wpa_cli line": ("bssid / frequency / signal level / flags / ssid\n00:11:22:33:44:55\tabc\n", "wpa.txt"),
    "WiGLE non-number": ("WigleWifi-1.4,appRelease=1\nMAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,"
                         "CurrentLongitude,AltitudeMeters,AccuracyMeters,Type\n"
                         "00:11:22:33:44:55,Home,[WPA2],2024-01-01,six,-50,0,0,0,0,WIFI\n"
                         "00:11:22:33:44:66,Cafe,[WPA2],2024-01-01,11,-60,0,0,0,0,WIFI\n", "wigle.csv"),
    "nmcli without BSSID": ("Home:6:-:WPA2\n", "nmcli.txt"),
    "netsh without BSSID lines": ("SSID 1 : Home\n    Network type : Infrastructure\n", "netsh.txt"),
    "NaN signal": ('{"networks": [{"bssid": "00:11:22:33:44:55", "ssid": "x", "channel": 6, "signal_dbm": "NaN"}]}',
                   "scan.json"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_the_reason_is_in_chinese_for_a_chinese_reader(login, name):
    text, filename = BROKEN[name]
    response = upload(login("techa"), text.encode(), filename)
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
    error = response.json["error"]
    reason = error.split("：", 1)[-1]
    assert re.search("[\u4e00-\u9fff]", reason), error
    assert not ENGLISH_WORDS.search(reason), error


@pytest.mark.parametrize("name", ["iw block without frequency", "WiGLE non-number", "NaN signal"])
def test_the_reason_is_in_english_for_an_english_reader(login, name):
    text, filename = BROKEN[name]
    phone = login("techa")
    phone.client.post("/lang/en", data={"next": "/"}, headers={"X-CSRFToken": phone.token})
    response = upload(phone, text.encode(), filename)
    error = response.json["error"]
    assert not re.search("[\u4e00-\u9fff]", error) and ENGLISH_WORDS.search(error), error


def test_the_parser_outside_a_request_speaks_english():
    from webapp.wifi import parsers
    with pytest.raises(parsers.ScanFormatError, match="has no frequency or signal"):
        parsers.parse(BROKEN["iw block without frequency"][0])
