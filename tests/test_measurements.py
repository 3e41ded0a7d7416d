"""Issue 21 item 6: the measurements the seeds name, each rule at its edges (domain reference §9.1 items 2–6,
§9.6 item 33): how optical power was measured and at which wavelength, the splitter-port power in dBm, the
speed test as measured and subscribed rates, the FTTB port-test method, the tool checklist, and captures on
slow-speed runs. The server re-checks everything a phone sends; the desk's order page and the report show it."""
import hashlib
import json
import struct
import uuid

import pytest

from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader, jpeg
from webapp.measurements import captures, tools
from webapp.playbooks import engine

DATA = engine.load()
METER = {"power_method": "power_meter", "wavelength_nm": 1490}
THRESHOLDS = json.loads((engine.HERE.parent / "sync" / "thresholds.json").read_text(encoding="utf-8"))


def follow(node_id, step):
    branch, band = engine.follow(DATA, node_id, {"node": node_id, **step})
    return band["code"] if band else step.get("answer")


# ---- a. optical power: method and wavelength (000 L45: ONT page, or a PON power meter at 1490 nm) ----

@pytest.mark.parametrize("node_id", ["H5.1", "S2.1.ftth", "D678.power"])
@pytest.mark.parametrize("details, why", [
    ({}, "Say how this was done"),
    ({"power_method": "guess", "wavelength_nm": 1490}, "Say how this was done"),
    ({"power_method": "power_meter"}, "at which wavelength"),
    ({"power_method": "power_meter", "wavelength_nm": 1310}, "for 1490 nm only"),
    ({"power_method": "power_meter", "wavelength_nm": 1550}, "for 1490 nm only"),
    ({"power_method": "power_meter", "wavelength_nm": 1491}, "at which wavelength"),
    ({"power_method": "power_meter", "wavelength_nm": True}, "at which wavelength"),
    ({"power_method": "power_meter", "wavelength_nm": "1490"}, "at which wavelength"),
])
def test_an_optical_power_reading_needs_its_method_and_the_1490_wavelength(node_id, details, why):
    with pytest.raises(engine.InvalidRun) as refused:
        follow(node_id, {"value": -20, **details})
    assert why in str(refused.value)


@pytest.mark.parametrize("details", [METER, {"power_method": "ont_page", "wavelength_nm": 1490}])
def test_either_method_of_the_seed_is_accepted(details):
    assert follow("H5.1", {"value": -20, **details}) == "good"


@pytest.mark.parametrize("value, band", [(-8, "good"), (-7.9, "too_strong"), (-25, "good"), (-25.1, "marginal"),
                                         (-28, "marginal"), (-28.1, "too_weak"), (-50, "too_weak"), (10, "too_strong")])
def test_the_bands_of_section_9_1_item_2_at_their_edges(value, band):
    assert follow("H5.1", {"value": value, **METER}) == band


@pytest.mark.parametrize("value", [-50.1, 10.1, 1e9, -1e9, float("nan"), float("inf"), "－18.5", "-18.5", None, True])
def test_impossible_or_unreadable_power_is_refused(value):
    with pytest.raises(engine.InvalidRun):
        follow("H5.1", {"value": value, **METER})


def test_the_wavelength_rule_is_the_thresholds_one():
    assert DATA["details"]["wavelength_nm"]["judged"] == THRESHOLDS["optical_rx_power_dbm"]["wavelength_nm"] == 1490
    assert DATA["details"]["wavelength_nm"]["options"] == [1310, 1490, 1550]


# ---- b. the splitter-port power is a reading in dBm of its own, judged against the same bands ----

@pytest.mark.parametrize("node_id", ["H5.3", "H5.3b"])
@pytest.mark.parametrize("value, answer", [(-8, "normal"), (-7.9, "abnormal"), (-25, "normal"), (-25.1, "normal"),
                                           (-28, "normal"), (-28.1, "abnormal"), (-40, "abnormal")])
def test_the_splitter_port_power_decides_normal_or_abnormal(node_id, value, answer):
    assert follow(node_id, {"answer": answer, "value": value, "wavelength_nm": 1490}) == answer
    other = "abnormal" if answer == "normal" else "normal"
    with pytest.raises(engine.InvalidRun, match="means"):
        follow(node_id, {"answer": other, "value": value, "wavelength_nm": 1490})


