"""Issue 15 item 9: Wi-Fi advice is stored as codes and numbers and read in the reader's language;
rows stored before (a sentence, no codes) stay readable."""
import json
import uuid

from tests.test_offline_browser import dispatch_order

NETWORKS = [{"ssid": "ChinaNet-A", "channel": 6, "signal_dbm": -48, "band": "2.4", "width_mhz": 20},
            {"ssid": "Home", "channel": 1, "signal_dbm": -75, "band": "2.4", "width_mhz": 20}]


def save_survey(app, user_ids, phone, db):
    order_id, _ = dispatch_order(app, user_ids)
    techa = phone("techa")
    techa.act(order_id, "accepted")
    result = techa.push([techa.mutation("order.wifi_survey", {"order_id": order_id, "survey_id": str(uuid.uuid4()),
                                                              "source": "typed", "networks": NETWORKS, "own_ssid": "Home"})])
    assert result.json["results"][0]["status"] == "applied", result.json
    return order_id


def test_advice_is_stored_as_codes_and_shown_in_each_readers_language(app, user_ids, phone, db, login):
    order_id = save_survey(app, user_ids, phone, db)
    row = next(iter(db.query("SELECT recommendation, findings FROM wifi_surveys")))
    stored = row["recommendation"] + row["findings"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in stored), "no Chinese sentence stored"
    assert '"reason"' not in stored and '"message"' not in stored
    assert json.loads(row["findings"])[0]["code"] and "params" in json.loads(row["findings"])[0]
    desk = login("disp")
    chinese = desk.get(f"/orders/{order_id}").text
    desk.post("/lang/en", {"next": "/"})
    english = desk.get(f"/orders/{order_id}").text
    advice = lambda page: page.split('class="wifi-recs"')[1].split("<details>")[0]  # noqa: E731
    assert "信道" in advice(chinese)
    assert "channel" in advice(english).lower() and not any("\u4e00" <= ch <= "\u9fff" for ch in advice(english))


def test_a_survey_stored_with_sentences_before_stays_readable(app, user_ids, phone, db, login):
    order_id = save_survey(app, user_ids, phone, db)
    db.conn.execute("UPDATE wifi_surveys SET recommendation = ?, findings = ?", [
        json.dumps({"2.4": {"channel": 11, "width_mhz": 20, "score": 0, "reason": "信道 11 上没有邻居网络。"}, "5": None}),
        json.dumps([{"code": "fix_channel", "severity": "info", "message": "信道不要设为“自动”。"}])])
    page = login("disp").get(f"/orders/{order_id}").text
    assert "信道 11 上没有邻居网络。" in page and "信道不要设为“自动”。" in page
