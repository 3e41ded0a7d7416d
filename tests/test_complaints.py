"""The complaint desk (issue 21 items 1, 2): the slow-speed reply's completeness rule and the classification,
at the seeds' edges (domain reference §6.4, §6.8), then through the real routes."""
import json
import math

import pytest

from webapp.complaints import rules
from tests.test_order_flow import new_order

DOMAINS = ["www.qq.com", "www.taobao.com", "www.jd.com", "www.baidu.com", "www.163.com", "www.sina.com.cn"]


def rows(count, attribute="in_province_idc"):
    return [{"domain": d, "ip": f"120.232.1.{i + 1}", "resource_attribute": attribute} for i, d in enumerate(DOMAINS[:count])]


def reply(**changes):
    base = {"services": ["web"], "scope": "all", "ping_target": "10.1.1.1", "ping_loss_percent": 0.0,
            "ping_latency_ms": 12.0, "observations": ["web_slow"], "complained_domains": "", "rows": rows(5),
            "test_time": "2026-11-30T10:00+08:00", "tester": "王工", "tester_phone": "13800000001"}
    return {**base, **changes}


def fields_of(problems):
    return {name for name, _message, _params in problems}


@pytest.mark.parametrize("scope, count, complete", [
    ("all", 5, True), ("all", 4, False), ("all", 6, True),
    ("most", 3, True), ("most", 2, False), ("most", 0, False),
    ("individual", 1, True),
])
def test_rows_needed_by_scope(scope, count, complete):
    """§6.4: "all" needs ≥ 5 domain + IP rows, "most" ≥ 3; one row is enough when it is the one complained of."""
    problems = rules.check_slow_speed_reply(reply(scope=scope, rows=rows(count), complained_domains="www.qq.com"))
    assert ("rows" not in fields_of(problems)) is complete, problems


@pytest.mark.parametrize("complained, count, complete", [
    ("www.qq.com\nwww.taobao.com", 2, True),
    ("www.qq.com\nwww.taobao.com", 1, False),                      # one complained domain has no row
    ("https://WWW.QQ.com/index.html, www.taobao.com.", 2, True),   # written as a link, capitals, trailing dot
    ("www.qq.com www.jd.com", 5, True),                            # extra rows are fine
    ("", 3, False),                                                # individual names what was complained of
])
def test_individual_needs_every_complained_domain(complained, count, complete):
    problems = rules.check_slow_speed_reply(reply(scope="individual", rows=rows(count), complained_domains=complained))
    assert not ({"rows", "complained_domains"} & fields_of(problems)) is complete, problems


def test_an_incomplete_row_does_not_count_and_says_what_is_wrong():
    """A row with a bad IP, no attribute or a non-domain is reported on its own cell and not counted."""
    broken = rows(5)
    broken[1]["ip"] = "120.232.1"
    broken[2]["resource_attribute"] = ""
    broken[3]["domain"] = "not a domain"
    problems = rules.check_slow_speed_reply(reply(rows=broken))
    assert {"rows-1-ip", "rows-2-resource_attribute", "rows-3-domain", "rows"} <= fields_of(problems)
    assert rules.check_slow_speed_reply(reply(rows=rows(5) + [{"domain": "", "ip": "", "resource_attribute": ""}])) == []


@pytest.mark.parametrize("loss, latency, bad", [
    (0, 0, set()), (100, 60_000, set()), (100.1, 10, {"ping_loss_percent"}), (-1, 10, {"ping_loss_percent"}),
    (math.nan, 10, {"ping_loss_percent"}), (5, math.inf, {"ping_latency_ms"}), (None, None, {"ping_loss_percent", "ping_latency_ms"}),
])
def test_ping_readings_are_plausible(loss, latency, bad):
    problems = rules.check_slow_speed_reply(reply(ping_loss_percent=loss, ping_latency_ms=latency))
    assert fields_of(problems) == bad


def test_the_other_fields_of_the_template_are_required():
    problems = rules.check_slow_speed_reply(reply(services=[], scope="some", ping_target="ne5000e", test_time="",
                                                  tester="", observations=["rain"]))
    assert {"services", "scope", "ping_target", "test_time", "tester", "observations"} <= fields_of(problems)


@pytest.mark.parametrize("changes, major, criteria", [
    ({"people_count": 5, "media": True}, True, ["group_with_media"]),
    ({"people_count": 4, "media": True}, False, []),
    ({"people_count": 50, "media": False}, False, []),
    ({"loss_yuan": 50_000}, True, ["loss"]),
    ({"loss_yuan": 49_999}, False, []),
    ({"petition": True}, True, ["petition"]),
    ({"personal_safety": True, "vip_customer": True}, True, ["personal_safety", "vip_customer"]),
    ({"top_management": True}, True, ["top_management"]),
    ({}, False, []),
])
def test_major_complaint_criteria(changes, major, criteria):
    """§6.8: major if any criterion holds (≥ 5 people with media, loss ≥ 50,000, petition, safety, VIP, top management)."""
    assert rules.is_major(changes) == (major, criteria)


def test_invalid_complaint_still_needs_its_explanation():
    base = {"focus_area": "network_quality", "kind": "complaint", "validity": "invalid"}
    assert fields_of(rules.check_classification(base)) == {"explanation"}
    assert rules.check_classification({**base, "explanation": "用户自购路由器故障，已说明"}) == []
    assert fields_of(rules.check_classification({})) == {"focus_area", "kind", "validity"}