def test_the_splitter_bands_are_the_ont_bands():
    ont = [{k: v for k, v in b.items() if k not in ("next", "end", "did")} for b in DATA["nodes"]["H5.1"]["bands"]]
    for node_id in ("H5.3", "H5.3b"):
        splitter = [{k: v for k, v in b.items() if k != "answer"} for b in DATA["nodes"][node_id]["reading"]["bands"]]
        assert splitter == ont


@pytest.mark.parametrize("step, why", [
    ({"answer": "normal"}, "needs a measured number"),
    ({"answer": "normal", "value": -20}, "at which wavelength"),
    ({"answer": "normal", "value": -20, "wavelength_nm": 1550}, "for 1490 nm only"),
    ({"answer": "normal", "value": 99, "wavelength_nm": 1490}, "not a possible reading"),
])
def test_a_splitter_port_answer_without_its_reading_is_refused(step, why):
    with pytest.raises(engine.InvalidRun, match=why):
        follow("H5.3", step)


# ---- c. the speed test: measured vs subscribed Mbps (§2.10, §4.5: 网速达标 decides) ----

@pytest.mark.parametrize("node_id", ["S2.1a.speed", "S2.1b.speed"])
@pytest.mark.parametrize("measured, subscribed, answer", [(100, 100, "ok"), (99.99, 100, "poor"), (100.01, 100, "ok"),
                                                          (0, 100, "poor"), (1000, 100, "ok"), (1, 1, "ok"),
                                                          (9999, 10000, "poor")])
def test_the_speed_test_is_met_when_measured_reaches_subscribed(node_id, measured, subscribed, answer):
    assert follow(node_id, {"answer": answer, "value": measured, "subscribed_mbps": subscribed}) == answer


@pytest.mark.parametrize("step, why", [
    ({"answer": "ok", "value": 100}, "subscribed rate"),
    ({"answer": "ok", "value": 100, "subscribed_mbps": 0}, "subscribed rate"),
    ({"answer": "ok", "value": 100, "subscribed_mbps": 10001}, "subscribed rate"),
    ({"answer": "ok", "value": 100, "subscribed_mbps": float("nan")}, "subscribed rate"),
    ({"answer": "ok", "value": 100, "subscribed_mbps": "100M"}, "subscribed rate"),
    ({"answer": "ok", "value": 10001, "subscribed_mbps": 100}, "not a possible reading"),
    ({"answer": "ok", "value": -1, "subscribed_mbps": 100}, "not a possible reading"),
    ({"answer": "ok", "value": 50, "subscribed_mbps": 100}, "means"),
    ({"answer": "ok"}, "needs a measured number"),
])
def test_a_speed_answer_the_numbers_do_not_give_is_refused(step, why):
    with pytest.raises(engine.InvalidRun, match=why):
        follow("S2.1a.speed", step)


def test_the_speed_and_splitter_rules_are_the_thresholds_ones():
    for node_id in ("S2.1a.speed", "S2.1b.speed"):
        assert DATA["nodes"][node_id]["reading"]["met_at_ratio"] == THRESHOLDS["speed_test_mbps"]["met_at_ratio"] == 1.0
    normal = [b for b in DATA["nodes"]["H5.3"]["reading"]["bands"] if b["answer"] == "normal"]
    assert min(b["ge"] for b in normal) == THRESHOLDS["splitter_port_power_dbm"]["normal_from"]
    assert max(b["le"] for b in normal if "le" in b) == THRESHOLDS["splitter_port_power_dbm"]["normal_to"]


# ---- d. the FTTB port test method (000 B3: laptop on the port, or unbind and move) ----

@pytest.mark.parametrize("method, accepted", [("laptop", True), ("unbind_move", True), ("", False), (None, False),
                                              ("LAPTOP", False), (1, False)])
def test_the_fttb_port_test_records_its_method(method, accepted):
    step = {"answer": "good", "port_test_method": method}
    if accepted:
        assert follow("B3", step) == "good"
    else:
        with pytest.raises(engine.InvalidRun, match="Say how this was done"):
            follow("B3", step)


# ---- runs on the server: stored with their details, shown to the desk and in the report ----

