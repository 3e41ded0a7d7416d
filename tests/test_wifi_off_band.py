"""A scan row on a channel no Wi-Fi band has (WiGLE writes channel 0 for some rows; a driver may say 15) was
left out of the networks and the advice, and nothing said so. Now a finding says how many and names those channels,
and the survey of the rest saves.

The WiGLE sample of ../shared/wifi-samples is the input, two of its rows moved to channels 0 and 15.
"""
import io
import json
import pathlib
import uuid

import pytest

from tests.conftest import Phone
from tests.test_hostile_phones import new_order, result_of

SAMPLE = (pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "wifi-samples"
          / "wigle-csv__nunii_Kml-Wigle-Wifi__WigleWifi_20171101202350.csv")
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="needs ../shared/wifi-samples")


def moved(channels):
    """The sample's text with its first rows of an access point heard once put on `channels`, and their MACs."""
    lines = SAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n")
    column = lines[1].split(",").index("Channel")
    heard = [line.split(",")[0] for line in lines[2:]]
    once = [n for n in range(2, len(lines)) if heard.count(heard[n - 2]) == 1]
    macs = []
    for n, channel in zip(once, channels):
        row = lines[n].split(",")
        row[column] = str(channel)
        lines[n] = ",".join(row)
        macs.append(row[0].lower())
    return "\n".join(lines) + "\n", macs


def analyze(client, token, text):
    response = client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(text.encode()), "wigle.csv")},
                           headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    assert response.status_code == 200, response.text
    return response.json


def saved_note(phone, db, order_id, answer):
    """Save `answer` (the analysis) as the phone does, through the sync push; the stored off_band_networks params."""
    outcome = result_of(phone, "order.wifi_survey", {"order_id": order_id, "survey_id": str(uuid.uuid4()), "source": "file",
                                                     "format": answer["format"], "networks": answer["networks"],
                                                     "own_ssid": "", "country": answer["country"],
                                                     "off_band": answer["off_band"]})
    assert outcome["status"] == "applied", outcome
    stored = json.loads(db.execute("SELECT findings FROM wifi_surveys WHERE order_id = ?", [order_id]).fetchone()[0])
    return [f["params"] for f in stored if f["code"] == "off_band_networks"]


def test_rows_on_channels_no_band_has_are_named_and_saved(login, user_ids, db):
    order_id = new_order(login, user_ids, db)
    phone = Phone(login("techa"))
    client, token = phone.session.client, phone.session.token
    text, macs = moved([0, 15])
    answer = analyze(client, token, text)
    assert not [n for n in answer["networks"] if n["bssid"] in macs or n["band"] is None]
    assert len(answer["networks"]) == len(analyze(client, token, SAMPLE.read_text(encoding="utf-8"))["networks"]) - 2
    note = [f for f in answer["findings"] if f["code"] == "off_band_networks"]
    assert note and note[0]["params"] == {"count": 2, "channels": "0, 15"}, answer["findings"]
    assert "0, 15" in note[0]["message"] and "Wi-Fi" in note[0]["message"]
    assert not any(f["code"] == "off_band_networks"
                   for f in analyze(client, token, SAMPLE.read_text(encoding="utf-8"))["findings"])

    assert saved_note(phone, db, order_id, answer) == [{"count": 2, "channels": "0, 15"}]


def test_a_network_heard_on_a_band_too_is_not_counted_off_band_and_each_is_counted_once():
    """One access point heard three times: on channel 0 once (it is still heard on channel 1: nothing was left out),
    then on channel 0 every time (one network, not three)."""
    from webapp.wifi import guidance, parsers
    lines = SAMPLE.read_text(encoding="utf-8").rstrip("\n").split("\n")
    column = lines[1].split(",").index("Channel")
    macs = [line.split(",")[0] for line in lines[2:]]
    mac = next(m for m in macs if macs.count(m) >= 2)
    rows = [n for n in range(2, len(lines)) if lines[n].split(",")[0] == mac]
    for moved_rows, expected in ((rows[:1], None), (rows, {"count": 1, "channels": "0"})):
        changed = list(lines)
        for n in moved_rows:
            row = changed[n].split(",")
            row[column] = "0"
            changed[n] = ",".join(row)
        fmt, networks, off_band = parsers.read_scan("\n".join(changed) + "\n")
        notes = [f["params"] for f in guidance.analyze(fmt, networks, off_band=off_band)["findings"]
                 if f["code"] == "off_band_networks"]
        assert notes == ([expected] if expected else []), (moved_rows, notes)


@pytest.mark.parametrize("scan, named", [
    ('{"networks": [{"bssid": "02:00:00:00:00:01", "channel": 6, "signal_dbm": -50},'
     ' {"bssid": "02:00:00:00:00:02", "channel": 200, "signal_dbm": -60},'
     ' {"bssid": "02:00:00:00:00:03", "channel": 30, "signal_dbm": -60},'
     ' {"bssid": "02:00:00:00:00:04", "freq_mhz": 4920, "signal_dbm": -60},'
     ' {"bssid": "02:00:00:00:00:05", "channel": 1e300, "signal_dbm": -60}]}', "30, 200, 1000000…, 4920 MHz"),
])
def test_numbers_no_band_has_are_named_as_channels_or_frequencies(scan, named):
    """A bare channel number of no band (200 was taken for 6000 MHz, a 6 GHz network; 30 for 5150 MHz) is named as
    a channel, a frequency of no band in MHz, a huge number cut."""
    from webapp.wifi import guidance, parsers
    fmt, networks, off_band = parsers.read_scan(scan)
    answer = guidance.analyze(fmt, networks, off_band=off_band, lang="en")
    assert [n["bssid"] for n in answer["networks"]] == ["02:00:00:00:00:01"]
    note = [f for f in answer["findings"] if f["code"] == "off_band_networks"][0]
    assert note["params"] == {"count": 4, "channels": named}