# ---- through the routes ----

def form_of(reply_rows, scope="all", complained=""):
    data = {"services": ["web", "video"], "scope": scope, "machine_room": "", "ping_target": "10.20.30.40",
            "ping_loss_percent": "0", "ping_latency_ms": "18.5", "observations": ["web_slow"],
            "complained_domains": complained, "test_time": "2026-11-30T10:05", "tester": "王工", "tester_phone": "13800000001"}
    for index, row in enumerate(reply_rows):
        for key, value in row.items():
            data[f"rows-{index}-{key}"] = value
    return data


def test_desk_saves_a_complete_reply_and_refuses_four_rows_for_all(login, user_ids, db):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk, order_type="complaint", symptom="slow")
    assert "complaint-desk-link" in desk.get(f"/orders/{order_id}").text
    page = desk.get(f"/orders/{order_id}/complaint")
    assert page.status_code == 200 and "2000" in page.text

    refused = desk.post(f"/orders/{order_id}/complaint/slow-speed", form_of(rows(4)))
    assert refused.status_code == 422
    assert "至少 5" in refused.text or "at least 5" in refused.text
    assert 'value="www.163.com"' not in refused.text and 'value="www.baidu.com"' in refused.text  # what was typed is kept
    assert not list(db.query("SELECT * FROM complaint_records"))

    saved = desk.post(f"/orders/{order_id}/complaint/slow-speed", form_of(rows(5)))
    assert saved.status_code == 303, saved.text
    record = json.loads(next(iter(db.query("SELECT slow_speed_reply FROM complaint_records WHERE order_id = ?", [order_id])))["slow_speed_reply"])
    assert record["ping_packet_bytes"] == 2000 and record["ping_count"] == 20 and len(record["rows"]) == 5
    assert record["test_time"] == "2026-11-30T10:05+08:00"
    assert next(iter(db.query("SELECT COUNT(*) AS n FROM order_events WHERE order_id = ? AND action = 'slow_speed_reply'", [order_id])))["n"] == 1


def test_more_rows_and_machine_room_target(app, login, user_ids, db):
    app.config["MACHINE_ROOMS"] = "东城机房=10.9.9.9;broken"
    desk = login("disp")
    order_id = new_order(login, user_ids, desk, order_type="complaint", symptom="slow")
    more = desk.post(f"/orders/{order_id}/complaint/slow-speed", {**form_of(rows(2)), "more_rows": "1"})
    assert more.status_code == 200 and 'name="rows-10-domain"' in more.text
    data = {**form_of(rows(3), scope="most"), "machine_room": "东城机房", "ping_target": ""}
    assert desk.post(f"/orders/{order_id}/complaint/slow-speed", data).status_code == 303
    record = json.loads(next(iter(db.query("SELECT slow_speed_reply FROM complaint_records")))["slow_speed_reply"])
    assert record["ping_target"] == "10.9.9.9"


def test_classification_through_the_desk(login, user_ids, db):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk, order_type="complaint", symptom="slow")
    data = {"focus_area": "network_quality", "kind": "complaint", "validity": "valid", "people_count": "5", "media": "y"}
    assert desk.post(f"/orders/{order_id}/complaint/classification", data).status_code == 303
    stored = json.loads(next(iter(db.query("SELECT classification FROM complaint_records")))["classification"])
    assert stored["major"] is True and stored["major_criteria"] == ["group_with_media"]
    page = desk.get(f"/orders/{order_id}/complaint").text
    assert "重大投诉" in page or "Major complaint" in page
    assert desk.post(f"/orders/{order_id}/complaint/classification", {**data, "people_count": "4"}).status_code == 303
    stored = json.loads(next(iter(db.query("SELECT classification FROM complaint_records")))["classification"])
    assert stored["major"] is False


@pytest.mark.parametrize("data", [
    {}, {"people_count": "lots"}, {"loss_yuan": "-5"}, {"focus_area": "<script>"}, {"loss_yuan": "1e400"},
])
def test_bad_classification_is_a_422_never_500(login, user_ids, data):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk, order_type="complaint", symptom="slow")
    assert desk.post(f"/orders/{order_id}/complaint/classification", data).status_code == 422


@pytest.mark.parametrize("data", [
    {}, {"ping_loss_percent": "nan", "ping_latency_ms": "inf"}, {"rows-99-domain": "x"}, {"rows-3-ip": "\x00"},
    {"test_time": "0001-01-01T00:00"}, {"scope": "all", "rows-0-resource_attribute": "<b>"},
])
def test_bad_reply_is_a_422_never_500(login, user_ids, data):
    desk = login("disp")
    order_id = new_order(login, user_ids, desk, order_type="complaint", symptom="slow")
    response = desk.post(f"/orders/{order_id}/complaint/slow-speed", {**form_of(rows(5)), **data} if data else {})
    assert response.status_code == 422


def test_technicians_cannot_use_the_desk(login, user_ids):
    order_id = new_order(login, user_ids, order_type="complaint", symptom="slow")
    tech = login("techb")
    assert tech.get(f"/orders/{order_id}/complaint").status_code == 403
    assert tech.post(f"/orders/{order_id}/complaint/classification", {"focus_area": "network_quality"}).status_code == 403
    assert login("disp").get("/orders/99999/complaint").status_code == 404
