"""The fault-finding trees against the domain reference, branch by branch; the phone's runner and
the server agree on every path; recorded runs are checked on the server."""
import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.playbooks import engine

DATA = engine.load()

# Every branch of every tree, transcribed from the compact tables of domain reference §2 and §3:
# (node, answer) → next node, or "=outcome". Gaps the reference marks [gap] end at not_covered
# (or a gap outcome) on purpose.
EXPECTED = {
    # §2.1 FTTH
    ("H1", "off"): "=power_fault", ("H1", "on"): "H2", ("H1", "blinking"): "=not_covered",
    ("H2", "off"): "H3", ("H2", "blinking"): "H5.1", ("H2", "on"): "=not_covered",
    ("H3", "on"): "H4", ("H3", "blinking"): "H5.1", ("H3", "off"): "H5.1",
    ("H4", "blinking"): "H6", ("H4", "off"): "=lan_link_fault", ("H4", "on"): "=not_covered",
    ("H5.1", "too_strong"): "=power_too_strong", ("H5.1", "good"): "=power_ok_light_abnormal",
    ("H5.1", "marginal"): "H5.2", ("H5.1", "too_weak"): "H5.2",
    ("H5.2", "yes"): "H5.3", ("H5.2", "no"): "H5.3",
    ("H5.3", "normal"): "H5.3a", ("H5.3", "abnormal"): "H5.3b",
    ("H5.3a", "passes"): "=reterminate_drop", ("H5.3a", "fails"): "=repull_drop",
    ("H5.3b", "normal"): "=change_splitter_port", ("H5.3b", "abnormal"): "H5.4",
    ("H5.4", "yes"): "=escalate_upstream", ("H5.4", "no"): "=not_covered",
    ("H6", "error"): "D1", ("H6", "ok"): "R1",
    # §2.2 FTTB
    ("B1", "off"): "=power_fault", ("B1", "on"): "B1.FE", ("B1", "blinking"): "=not_covered",
    ("B1.FE", "on"): "B5", ("B1.FE", "off"): "B2", ("B1.FE", "blinking"): "=not_covered",
    ("B2", "off"): "=power_fault", ("B2", "on"): "B2.WAN", ("B2", "blinking"): "=not_covered",
    ("B2.WAN", "off"): "B3", ("B2.WAN", "on"): "=not_covered", ("B2.WAN", "blinking"): "=not_covered",
    ("B3", "bad"): "=move_onu_port", ("B3", "good"): "B4",
    ("B4", "normal"): "B5", ("B4", "abnormal"): "=remake_cable",
    ("B5", "ok"): "=customer_lan_out_of_scope", ("B5", "fails"): "D1",
    # §2.3 slow speed
    ("S1", "all"): "S2.1a", ("S1", "site"): "S2.2", ("S1", "wifi"): "W1", ("S1", "game"): "=game_capture",
    ("S2.1a", "good"): "S2.1a.speed", ("S2.1a", "poor"): "S2.1.line",
    ("S2.1a.speed", "ok"): "S2.1b", ("S2.1a.speed", "poor"): "S2.1.line",
    ("S2.1.line", "ftth"): "H5.1", ("S2.1.line", "fttb"): "=fttb_line_check",
    ("S2.1b", "better"): "=fixed_by_restart", ("S2.1b", "same"): "S2.1c",
    ("S2.1c", "yes"): "=community_congestion", ("S2.1c", "no"): "=not_covered",
    ("S2.2", "yes"): "=site_capture", ("S2.2", "no"): "=not_covered",
    # §2.4 Wi-Fi and §2.6 notes
    ("W1", "done"): "W2", ("W2", "good"): "W3", ("W2", "weak"): "W3",
    ("W3", "yes"): "N1", ("W3", "no"): "N2", ("N2", "yes"): "N1", ("N2", "no"): "N1",
    ("N1", "yes"): "N3", ("N1", "no"): "N3", ("N3", "range"): "=wifi_prefer_24", ("N3", "speed"): "=wifi_prefer_5",
    # §2.5 router
    ("R1", "on"): "R2", ("R1", "off"): "=power_fault", ("R1", "blinking"): "=not_covered",
    ("R2", "on"): "R3", ("R2", "off"): "=router_wan_no_signal", ("R2", "blinking"): "R3",
    ("R3", "blinking"): "R4", ("R3", "off"): "=router_lan_no_data", ("R3", "on"): "=not_covered",
    ("R4", "done"): "N1",
    # §3 dial-up errors
    ("D1", "691"): "D691", ("D1", "678"): "D678", ("D1", "769"): "=nic_disabled", ("D1", "other"): "=not_covered",
    ("D691", "suspended"): "=account_suspended", ("D691", "password"): "=wrong_password",
    ("D691", "binding"): "=binding_error", ("D691", "elsewhere"): "=online_elsewhere",
    ("D678", "yes"): "=check_ont_data", ("D678", "no"): "H5.1",
    # §2.7 enterprise LAN
    ("L1", "yes"): "L2", ("L1", "no"): "=lan_cable", ("L2", "yes"): "=nic_disabled", ("L2", "no"): "L3",
    ("L3", "yes"): "L3a", ("L3", "no"): "L4", ("L3a", "yes"): "=switch_restarted", ("L3a", "no"): "L3b",
    ("L3b", "yes"): "=replace_switch", ("L3b", "no"): "L4",
    ("L4", "on"): "L4b", ("L4", "off"): "=provider_repair", ("L4", "blinking"): "=not_covered",
    ("L4b", "on"): "L5", ("L4b", "off"): "=transceiver_downstream", ("L4b", "blinking"): "L5",
    ("L5", "yes"): "=provider_onsite",
}

