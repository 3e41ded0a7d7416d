"""The end-to-end test report per circuit type (issue 21 item 13; domain reference §7.4 "Test and completion",
§9.2 item 17; seed 001_0f71c2c57f075d23.txt): a template of indicators with standard values, each value checked
at the seeds' edges, signed by the tester and by the customer or the account manager; a value out of standard
needs the tester's remark."""
import hashlib
import json
import pathlib

import pytest

from tests.test_signoff import make_report, restored_order, sign, signature_png
from tests.test_uploads import Uploader
from webapp.enterprise import test_report

SEEDS = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
TEMPLATES = test_report.load()
GOOD_INTERNET = {"rx_power_dbm": -20, "dns_latency_ms": 12, "core_ping_loss_pct": 0}


def indicator(service, indicator_id):
    return next(i for i in test_report.template_for(service)[1]["indicators"] if i["id"] == indicator_id)


def test_every_standard_quotes_its_seed_and_every_template_has_indicators():
    seeds = {path.name: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for key, template in TEMPLATES["templates"].items():
        assert template["indicators"] and template["title"]["zh"] and template["title"]["en"], key
        for item in template["indicators"]:
            assert item["source"]["quote"] in seeds[item["source"]["seed"]], (key, item["id"])
            assert item["label"]["zh"] and item["label"]["en"] and item["source"]["reference"].startswith("§")
            if item["standard"] is None:  # a standard no seed gives is recorded only, and says so
                assert item["gap"]["zh"] and item["gap"]["en"]
    assert test_report.template_for("group_sms")[0] == "default" and test_report.template_for("voice_line")[0] == "voice_line"


@pytest.mark.parametrize("service, indicator_id, value, passed", [
    ("internet_access", "rx_power_dbm", -8, True),       # 000: 标准值-8~-28dB, both ends inside
    ("internet_access", "rx_power_dbm", -7.9, False),
    ("internet_access", "rx_power_dbm", -28, True),      # "-28已经处于边缘值": still within
    ("internet_access", "rx_power_dbm", -28.1, False),
    ("internet_access", "dns_latency_ms", 49.9, True),   # 000: 延时小于50ms
    ("internet_access", "dns_latency_ms", 50, False),
    ("circuit_rental", "bit_errors", 0, True),            # 001: errors on the meter test are a fault
    ("circuit_rental", "bit_errors", 1, False),
    ("circuit_rental", "loop_test", "yes", True),
    ("circuit_rental", "loop_test", "no", False),
    ("voice_line", "calls_both_ways", "no", False),
    ("internet_access", "core_ping_loss_pct", 70, None),  # 002 gives the method, no standard: recorded only
])
def test_each_value_against_its_standard_at_the_seeds_edges(service, indicator_id, value, passed):
    item = indicator(service, indicator_id)
    assert test_report.passes(item, test_report.read_value(item, value)) is passed


@pytest.mark.parametrize("indicator_id, raw, problem", [
    ("rx_power_dbm", "", "missing"), ("rx_power_dbm", None, "missing"), ("rx_power_dbm", "abc", "not_a_number"),
    ("rx_power_dbm", "NaN", "not_a_number"), ("rx_power_dbm", True, "not_a_number"), ("rx_power_dbm", 15, "out_of_range"),
    ("rx_power_dbm", [1], "not_a_number"),
])
def test_unreadable_values_say_what_is_wrong(indicator_id, raw, problem):
    with pytest.raises(test_report.IndicatorError) as bad:
        test_report.read_value(indicator("internet_access", indicator_id), raw)
    assert bad.value.problem == problem


def test_typed_text_reads_as_the_phone_reads_it():
    item = indicator("internet_access", "rx_power_dbm")
    assert test_report.read_value(item, "−29.5") == -29.5 and test_report.read_value(item, " -20 ") == -20
    key, rows, within = test_report.check("internet_access", {**GOOD_INTERNET, "rx_power_dbm": "-29.5"})
    assert key == "internet_access" and not within
    assert rows[0] == {"id": "rx_power_dbm", "name": "客户端收光功率（1490 nm）", "value": "-29.5 dBm",
                       "standard": "-28 ~ -8 dBm", "passed": False}
    assert rows[1]["standard"] == "< 50 ms" and rows[2]["standard"] == "" and rows[2]["passed"] is None
    with pytest.raises(test_report.IndicatorError, match="unknown"):
        test_report.check("internet_access", {**GOOD_INTERNET, "made_up": 1})
    with pytest.raises(test_report.IndicatorError, match="missing"):
        test_report.check("internet_access", {"rx_power_dbm": -20})


def signed(login, user_ids, db, service="internet_access"):
    order_id, phone = restored_order(login, user_ids, db, access_type="enterprise")
    db.execute("UPDATE orders SET enterprise_service = ? WHERE id = ?", [service, order_id])
    png = signature_png()
    Uploader(phone.session).send(png, "image/png")
    return order_id, phone, hashlib.sha256(png).hexdigest()


def test_a_report_within_standard_is_signed_with_each_verdict(login, user_ids, db, app):
    order_id, phone, sha = signed(login, user_ids, db)
    body = make_report(db, order_id, sha, signer_role="account_manager")
    assert sign(phone, order_id, body, tester_signature_sha256=sha, test_indicators=GOOD_INTERNET,
                signer_role="account_manager")["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM signoffs")))
    stored = json.loads(row["report"])
    assert stored["signer_role"] == "account_manager" and row["tester_signature_sha256"] == sha
    report = stored["test_report"]
    assert report["template"] == "internet_access" and report["within_standard"] is True and report["remark"] == ""
    assert [r["passed"] for r in report["indicators"]] == [True, True, None]
    from webapp.signoff.report import report_token
    page = app.test_client().get(f"/r/{row['id']}/{report_token(app.config['SECRET_KEY'], row['id'])}").text
    assert "客户端收光功率（1490 nm）: -20 dBm" in page and "合格" in page and "不合格" not in page