FIBRE_RUN = [{"node": "H1", "answer": "on"}, {"node": "H2", "answer": "blinking"},
             {"node": "H5.1", "value": -29.5, "power_method": "power_meter", "wavelength_nm": 1490},
             {"node": "H5.2", "answer": "no"},
             {"node": "H5.3", "answer": "normal", "value": -21.4, "wavelength_nm": 1490},
             {"node": "H5.3a", "answer": "passes"}]
SLOW_RUN = [{"node": "S1", "answer": "all"}, {"node": "S2.1a", "value": 30},
            {"node": "S2.1a.speed", "answer": "poor", "value": 35.5, "subscribed_mbps": 100},
            {"node": "S2.1.line", "answer": "ftth"},
            {"node": "S2.1.ftth", "value": -20, "power_method": "ont_page", "wavelength_nm": 1490},
            {"node": "S2.1b", "answer": "done"}, {"node": "S2.1b.dns", "value": 20},
            {"node": "S2.1b.speed", "answer": "ok", "value": 101, "subscribed_mbps": 100}]


def record(tech, order_id, steps, outcome, playbook="ftth", run_id=None):  # noqa: F811
    return tech.push([tech.mutation("order.record_run", {
        "order_id": order_id, "run_id": run_id or str(uuid.uuid4()), "playbook": playbook, "version": DATA["version"],
        "steps": steps, "outcome": outcome})]).json["results"][0]


def test_a_run_keeps_how_each_reading_was_taken_and_the_desk_reads_it(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    assert record(tech, order_id, FIBRE_RUN, "reterminate_drop")["status"] == "applied"
    assert record(tech, order_id, SLOW_RUN, "test_good_after_restart", playbook="slow")["status"] == "applied"
    stored = [json.loads(r["steps"]) for r in db.query("SELECT steps FROM diagnostic_runs ORDER BY created_at")]
    assert stored[0][2] == FIBRE_RUN[2] and stored[0][4] == FIBRE_RUN[4] and stored[1][2] == SLOW_RUN[2]
    page = login("disp").get(f"/orders/{order_id}").text
    assert "-29.5 dBm · 过弱（低于 −28 dBm，光衰过大） · PON 光功率计 · 1490 nm" in page
    assert "正常 · -21.4 dBm · 良好（−8 至 −25 dBm） · 1490 nm" in page
    assert "达不到 · 实测 35.5 Mbps / 签约 100 Mbps" in page and "达到 · 实测 101 Mbps / 签约 100 Mbps" in page
    assert "-20 dBm · 良好（−8 至 −25 dBm） · 光猫管理页面 · 1490 nm" in page


@pytest.mark.parametrize("broken, why", [
    ({"node": "H5.1", "value": -29.5}, "测量方法（光猫管理页面 / PON 光功率计）"),
    ({"node": "H5.1", "value": -29.5, "power_method": "power_meter", "wavelength_nm": 1550}, "1490"),
    ({"node": "H5.1", "value": "－29.5", **METER}, "H5.1"),
])
def test_the_server_refuses_a_reading_without_its_method_in_the_technicians_language(phone, order_id, broken, why):  # noqa: F811
    steps = FIBRE_RUN[:2] + [broken] + FIBRE_RUN[3:]
    result = record(phone("techa"), order_id, steps, "reterminate_drop")
    assert result["status"] == "rejected" and why in result["error"] and "不可能发生" in result["error"]


def test_the_visit_report_carries_the_readings_with_how_they_were_taken(app, phone, order_id, db):  # noqa: F811
    from webapp.signoff import content
    record(phone("techa"), order_id, FIBRE_RUN + [], "reterminate_drop")
    record(phone("techa"), order_id, SLOW_RUN, "test_good_after_restart", playbook="slow")
    order = dict(next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id]))))
    with app.app_context():
        measured = [m["value"] for m in content.summary(db, order)["measurements"]]
    assert "-29.5 dBm · 过弱（低于 −28 dBm，光衰过大） · PON 光功率计 · 1490 nm" in measured
    assert "正常 · -21.4 dBm · 良好（−8 至 −25 dBm） · 1490 nm" in measured
    assert "达不到 · 实测 35.5 Mbps / 签约 100 Mbps" in measured


def test_a_run_under_the_previous_version_still_replays_without_details(phone, order_id):  # noqa: F811
    old = [{k: v for k, v in s.items() if k in ("node", "answer", "value")} for s in FIBRE_RUN]
    tech = phone("techa")
    result = tech.push([tech.mutation("order.record_run", {
        "order_id": order_id, "run_id": str(uuid.uuid4()), "playbook": "ftth", "version": "2026.11-3",
        "steps": old, "outcome": "reterminate_drop"})]).json["results"][0]
    assert result["status"] == "applied"