# What the reference asks of particular conclusions: back-end tasks and follow-ups.
TASKS = {"binding_error": ["fix_binding"], "online_elsewhere": ["clear_bas_session"], "check_ont_data": ["check_ont_data"],
         "site_capture": ["site_capture"], "game_capture": ["game_capture"]}
FOLLOWUPS = {"escalate_upstream": ["two_maintainers_upstream"], "community_congestion": ["city_room_olt_uplink"],
             "provider_repair": ["provider_repair"], "provider_onsite": ["provider_repair"]}


def branches_in_data():
    found = {}
    for node_id, node in DATA["nodes"].items():
        items = [(b["code"], b) for b in node["bands"]] if node["kind"] == "measure" else node["answers"].items()
        for answer, branch in items:
            found[(node_id, answer)] = f"={branch['end']}" if "end" in branch else branch["next"]
    return found


def test_every_branch_goes_where_the_domain_reference_says():
    assert branches_in_data() == EXPECTED


def test_every_path_of_every_tree_ends_at_its_conclusion():
    reached = set()
    for book in DATA["playbooks"]:
        for steps, outcome in engine.all_paths(DATA, book["id"]):
            node = book["start"]
            for step in steps:  # follow the reference's table, not the data
                assert step["node"] == node
                node = EXPECTED[(node, step["answer"])]
            assert node == f"={outcome}", steps
            assert engine.check_run(DATA, book["id"], steps) == outcome
            reached.add(outcome)
    assert reached == set(DATA["outcomes"])  # no conclusion is unreachable


def test_tasks_followups_and_gaps_are_where_the_reference_puts_them():
    for outcome_id, outcome in DATA["outcomes"].items():
        assert outcome.get("tasks", []) == TASKS.get(outcome_id, []), outcome_id
        assert outcome.get("followups", []) == FOLLOWUPS.get(outcome_id, []), outcome_id
        assert outcome["text"]["zh"] and outcome["text"]["en"]
    gaps = {k for k, v in DATA["outcomes"].items() if v.get("gap")}
    assert gaps == {"not_covered", "power_too_strong", "power_ok_light_abnormal"}


@pytest.mark.parametrize("value, band", [(-8, "good"), (-7.9, "too_strong"), (-25, "good"), (-25.1, "marginal"),
                                         (-28, "marginal"), (-28.1, "too_weak"), (-29.5, "too_weak")])
def test_optical_power_bands_at_their_edges(value, band):
    node = {**DATA["nodes"]["H5.1"], "id": "H5.1"}
    assert engine.band_of(node, value)["code"] == band


@pytest.mark.parametrize("node, value, band", [("S2.1a", 49, "good"), ("S2.1a", 50, "poor"), ("W2", -70, "good"), ("W2", -71, "weak")])
def test_dns_and_wifi_thresholds(node, value, band):
    assert engine.band_of({**DATA["nodes"][node], "id": node}, value)["code"] == band


THE_ISSUES_PATH = [{"node": "H1", "answer": "on"}, {"node": "H2", "answer": "blinking"},
                   {"node": "H5.1", "value": -29.5}, {"node": "H5.2", "answer": "no"},
                   {"node": "H5.3", "answer": "normal"}, {"node": "H5.3a", "answer": "passes"}]


@pytest.mark.parametrize("steps, why", [
    (THE_ISSUES_PATH[1:], "should be H1"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": 15}] + THE_ISSUES_PATH[3:], "not a possible reading"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": -29.5, "answer": "good"}] + THE_ISSUES_PATH[3:], "is “too_weak”"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": "-29.5"}] + THE_ISSUES_PATH[3:], "needs a measured number"),
    (THE_ISSUES_PATH[:-1], "without a conclusion"),
    (THE_ISSUES_PATH + [{"node": "H6", "answer": "ok"}], "goes on after"),
    ([{"node": "H1", "answer": "purple"}], "not an answer"),
])
def test_runs_that_could_not_have_happened_are_refused(steps, why):
    with pytest.raises(engine.InvalidRun) as refused:
        engine.check_run(DATA, "ftth", steps)
    assert why in str(refused.value)


