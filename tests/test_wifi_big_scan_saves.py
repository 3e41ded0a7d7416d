"""Review rv1 (item 2): a scan file of a very busy building (1,500 networks) is analysed AND can be saved on the order.

The upload answered with 1,500 networks and a preview; "保存到工单" then came back from the sync as
"needs attention" (a survey holds at most MAX_SURVEY_NETWORKS = 1000 networks), and the survey was lost.
Now the analysis keeps the strongest MAX_SURVEY_NETWORKS (the weakest weigh least or nothing, FLOOR_DBM) and says how
many were left out; what the phone previews is what it can save.
"""
import io
import uuid

from tests.conftest import Phone
from tests.test_hostile_phones import new_order, result_of


def wigle(count):
    rows = ["WigleWifi-1.4,appRelease=2.25,model=X,release=6.0,device=x,display=x,board=x,brand=x",
            "MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,AccuracyMeters,Type"]
    for i in range(count):
        channel = (1, 6, 11, 36, 149)[i % 5]
        rows.append(f"02:00:00:00:{i >> 8:02x}:{i & 255:02x},邻居-{i},[WPA2-PSK-CCMP][ESS],2026-11-01 11:31:09,"
                    f"{channel},{-30 - i % 61},31.2,121.4,10,5,WIFI")
    return "\n".join(rows).encode()


def test_a_scan_of_1500_networks_is_previewed_as_it_can_be_saved(login, user_ids, db):
    from webapp.sync.mutations import MAX_SURVEY_NETWORKS  # after the app: webapp.sync and webapp.signoff import each other
    order_id = new_order(login, user_ids, db)
    phone = Phone(login("techa"))
    response = phone.session.client.post("/api/wifi/analyze", data={"scan": (io.BytesIO(wigle(1500)), "busy.csv")},
                                         headers={"X-CSRFToken": phone.session.token}, content_type="multipart/form-data")
    assert response.status_code == 200, response.text
    answer = response.json
    assert len(answer["networks"]) == MAX_SURVEY_NETWORKS
    signals = sorted(n["signal_dbm"] for n in answer["networks"])
    assert signals[0] >= -90 + 10  # the 500 weakest (≤ -81 dBm here) are the ones left out
    note = [f for f in answer["findings"] if f["code"] == "too_many_networks"]
    assert note and note[0]["params"] == {"count": 1500, "kept": MAX_SURVEY_NETWORKS, "left_out": 500}
    assert "1500" in note[0]["message"] and "500" in note[0]["message"]

    outcome = result_of(phone, "order.wifi_survey", {"order_id": order_id, "survey_id": str(uuid.uuid4()), "source": "file",
                                                     "format": answer["format"], "networks": answer["networks"],
                                                     "own_ssid": "", "country": answer["country"]})
    assert outcome["status"] == "applied", outcome
    assert db.execute("SELECT COUNT(*) FROM wifi_surveys WHERE order_id = ?", [order_id]).fetchone()[0] == 1