def test_many_channels_no_band_has_are_named_up_to_eight():
    from webapp.wifi import guidance, parsers
    text, _macs = moved([0, 15, 16, 17, 18, 19, 20, 21, 22, 23])
    fmt, networks, off_band = parsers.read_scan(text)
    note = [f for f in guidance.analyze(fmt, networks, off_band=off_band, lang="en")["findings"]
            if f["code"] == "off_band_networks"][0]
    assert note["params"] == {"count": 10, "channels": "0, 15, 16, 17, 18, 19, 20, 21, …"}
    assert note["message"].startswith("10 network(s) on a channel in no Wi-Fi band (0, 15,")


IWINFO_UNKNOWN = """Cell 01 - Address: 02:00:00:00:01:01
          ESSID: "Home"
          Mode: Master  Frequency: 2.412 GHz  Band: 2.4 GHz  Channel: 1
          Signal: -51 dBm  Quality: 60/70
          Encryption: WPA2 PSK (CCMP)

Cell 02 - Address: 02:00:00:00:01:02
          ESSID: "Neighbour"
          Mode: Master  Frequency: 5.180 GHz  Band: 5 GHz  Channel: 36
          Signal: -61 dBm  Quality: 50/70
          Encryption: WPA2 PSK (CCMP)

Cell 03 - Address: 02:00:00:00:01:03
          ESSID: unknown
          Mode: Unknown  Channel: unknown
          Signal: -71 dBm  Quality: 40/70
          Encryption: none
"""


def test_a_cell_of_unknown_channel_is_counted_and_its_survey_saves(login, user_ids, db):
    """Review r48: OpenWrt's iwinfo prints "Channel: unknown" for a cell on channel 0. The preview counted it ("?"),
    and the survey saved with it was refused whole ("a network lacks its channel or signal") and left the outbox."""
    order_id = new_order(login, user_ids, db)
    phone = Phone(login("techa"))
    answer = analyze(phone.session.client, phone.session.token, IWINFO_UNKNOWN)
    assert len(answer["networks"]) == 2
    assert [f["params"] for f in answer["findings"] if f["code"] == "off_band_networks"] == [{"count": 1, "channels": "?"}]
    assert saved_note(phone, db, order_id, answer) == [{"count": 1, "channels": "?"}]


def test_off_band_sent_with_a_survey_is_read_again_and_never_taken_for_networks(login, user_ids, db):
    order_id = new_order(login, user_ids, db)
    phone = Phone(login("techa"))
    answer = analyze(phone.session.client, phone.session.token, IWINFO_UNKNOWN)

    def save(off_band):
        return result_of(phone, "order.wifi_survey", {"order_id": order_id, "survey_id": str(uuid.uuid4()), "source": "file",
                                                      "format": "iwinfo", "networks": answer["networks"], "own_ssid": "",
                                                      "country": "CN", "off_band": off_band})
    refused = save("channel 0")
    assert refused["status"] == "rejected" and "列表" in refused["error"], refused
    assert save([{"channel": 0}] * 1001)["status"] == "rejected"
    in_band = {"bssid": "02:00:00:00:09:09", "ssid": "x", "channel": 6, "signal_dbm": -20}
    assert save([in_band, {"channel": 15, "signal_dbm": -50}, 7, {"freq_mhz": float("nan")}])["status"] == "applied"
    networks, findings = db.execute("SELECT networks, findings FROM wifi_surveys WHERE order_id = ? ORDER BY created_at"
                                    " DESC LIMIT 1", [order_id]).fetchone()
    assert "02:00:00:00:09:09" not in networks
    assert [f["params"] for f in json.loads(findings) if f["code"] == "off_band_networks"] == [
        {"count": 3, "channels": "15, ?"}]


@pytest.mark.parametrize("scan, named", [
    ("Interface name : WiFi\nThere are 1 networks currently visible.\n\nSSID 1 : X\n    Network type : Infrastructure\n"
     "    Authentication : WPA2-Personal\n    Encryption : CCMP\n    BSSID 1 : 00:f2:8b:8c:a6:01\n         Signal : 21%\n"
     "         Radio type : 802.11ax\n         Band : 2.4 GHz\n         Channel : 6\n    BSSID 2 : 00:f2:8b:8c:a6:02\n"
     "         Signal : 22%\n         Radio type : 802.11ax\n         Band : 2.4 GHz\n         Channel : 15\n"
     "    BSSID 3 : 00:f2:8b:8c:a6:03\n         Signal : 23%\n         Radio type : 802.11ax\n         Band : 6 GHz\n"
     "         Channel : 0\n", "0, 15"),
    ('{"networks": [{"bssid": "02:00:00:00:00:01", "channel": 6, "signal_dbm": -50},'
     ' {"bssid": "02:00:00:00:00:02", "channel": ' + "9" * 400 + ', "signal_dbm": -60}]}', "9999999…"),
])
def test_a_channel_its_band_has_not_or_a_huge_one_is_named_not_counted(scan, named):
    """netsh with its band: 2.4 GHz channel 15 was counted at 2482 MHz, 6 GHz channel 0 at 5950 MHz; a channel of
    400 digits made the analysis a 404 (review r48)."""
    from webapp.wifi import guidance, parsers
    fmt, networks, off_band = parsers.read_scan(scan)
    answer = guidance.analyze(fmt, networks, off_band=off_band, lang="en")
    assert len(answer["networks"]) == 1 and answer["networks"][0]["channel"] == 6
    assert [f["params"]["channels"] for f in answer["findings"] if f["code"] == "off_band_networks"] == [named]
