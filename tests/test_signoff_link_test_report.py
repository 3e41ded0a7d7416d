"""Issue 21 (field fault): the customer's own-phone sign-off link of an enterprise line carries the end-to-end test
report, as the technician's on-phone sign-off does: a link is made only with the report (judged by the same rules,
signed by the tester), the customer's page shows what was tested and the results, and the signed report keeps it."""
import base64
import json

from tests.conftest import csrf_from
from tests.test_signoff import link_for, restored_order, signature_png
from webapp.signoff import report

DATA_URL = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
GOOD = {"rx_power_dbm": -20, "dns_latency_ms": 12, "core_ping_loss_pct": 0}  # tests/test_enterprise_test_report.py


def link_with(phone, order_id, **body):
    return phone.session.client.post("/api/signoff-links", json={"order_id": order_id, **body},
                                      headers={"X-CSRFToken": phone.session.token})


def test_an_enterprise_link_needs_the_test_report_judged_and_signed_by_the_tester(login, user_ids, db):
    order_id, phone = restored_order(login, user_ids, db, access_type="enterprise")
    bare = link_for(phone, order_id)
    assert bare.status_code == 422 and "测试报告" in bare.json["error"]
    missing = link_with(phone, order_id, test_indicators={"rx_power_dbm": -20}, tester_signature=DATA_URL)
    assert missing.status_code == 422 and "没有填写" in missing.json["error"]
    weak = link_with(phone, order_id, test_indicators={**GOOD, "rx_power_dbm": -29.5}, tester_signature=DATA_URL)
    assert weak.status_code == 422 and "-29.5 dBm（-28 ~ -8 dBm）" in weak.json["error"]
    unsigned = link_with(phone, order_id, test_indicators=GOOD, tester_signature="")
    assert unsigned.status_code == 422 and "测试人还没有签名" in unsigned.json["error"]
    assert link_with(phone, order_id, test_indicators=GOOD, test_remark=["x"], tester_signature=DATA_URL).status_code == 422
    assert db.execute("SELECT COUNT(*) FROM signoff_links").fetchone()[0] == 0


def test_the_customers_page_shows_the_test_report_and_the_signed_report_keeps_it(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db, access_type="enterprise")
    created = link_with(phone, order_id, test_indicators={**GOOD, "rx_power_dbm": -29.5},
                          test_remark="光缆待更换，客户经理同意先开通", tester_signature=DATA_URL)
    assert created.status_code == 201, created.json
    path = "/s/" + created.json["url"].rsplit("/s/", 1)[1]
    customer = app.test_client()
    page = customer.get(path)
    assert page.status_code == 200
    text = page.text
    assert 'id="test-report"' in text and "互联网专线全程测试" in text
    assert "客户端收光功率（1490 nm）: -29.5 dBm" in text and "不合格" in text and "DNS" in text and "合格" in text
    assert "光缆待更换，客户经理同意先开通" in text and "技术员 A" in text
    form = {"csrf_token": csrf_from(text), "signer_name": "王主任", "solved": "yes", "attitude": "satisfied",
            "charged": "no", "score": "9", "suggestions": "", "signature": DATA_URL}
    done = customer.post(path, data=form)
    assert done.status_code == 303
    row = next(iter(db.query("SELECT * FROM signoffs WHERE order_id = ?", [order_id])))
    body = json.loads(row["report"])
    assert report.digest(body) == row["report_hash"] and row["channel"] == "link"
    tested = body["test_report"]
    assert [r["passed"] for r in tested["indicators"]] == [False, True, None] and tested["within_standard"] is False
    assert tested["tester"] == "技术员 A" and row["tester_signature_sha256"] == tested["tester_signature_sha256"]
    signed = customer.get(done.headers["Location"])
    assert "-29.5 dBm" in signed.text and "光缆待更换" in signed.text and "/tester" in signed.text


def test_a_home_line_link_needs_no_test_report(login, user_ids, db, app):
    order_id, phone = restored_order(login, user_ids, db)
    created = link_for(phone, order_id)
    assert created.status_code == 201
    page = app.test_client().get("/s/" + created.json["url"].rsplit("/s/", 1)[1])
    assert page.status_code == 200 and 'id="test-report"' not in page.text


def test_hostile_test_reports_get_a_sentence_not_a_500(login, user_ids, db):
    order_id, phone = restored_order(login, user_ids, db, access_type="enterprise")
    for body in ({"test_indicators": {**GOOD, "rx_power_dbm": {"x": 1}}, "tester_signature": DATA_URL},
                 {"test_indicators": {**GOOD, "rx_power_dbm": True}, "tester_signature": DATA_URL},
                 {"test_indicators": {**GOOD, "made_up": 1}, "tester_signature": DATA_URL},
                 {"test_indicators": [1, 2], "tester_signature": DATA_URL},
                 {"test_indicators": GOOD, "tester_signature": 42},
                 {"test_indicators": GOOD, "tester_signature": "data:image/png;base64,AAAA"},
                 {"test_indicators": GOOD, "test_remark": "x" * 501, "tester_signature": DATA_URL}):
        refused = link_with(phone, order_id, **body)
        assert refused.status_code == 422 and refused.json["error"], body
    assert db.execute("SELECT COUNT(*) FROM signoff_links").fetchone()[0] == 0