# ---- e. the tool checklist at the start of a visit (§9.6 item 33) ----

def test_the_checklist_is_the_seed_tools():
    assert tools.item_ids() == ["power_meter", "red_light_pen", "cable_tester", "laptop", "wifi_analyser"]
    assert "1490" in tools.load()["items"][0]["zh"]


@pytest.mark.parametrize("carried, result", [
    (["power_meter", "red_light_pen", "cable_tester", "laptop", "wifi_analyser"], 0),
    (["laptop", "power_meter"], 3),
    ([], 5),
    (["power_meter", "power_meter"], None),
    (["otdr"], None),
    ("power_meter", None),
    ([1], None),
])
def test_tool_answers_at_their_edges(carried, result):
    if result is None:
        with pytest.raises(ValueError):
            tools.check_ticked(carried)
    else:
        ticked, missing = tools.check_ticked(carried)
        assert len(missing) == result and ticked == [i for i in tools.item_ids() if i in carried]


def tool_check(tech, order_id, carried, note=""):  # noqa: F811
    return tech.push([tech.mutation("order.tool_check", {"order_id": order_id, "check_id": str(uuid.uuid4()),
                                                         "carried": carried, "note": note})]).json["results"][0]


def test_the_tool_checklist_is_kept_with_the_order_and_the_desk_sees_what_was_missing(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    refused = tool_check(tech, order_id, ["power_meter"])
    assert refused["status"] == "rejected" and "工具" in refused["error"]
    assert tool_check(tech, order_id, ["otdr"])["status"] == "rejected"
    assert tool_check(tech, order_id, ["power_meter", "laptop"], note="红光笔借给了同事")["status"] == "applied"
    page = login("disp").get(f"/orders/{order_id}").text
    assert 'id="tool-check"' in page and "红光笔借给了同事" in page and "缺少" in page
    bundle = next(c["data"] for c in tech.pull(cursor=None)["changes"] if c["table"] == "orders")
    assert bundle["tool_check"]["missing"] == ["red_light_pen", "cable_tester", "wifi_analyser"]
    assert phone("techb").push([phone("techb").mutation("order.tool_check", {
        "order_id": order_id, "check_id": str(uuid.uuid4()), "carried": []})]).json["results"][0]["status"] == "rejected"


# ---- f. captures on slow-speed runs: type and size checked, kept byte for byte, refused elsewhere ----

def pcap():
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    return header + struct.pack("<IIII", 1, 0, 4, 4) + b"\x00\x01\x02\x03"


def pcapng():
    body = struct.pack("<IQ", 0x1A2B3C4D, 0xFFFFFFFFFFFFFFFF)
    return struct.pack("<II", 0x0A0D0D0A, 28) + struct.pack("<I", 0x1A2B3C4D)[:4] + struct.pack("<HHq", 1, 0, -1) + struct.pack("<I", 28)


@pytest.mark.parametrize("data, content_type, code", [
    (pcap(), "application/vnd.tcpdump.pcap", None),
    (pcapng(), "application/x-pcapng", None),
    ("ping 114.114.114.114 时间=35ms".encode(), "text/plain", None),
    ("慢的网页：www.example.cn".encode("gb18030"), "text/plain", None),
    (b"", "text/plain", "empty"),
    (b"x" * (captures.MAX_CAPTURE_BYTES + 1), "text/plain", "too_big"),
    (b"GIF89a" + b"\x00" * 40, "application/vnd.tcpdump.pcap", "format"),
    (pcap()[:20], "application/vnd.tcpdump.pcap", "format"),
    (pcap(), "application/x-pcapng", "format"),
    (b"MZ\x90\x00\x03\x00", "text/plain", "text"),
    (b"\xff\xfe\xfd", "text/plain", "text"),
    (b"%PDF-1.4", "application/pdf", "format"),
])
def test_capture_files_at_their_edges(data, content_type, code):
    if code is None:
        assert captures.check_capture(data, content_type) == captures.CAPTURE_TYPES[content_type]
    else:
        with pytest.raises(captures.CaptureProblem) as problem:
            captures.check_capture(data, content_type)
        assert problem.value.code == code


def upload(session, data, content_type):
    response = Uploader(session).send(data, content_type)
    return response, hashlib.sha256(data).hexdigest()


def attach(tech, order_id, run_id, sha, name="capture.pcap"):  # noqa: F811
    return tech.push([tech.mutation("order.attach_capture", {
        "order_id": order_id, "capture_id": str(uuid.uuid4()), "run_id": run_id, "sha256": sha,
        "file_name": name, "caption": "打开 www.example.cn 时抓包"})]).json["results"][0]


def test_a_capture_goes_with_a_slow_speed_run_and_the_desk_downloads_it(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    slow_run, fibre_run = str(uuid.uuid4()), str(uuid.uuid4())
    assert record(tech, order_id, SLOW_RUN, "test_good_after_restart", playbook="slow", run_id=slow_run)["status"] == "applied"
    assert record(tech, order_id, FIBRE_RUN, "reterminate_drop", run_id=fibre_run)["status"] == "applied"
    response, sha = upload(tech.session, pcap(), "application/vnd.tcpdump.pcap")
    assert response.status_code == 204, response.text
    assert attach(tech, order_id, fibre_run, sha)["status"] == "rejected"  # not a slow-speed run
    assert attach(tech, order_id, str(uuid.uuid4()), sha)["status"] == "rejected"  # no such run
    assert attach(tech, order_id, slow_run, sha)["status"] == "applied"
    # a capture file is never a photo, an LED photo or a signature
    photo = tech.push([tech.mutation("order.attach_photo", {"order_id": order_id, "photo_id": str(uuid.uuid4()),
                                                            "sha256": sha, "kind": "photo"})]).json["results"][0]
    assert photo["status"] == "rejected"
    desk = login("disp")
    page = desk.get(f"/orders/{order_id}").text
    assert "capture.pcap" in page and f"/api/blobs/{sha}" in page and "打开 www.example.cn 时抓包" in page
    download = desk.get(f"/api/blobs/{sha}")
    assert download.status_code == 200 and download.data == pcap()
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert login("techb").get(f"/api/blobs/{sha}").status_code == 404


@pytest.mark.parametrize("data, content_type, status, words", [
    (b"GIF89a" + b"\x00" * 40, "application/vnd.tcpdump.pcap", 422, "抓包"),
    (b"\xff\xfe\xfd\x00", "text/plain", 422, "文本"),
    (b"x" * (captures.MAX_CAPTURE_BYTES + 1), "text/plain", 413, "10 MB"),
    (b"%PDF-1.4", "application/pdf", 415, "pcap"),
])
def test_a_bad_capture_gets_a_clear_message_and_stores_nothing(login, db, data, content_type, status, words):
    response, _sha = upload(login("techa"), data, content_type)
    assert response.status_code == status and words in response.json["error"], response.json
    assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 0


def test_a_screenshot_capture_travels_like_a_photo(phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    run_id = str(uuid.uuid4())
    record(tech, order_id, SLOW_RUN, "test_good_after_restart", playbook="slow", run_id=run_id)
    response, sha = upload(tech.session, jpeg(), "image/jpeg")
    assert response.status_code == 204
    assert attach(tech, order_id, run_id, sha, "测速截图.jpg")["status"] == "applied"
    assert db.execute("SELECT content_type FROM run_captures").fetchone()[0] == "image/jpeg"


def test_the_visit_report_pdf_prints_how_each_reading_was_taken(app, phone, order_id, db):  # noqa: F811
    from tests.test_signoff_pdf_text import pdf_text, sample, white_png
    from webapp.signoff import content, report
    record(phone("techa"), order_id, FIBRE_RUN, "reterminate_drop")
    record(phone("techa"), order_id, SLOW_RUN, "test_good_after_restart", playbook="slow")
    order = dict(next(iter(db.query("SELECT * FROM orders WHERE id = ?", [order_id]))))
    with app.app_context():
        body = sample(measurements=content.summary(db, order)["measurements"])
    text = pdf_text(report.pdf(body, report.digest(body), white_png())).replace("\r", "").replace("\n", "")
    for words in ("PON 光功率计 · 1490 nm", "-21.4 dBm", "实测 35.5 Mbps / 签约 100 Mbps", "光猫管理页面"):
        assert words in text, words