def test_a_value_out_of_standard_is_shown_failing_and_needs_the_testers_remark(login, user_ids, db, app):
    order_id, phone, sha = signed(login, user_ids, db, service="circuit_rental")
    values = {"loop_test": "yes", "bit_errors": 3, "segment_loss_db": 12.5}
    body = make_report(db, order_id, sha)
    refused = sign(phone, order_id, body, tester_signature_sha256=sha, test_indicators=values)
    assert refused["status"] == "rejected" and "挂表测试误码数 3（≤ 0）" in refused["error"] and "说明" in refused["error"]
    assert sign(phone, order_id, body, tester_signature_sha256=sha, test_indicators=values,
                test_remark="ok")["status"] == "rejected"   # a remark says why: more than a word
    applied = sign(phone, order_id, body, tester_signature_sha256=sha, test_indicators=values,
                   test_remark="对端设备未就绪，约定明日复测")
    assert applied["status"] == "applied"
    row = next(iter(db.query("SELECT * FROM signoffs")))
    report = json.loads(row["report"])["test_report"]
    assert report["within_standard"] is False and report["remark"] == "对端设备未就绪，约定明日复测"
    assert report["indicators"][1] == {"id": "bit_errors", "name": "挂表测试误码数", "value": "3", "standard": "≤ 0",
                                       "passed": False}
    from webapp.signoff.report import report_token
    page = app.test_client().get(f"/r/{row['id']}/{report_token(app.config['SECRET_KEY'], row['id'])}").text
    assert 'indicator-fail' in page and "不合格" in page and "对端设备未就绪" in page
    import pypdfium2 as pdfium
    pdf = app.test_client().get(f"/r/{row['id']}/{report_token(app.config['SECRET_KEY'], row['id'])}/report.pdf")
    document = pdfium.PdfDocument(pdf.data)
    text = "".join(page.get_textpage().get_text_range() for page in document).replace("\r", "").replace("\n", "")
    document.close()
    assert "挂表测试误码数: 3 (标准: ≤ 0) 不合格" in text and "对端设备未就绪" in text


@pytest.mark.parametrize("values, words", [
    ({"rx_power_dbm": -20, "dns_latency_ms": 12}, "没有填写"),                               # every indicator: 各类指标需填写
    ({**GOOD_INTERNET, "dns_latency_ms": "很快"}, "必须是数字"),
    ({**GOOD_INTERNET, "rx_power_dbm": 20}, "-50"),                                          # not a possible reading
    ({**GOOD_INTERNET, "jitter": 1}, "jitter"),
    ([{"name": "丢包率", "value": "0%"}], "测试报告"),                                         # the old free-text form
])
def test_bad_values_are_refused_with_a_clear_message(login, user_ids, db, values, words):
    order_id, phone, sha = signed(login, user_ids, db)
    result = sign(phone, order_id, make_report(db, order_id, sha), tester_signature_sha256=sha, test_indicators=values)
    assert result["status"] == "rejected" and words in result["error"], result
    assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0


def test_the_phone_receives_the_templates_and_the_orders_service(login, user_ids, db):
    order_id, phone, _sha = signed(login, user_ids, db, service="voice_line")
    changes = phone.pull(cursor=None)["changes"]
    reference = next(c["data"] for c in changes if c["table"] == "reference" and c["id"] == "test_templates")
    assert reference == TEMPLATES
    bundle = next(c["data"] for c in changes if c["table"] == "orders" and c["id"] == order_id)
    assert bundle["enterprise"]["service"] == "voice_line" and bundle["enterprise"]["circuit_id"] == "GZ-ZX-000123"