def record(phone, order_id, steps, outcome, note="", version=None, playbook="ftth"):  # noqa: F811
    return phone.push([phone.mutation("order.record_run", {
        "order_id": order_id, "run_id": str(uuid.uuid4()), "playbook": playbook, "version": version or DATA["version"],
        "steps": steps, "outcome": outcome, "note": note})]).json["results"][0]


def test_a_recorded_run_is_kept_with_its_version_and_shown_to_the_desk(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    assert record(tech, order_id, THE_ISSUES_PATH, "reterminate_drop")["status"] == "applied"
    run = next(iter(db.query("SELECT * FROM diagnostic_runs")))
    assert run["playbook_version"] == DATA["version"] and run["outcome"] == "reterminate_drop"
    assert json.loads(run["steps"])[2] == {"node": "H5.1", "value": -29.5}
    page = login("disp").get(f"/orders/{order_id}").text
    assert "重做两端皮线光缆头" in page and "-29.5 dBm · 过弱" in page and "红光笔" in page
    pulled = tech.pull(cursor=None)
    bundle = next(c["data"] for c in pulled["changes"] if c["table"] == "orders")
    assert bundle["runs"][0]["outcome"] == "reterminate_drop"


def test_a_conclusion_that_asks_the_back_end_becomes_a_desk_task(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    steps = [{"node": "D1", "answer": "691"}, {"node": "D691", "answer": "binding"}]
    assert record(tech, order_id, steps, "binding_error", playbook="dialup")["status"] == "applied"
    desk = login("disp")
    tasks = desk.get("/desk/tasks").text
    assert "修改账号绑定" in tasks
    task_id = db.execute("SELECT id FROM desk_tasks").fetchone()[0]
    assert desk.post(f"/desk/tasks/{task_id}/done").status_code == 303
    assert db.execute("SELECT done_by FROM desk_tasks").fetchone()[0] is not None
    assert login("techa").get("/desk/tasks").status_code == 403


def test_an_escalation_becomes_a_follow_up_on_the_order(login, phone, order_id, db):  # noqa: F811
    steps = THE_ISSUES_PATH[:4] + [{"node": "H5.3", "answer": "abnormal"}, {"node": "H5.3b", "answer": "abnormal"},
                                   {"node": "H5.4", "answer": "yes"}]
    assert record(phone("techa"), order_id, steps, "escalate_upstream")["status"] == "applied"
    assert db.execute("SELECT kind FROM order_followups").fetchone()[0] == "two_maintainers_upstream"
    assert "需两名维护人员" in login("disp").get(f"/orders/{order_id}").text


def test_the_server_refuses_impossible_runs_with_the_reason(phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    wrong_end = record(tech, order_id, THE_ISSUES_PATH, "repull_drop")
    assert wrong_end["status"] == "rejected" and "reterminate_drop" in wrong_end["error"]
    impossible = record(tech, order_id, THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": 40}] + THE_ISSUES_PATH[3:], "reterminate_drop")
    assert impossible["status"] == "rejected" and "不可能发生" in impossible["error"]
    old = record(tech, order_id, THE_ISSUES_PATH, "reterminate_drop", version="2020.1")
    assert old["status"] == "rejected" and "旧版" in old["error"]
    gap = record(tech, order_id, [{"node": "H1", "answer": "blinking"}], "not_covered")
    assert gap["status"] == "rejected"
    assert record(tech, order_id, [{"node": "H1", "answer": "blinking"}], "not_covered", note="电源灯红色快闪")["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM diagnostic_runs").fetchone()[0] == 1


def test_supervisors_read_every_tree_with_its_version(login):
    page = login("boss").get("/playbooks/").text
    assert DATA["version"] in page
    for book in DATA["playbooks"]:
        assert book["title"]["zh"] in page
    for node_id in DATA["nodes"]:
        assert f'id="node-{node_id}"' in page
    assert login("techa").get("/playbooks/").status_code == 403


@pytest.mark.browser
def test_the_phones_runner_and_the_server_agree_on_every_path(login, live_server, browser):
    from tests.test_offline_browser import log_in
    page = browser.new_page()
    log_in(page, live_server, "techa")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    cases = []
    for book in DATA["playbooks"]:
        for steps, outcome in engine.all_paths(DATA, book["id"]):
            cases.append({"playbook": book["id"], "steps": steps, "outcome": outcome})
            broken = [dict(s) for s in steps]
            broken[-1] = {**broken[-1], "answer": "nonsense", "value": 999}
            cases.append({"playbook": book["id"], "steps": broken, "outcome": None})
    answers = page.evaluate("""([data, cases]) => cases.map(c => {
        try { return ONTrackRunner.checkRun(data, c.playbook, c.steps).outcome; }
        catch (e) { if (e instanceof ONTrackRunner.Invalid) { return null; } throw e; } })""", [DATA, cases])
    server = []
    for case in cases:
        try:
            server.append(engine.check_run(DATA, case["playbook"], case["steps"]))
        except engine.InvalidRun:
            server.append(None)
    assert answers == server == [c["outcome"] for c in cases]
    assert len(cases) > 600
