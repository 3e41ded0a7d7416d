"""The fault-finding trees against the seed text, branch by branch (tests/playbook_table.py); the
phone's runner and the server agree on every path; recorded runs are checked on the server,
also runs recorded under an older version of the trees."""
import json
import pathlib
import uuid

import pytest
from playwright.sync_api import expect

from tests.playbook_table import FOLLOWUPS, GOES_TO, RESOLVED, SEEDS, TABLE, TASKS
from tests.test_sync import order_id  # noqa: F401  (fixture)
from webapp.playbooks import engine

DATA = engine.load()
OLD = engine.archive()["2026.11-1"]  # the trees before issue 16, kept for replay
SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"

SEED_LINES = {key: (SHARED / "seeds" / name).read_text(encoding="utf-8").splitlines() for key, name in SEEDS.items()}


def branches_in_data(data=DATA):
    found = {}
    for node_id, node in data["nodes"].items():
        items = [(b["code"], b) for b in node["bands"]] if node["kind"] == "measure" else node["answers"].items()
        for answer, branch in items:
            found[(node_id, answer)] = f"={branch['end']}" if "end" in branch else branch["next"]
    return found


def branch_of(node_id, answer, data=DATA):
    node = data["nodes"][node_id]
    if node["kind"] == "measure":
        return next(b for b in node["bands"] if b["code"] == answer)
    return node["answers"][answer]


def test_every_row_of_the_table_quotes_its_seed_line():
    for row in TABLE:
        assert row.quote in SEED_LINES[row.seed][row.line - 1], row
    for outcome, (_kinds, seed, line, quote) in {**TASKS, **FOLLOWUPS}.items():
        assert quote in SEED_LINES[seed][line - 1], outcome
    for outcome, (seed, line, quote) in RESOLVED.items():
        assert quote in SEED_LINES[seed][line - 1], outcome


def test_every_branch_goes_where_the_seed_says():
    assert len(GOES_TO) == len(TABLE)  # one row per branch
    assert branches_in_data() == GOES_TO


def walk_table(book, steps):
    """The node ids a run passes and where the seed table says it ends."""
    node, path = book["start"], []
    for step in steps:
        assert step["node"] == node
        path.append(node)
        node = GOES_TO[(node, step["answer"])]
    return path, node


def test_every_path_of_every_tree_ends_at_its_conclusion():
    reached = set()
    for book in DATA["playbooks"]:
        for steps, outcome in engine.all_paths(DATA, book["id"]):
            _path, end = walk_table(book, steps)  # follow the seed's table, not the data
            assert end == f"={outcome}", steps
            assert engine.check_run(DATA, book["id"], steps) == outcome
            reached.add(outcome)
    assert reached == set(DATA["outcomes"])  # no conclusion is unreachable


def test_tasks_followups_resolved_and_gaps_are_where_the_seed_puts_them():
    for outcome_id, outcome in DATA["outcomes"].items():
        assert outcome.get("tasks", []) == TASKS.get(outcome_id, ([],))[0], outcome_id
        assert outcome.get("followups", []) == FOLLOWUPS.get(outcome_id, ([],))[0], outcome_id
        assert bool(outcome.get("resolved")) == (outcome_id in RESOLVED), outcome_id
        assert outcome["text"]["zh"] and outcome["text"]["en"]
        for kind in outcome.get("tasks", []):
            assert DATA["tasks"][kind]["zh"] and DATA["tasks"][kind]["en"]
    gaps = {k for k, v in DATA["outcomes"].items() if v.get("gap")}
    assert gaps == {"not_covered", "power_too_strong", "power_ok_light_abnormal", "fttb_line_fault", "fttb_678",
                    "lan_switch_passes"}


def test_synthesis_gap_and_choice_steps_say_so():
    for row in TABLE:
        branch = branch_of(row.node, row.answer)
        did = branch.get("did", {})
        marked = "[综合]" in did.get("zh", "") and "[synthesis]" in did.get("en", "")
        assert marked == (row.kind == "synthesis"), row
        if row.kind == "gap":
            ends_at_gap = "end" in branch and DATA["outcomes"][branch["end"]].get("gap")
            assert ends_at_gap or ("[缺口]" in did.get("zh", "") and "[gap]" in did.get("en", "")), row
        if row.kind == "choice":  # the technician's choice is written into the run
            assert did["zh"] and did["en"], row


@pytest.mark.parametrize("value, band", [(-8, "good"), (-7.9, "too_strong"), (-25, "good"), (-25.1, "marginal"),
                                         (-28, "marginal"), (-28.1, "too_weak"), (-29.5, "too_weak")])
def test_optical_power_bands_at_their_edges(value, band):
    node = {**DATA["nodes"]["H5.1"], "id": "H5.1"}
    assert engine.band_of(node, value)["code"] == band


def test_a_measurement_asked_in_two_trees_has_one_set_of_bands():
    """The slow-speed tree asks the ONT's power and repeats the DNS test on nodes of their own (their
    branches differ); thresholds, labels and ranges must stay those of H5.1 and S2.1a."""
    def judged(node_id):
        node = DATA["nodes"][node_id]
        return ({k: node[k] for k in ("quantity", "unit", "min", "max", "step")},
                [{k: v for k, v in b.items() if k not in ("next", "end", "did")} for b in node["bands"]])
    assert judged("S2.1.ftth") == judged("H5.1") == judged("D678.power") and judged("S2.1b.dns") == judged("S2.1a")


@pytest.mark.parametrize("node, value, band", [("S2.1a", 49, "good"), ("S2.1a", 50, "poor"), ("W2", -70, "good"), ("W2", -71, "weak")])
def test_dns_and_wifi_thresholds(node, value, band):
    assert engine.band_of({**DATA["nodes"][node], "id": node}, value)["code"] == band


METER = {"power_method": "power_meter", "wavelength_nm": 1490}
THE_ISSUES_PATH = [{"node": "H1", "answer": "on"}, {"node": "H2", "answer": "blinking"},
                   {"node": "H5.1", "value": -29.5, **METER}, {"node": "H5.2", "answer": "no"},
                   {"node": "H5.3", "answer": "normal", "value": -21.4, "wavelength_nm": 1490}, {"node": "H5.3a", "answer": "passes"}]


@pytest.mark.parametrize("steps, why", [
    (THE_ISSUES_PATH[1:], "should be H1"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": 15, **METER}] + THE_ISSUES_PATH[3:], "not a possible reading"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": -29.5, "answer": "good", **METER}] + THE_ISSUES_PATH[3:], "is “too_weak”"),
    (THE_ISSUES_PATH[:2] + [{"node": "H5.1", "value": "-29.5", **METER}] + THE_ISSUES_PATH[3:], "needs a measured number"),
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
    assert json.loads(run["steps"])[2] == {"node": "H5.1", "value": -29.5, **METER}
    page = login("disp").get(f"/orders/{order_id}").text
    assert "重做两端皮线光缆头" in page and "-29.5 dBm · 过弱" in page and "红光笔" in page
    pulled = tech.pull(cursor=None)
    bundle = next(c["data"] for c in pulled["changes"] if c["table"] == "orders")
    assert bundle["runs"][0]["outcome"] == "reterminate_drop"


def test_a_conclusion_that_asks_the_back_end_becomes_a_desk_task(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    steps = [{"node": "D0", "answer": "ftth"}, {"node": "D1", "answer": "691"}, {"node": "D691", "answer": "binding"}]
    assert record(tech, order_id, steps, "binding_error", playbook="dialup")["status"] == "applied"
    desk = login("disp")
    tasks = desk.get("/desk/tasks").text
    assert "修改账号绑定" in tasks
    task_id = db.execute("SELECT id FROM desk_tasks").fetchone()[0]
    assert desk.post(f"/desk/tasks/{task_id}/done").status_code == 303
    assert db.execute("SELECT done_by FROM desk_tasks").fetchone()[0] is not None
    assert login("techa").get("/desk/tasks").status_code == 403


def test_an_escalation_becomes_a_follow_up_on_the_order(login, phone, order_id, db):  # noqa: F811
    steps = THE_ISSUES_PATH[:4] + [{"node": "H5.3", "answer": "abnormal", "value": -31, "wavelength_nm": 1490},
                                   {"node": "H5.3b", "answer": "abnormal", "value": -30.2, "wavelength_nm": 1490},
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
    unknown = record(tech, order_id, THE_ISSUES_PATH, "reterminate_drop", version="2020.1")
    assert unknown["status"] == "rejected" and "2020.1" in unknown["error"] and "版本" in unknown["error"]
    gap = record(tech, order_id, [{"node": "H1", "answer": "blinking"}], "not_covered")
    assert gap["status"] == "rejected"
    assert record(tech, order_id, [{"node": "H1", "answer": "blinking"}], "not_covered", note="电源灯红色快闪")["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM diagnostic_runs").fetchone()[0] == 1


def test_supervisors_read_every_tree_with_its_version(login):
    page = login("boss").get("/playbooks/").text
    assert DATA["version"] in page and "2026.11-1" in page
    for book in DATA["playbooks"]:
        assert book["title"]["zh"] in page
    for node_id in DATA["nodes"]:
        assert f'id="node-{node_id}"' in page
    assert login("techa").get("/playbooks/").status_code == 403


# ---- issue 16: one test per numbered line; each fails on the trees of version 2026.11-1 ----

def steps_of(*answers):
    """[(node, answer or measured value), ...] as a run records them, with what the current trees record
    beside them (measured with a power meter at 1490 nm, a reading that gives the answer; issue 21 item 6)."""
    steps = []
    for node_id, a in answers:
        step = {"node": node_id, "value": a} if isinstance(a, (int, float)) else {"node": node_id, "answer": a}
        node = DATA["nodes"].get(node_id, {})
        if "reading" in node and "answer" in step:
            step = next((s for s in engine.sample_readings(node_id, node) if s["answer"] == a), step)
        steps.append({**step, **engine.sample_details(DATA, node)})
    return steps


def paths(playbook, data=DATA):
    return engine.all_paths(data, playbook)


def nodes_of(steps):
    return [step["node"] for step in steps]


POOR_TEST_GOOD_LINE = steps_of(("S1", "all"), ("S2.1a", 80), ("S2.1.line", "ftth"), ("S2.1.ftth", -20))


def test_1_slow_speed_takes_steps_one_two_three_in_turn_also_after_a_poor_test():
    # a poor test, a good line (community congestion shows like this): restart, test again, then the city room
    congestion = POOR_TEST_GOOD_LINE + steps_of(("S2.1b", "done"), ("S2.1b.dns", 90), ("S2.1c", "yes"))
    assert engine.check_run(DATA, "slow", congestion) == "community_congestion"
    assert DATA["outcomes"]["community_congestion"]["followups"] == ["city_room_olt_uplink"]
    # a poor first test (DNS latency or speed) can still reach ② and ③
    answered = [([(x["node"], x["answer"]) for x in steps], end) for steps, end in paths("slow")]
    for poor in ([("S1", "all"), ("S2.1a", "poor")], [("S1", "all"), ("S2.1a", "good"), ("S2.1a.speed", "poor")]):
        after = [(nodes, end) for nodes, end in answered if nodes[:len(poor)] == poor]
        assert any(("S2.1b", "done") in nodes and end == "community_congestion" for nodes, end in after), poor
    # on this path a good power reading never says "power fine but LOS/PON abnormal"
    assert all(end != "power_ok_light_abnormal" for _, end in paths("slow"))
    # the FTTB line check goes on to ②
    fttb = steps_of(("S1", "all"), ("S2.1a", 80), ("S2.1.line", "fttb"))
    fttb.append({"node": "S2.1.fttb", "answer": "normal", "checked": ["onu_rx", "adapter", "crc"]})
    assert engine.position(DATA, "slow", fttb) == {"node": "S2.1b"}
    # the restart step repeats the first step's test: the same DNS bands, then the speed test
    restart = engine.check_run(DATA, "slow", POOR_TEST_GOOD_LINE + steps_of(("S2.1b", "done"), ("S2.1b.dns", 20), ("S2.1b.speed", "ok")))
    assert restart == "test_good_after_restart"
    assert DATA["nodes"]["S2.1b.dns"]["quantity"] == "dns_latency"  # the same bands: test_a_measurement_asked_in_two_trees…


FTTH_ONLY = {"H5.1", "H5.1m", "H5.2", "H5.3", "H5.3a", "H5.3b", "H5.4", "D1", "D678", "D678.power", "D678.m"}
FTTH_ENDS = {"reterminate_drop", "repull_drop", "change_splitter_port", "escalate_upstream", "check_ont_data",
             "power_too_strong", "power_ok_light_abnormal"}


def test_2_on_fttb_a_dialup_error_never_walks_into_ftth_fibre_checks():
    fttb_runs = paths("fttb") + [(s, end) for s, end in paths("dialup") if s[0]["answer"] == "fttb"]
    assert fttb_runs
    for steps, end in fttb_runs:
        assert not FTTH_ONLY & set(nodes_of(steps)) and end not in FTTH_ENDS, steps
    assert engine.check_run(DATA, "fttb", steps_of(("B1", "on"), ("B1.FE", "on"), ("B5", "fails"), ("B6", "678"))) == "fttb_678"
    assert engine.check_run(DATA, "dialup", steps_of(("D0", "fttb"), ("B6", "678"))) == "fttb_678"
    # the order's access type decides: an FTTB order cannot be answered as FTTH
    with pytest.raises(engine.InvalidRun, match="access type is fttb"):
        engine.check_run(DATA, "dialup", steps_of(("D0", "ftth"), ("D1", "678"), ("D678", "yes")), "fttb")
    assert engine.check_run(DATA, "dialup", steps_of(("D0", "ftth"), ("D1", "678"), ("D678", "yes")), "ftth") == "check_ont_data"


LAN_UP_TO_MAIN_LINE = steps_of(("L1", "yes"), ("L2", "no"), ("L3", "yes"), ("L3a", "no"), ("L3b", "yes"))


def test_3_enterprise_lan_tests_the_main_line_then_the_switch_before_replacing_it():
    assert engine.check_run(DATA, "lan", LAN_UP_TO_MAIN_LINE + steps_of(("L3c", "no"))) == "replace_switch"
    works = engine.check_run(DATA, "lan", LAN_UP_TO_MAIN_LINE + steps_of(("L3c", "yes")))
    assert works != "replace_switch" and DATA["outcomes"][works]["gap"]
    for steps, end in paths("lan"):
        if end == "replace_switch":
            assert steps[-2:] == steps_of(("L3b", "yes"), ("L3c", "no")), steps


def test_4_moving_an_fttb_customer_to_another_onu_port_raises_the_binding_task(login, phone, fttb_order_id, db):
    steps = steps_of(("B1", "on"), ("B1.FE", "off"), ("B2", "on"), ("B2.WAN", "off"), ("B3", "bad"))
    assert record(phone("techa"), fttb_order_id, steps, "move_onu_port", playbook="fttb")["status"] == "applied"
    assert [r["kind"] for r in db.query("SELECT kind FROM desk_tasks")] == ["rebind_account"]
    assert "把账号重新绑定到新的 ONU 端口" in login("disp").get("/desk/tasks").text


def test_5_the_router_path_fixes_a_scanned_idle_channel_before_wds_and_band_advice():
    for steps, _end in paths("router"):
        if "R4" in nodes_of(steps):
            after = nodes_of(steps)[nodes_of(steps).index("R4") + 1:]
            assert after[0] == "N2" and after.index("N2") < after.index("N1") < after.index("N3"), steps
    assert "固定" in DATA["nodes"]["N2"]["answers"]["no"]["did"]["zh"]


@pytest.mark.parametrize("playbook, before", [
    ("ftth", steps_of(("H1", "on"), ("H2", "blinking"))),
    ("slow", POOR_TEST_GOOD_LINE[:3]),
])
def test_6_a_reading_between_minus_25_and_minus_28_is_within_standard_and_the_technician_chooses(playbook, before):
    power = before + [{"node": before[-1]["node"] == "H2" and "H5.1" or "S2.1.ftth", "value": -26.5, **METER}]
    choice_id = engine.position(DATA, playbook, power)["node"]
    choice = DATA["nodes"][choice_id]
    assert choice["kind"] == "choice" and "标准范围" in choice["ask"]["zh"] and "边缘" in choice["ask"]["zh"]
    assert "within the standard range" in choice["ask"]["en"] and "marginal" in choice["ask"]["en"]
    assert set(choice["answers"]) == {"look", "no"}
    assert choice["answers"]["look"]["next"] == "H5.2" and choice["answers"]["no"].get("next") != "H5.2"
    lines = engine.describe(DATA, power + [{"node": choice_id, "answer": "no"}])
    assert lines[-1]["answer"] == choice["answers"]["no"]["label"]["zh"]  # the choice is in the run's record


def test_7_after_a_good_direct_dial_the_router_and_wifi_steps_are_synthesis_and_never_resolved():
    did = DATA["nodes"]["H6"]["answers"]["ok"]["did"]
    assert "[综合]" in did["zh"] and "[synthesis]" in did["en"]
    after_dial = [(s, end) for s, end in paths("ftth") if {"node": "H6", "answer": "ok"} in s]
    assert after_dial and all(not DATA["outcomes"][end].get("resolved") for _, end in after_dial)


def test_8_the_lan_nic_disabled_outcome_does_not_mention_769():
    end = engine.check_run(DATA, "lan", steps_of(("L1", "yes"), ("L2", "yes")))
    assert "769" not in DATA["outcomes"][end]["text"]["zh"] + DATA["outcomes"][end]["text"]["en"]
    assert "769" in DATA["outcomes"][engine.check_run(DATA, "ftth", THE_ISSUES_PATH[:1] + steps_of(
        ("H2", "off"), ("H3", "on"), ("H4", "blinking"), ("H6", "error"), ("D1", "769")))]["text"]["zh"]


# ---- versions: the trees' version went up; a run recorded under the old one still replays ----

OLD_SLOW_RUN = steps_of(("S1", "all"), ("S2.1a", 20), ("S2.1a.speed", "ok"), ("S2.1b", "better"))


def test_the_version_went_up_and_the_old_trees_are_kept():
    assert DATA["version"] == "2026.12-2" and OLD["version"] == "2026.11-1"
    assert {"2026.11-2", "2026.11-3"} <= set(engine.archive())
    assert engine.tree("2026.11-1") is OLD and engine.tree(DATA["version"]) is DATA and engine.tree("2020.1") is None
    assert engine.check_run(OLD, "slow", OLD_SLOW_RUN) == "fixed_by_restart"
    with pytest.raises(engine.InvalidRun):
        engine.check_run(DATA, "slow", OLD_SLOW_RUN)


def test_a_run_recorded_under_the_old_version_replays_and_shows_the_version_it_followed(login, phone, order_id, db):  # noqa: F811
    tech = phone("techa")
    assert record(tech, order_id, OLD_SLOW_RUN, "fixed_by_restart", version="2026.11-1", playbook="slow")["status"] == "applied"
    refused = record(tech, order_id, OLD_SLOW_RUN, "fixed_by_restart", playbook="slow")  # not a path of the new trees
    assert refused["status"] == "rejected"
    wrong = record(tech, order_id, OLD_SLOW_RUN, "community_congestion", version="2026.11-1", playbook="slow")
    assert wrong["status"] == "rejected" and "fixed_by_restart" in wrong["error"]  # replayed on the old tree
    run = next(iter(db.query("SELECT * FROM diagnostic_runs")))
    assert run["playbook_version"] == "2026.11-1" and run["outcome"] == "fixed_by_restart"
    page = login("disp").get(f"/orders/{order_id}").text
    assert '<span class="run-version">2026.11-1</span>' in page and DATA["version"] in page
    assert "重启路由器和交换机后恢复" in page and "重启用户路由器和交换机后再测：改善了吗？" in page
    bundle = next(c["data"] for c in tech.pull(cursor=None)["changes"] if c["table"] == "orders")
    assert bundle["runs"][0]["playbook_version"] == "2026.11-1"


@pytest.fixture
def fttb_order_id(login, user_ids, db):
    """An FTTB repair order dispatched to techa."""
    from tests.test_sync import ORDER
    response = login("disp").post("/orders/new", {**ORDER, "access_type": "fttb", "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return next(iter(db.query("SELECT id FROM orders ORDER BY id DESC LIMIT 1")))["id"]


def test_the_server_holds_a_run_to_the_orders_access_type(phone, fttb_order_id, db):
    tech = phone("techa")
    as_ftth = record(tech, fttb_order_id, steps_of(("D0", "ftth"), ("D1", "678"), ("D678", "yes")), "check_ont_data",
                     playbook="dialup")
    assert as_ftth["status"] == "rejected" and "fttb" in as_ftth["error"]
    as_fttb = record(tech, fttb_order_id, steps_of(("D0", "fttb"), ("B6", "678")), "fttb_678", playbook="dialup",
                     note="楼道交换机没电")
    assert as_fttb["status"] == "applied"
    assert db.execute("SELECT COUNT(*) FROM desk_tasks").fetchone()[0] == 0


def runner_cases():
    """Every path of every tree (current and archived), a broken copy of each, and the access-type cases:
    [{version, playbook, steps, access_type, outcome (None = refused), path (the seed table's, current only)}]."""
    cases = []
    for data in [DATA, *engine.archive().values()]:
        for book in data["playbooks"]:
            for steps, outcome in engine.all_paths(data, book["id"]):
                case = {"version": data["version"], "playbook": book["id"], "steps": steps, "access_type": None,
                        "outcome": outcome, "path": None}
                if data is DATA:
                    case["path"], end = walk_table(book, steps)
                    assert end == f"={outcome}"
                broken = [dict(s) for s in steps]
                broken[-1] = {**broken[-1], "answer": "nonsense", "value": 999}
                cases += [case, {**case, "steps": broken, "outcome": None, "path": None}]
                asked = [s["answer"] for s in steps if data["nodes"][s["node"]].get("answers_from") == "access_type"]
                for access in ("ftth", "fttb", "enterprise") if asked else ():
                    holds = access == asked[0] or access == "enterprise"  # enterprise is not an answer there: any holds
                    cases.append({**case, "access_type": access, "outcome": outcome if holds else None,
                                  "path": case["path"] if holds else None})
    return cases


@pytest.mark.browser
def test_the_phones_runner_and_the_server_agree_on_every_path_of_the_seed_table(login, live_server, browser):
    """Every path walked in the phone's runner.js and on the server, against the seed table; runs of the
    archived version walked on the tree the phone keeps for them."""
    from tests.test_offline_browser import log_in
    page = browser.new_page()
    log_in(page, live_server, "techa")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    cases = runner_cases()
    phone = page.evaluate("""([data, cases]) => cases.map(c => {
        const tree = ONTrackRunner.treeFor(data, c.version);
        try { const r = ONTrackRunner.checkRun(tree, c.playbook, c.steps, c.access_type); return [r.outcome, r.path]; }
        catch (e) { if (e instanceof ONTrackRunner.Invalid) { return [null, null]; } throw e; } })""",
                          [{**DATA, "archive": engine.archive()}, cases])
    server = []
    for case in cases:
        try:
            server.append(engine.check_run(engine.tree(case["version"]), case["playbook"], case["steps"], case["access_type"]))
        except engine.InvalidRun:
            server.append(None)
    assert [outcome for outcome, _path in phone] == server == [c["outcome"] for c in cases]
    assert [path for (_o, path), c in zip(phone, cases) if c["path"]] == [c["path"] for c in cases if c["path"]]
    assert sum(1 for c in cases if c["access_type"] and c["outcome"] is None) > 20  # FTTH answers refused on FTTB orders...
    assert len(cases) > 1500


# ---- review of issue 16: a 678 whose optical signal turns out normal is the seed's "check the ONT data" ----

LEDS_NORMAL_TO_678 = steps_of(("H1", "on"), ("H2", "off"), ("H3", "on"), ("H4", "blinking"), ("H6", "error"), ("D1", "678"))


def test_no_path_says_los_pon_abnormal_unless_the_run_saw_it():
    """"Power is fine but LOS/PON is abnormal" goes into the closure reply; it may end only a run whose
    LOS flashed or whose PON was not steady (000 L23, L29, L31), never one reached through a 678."""
    for book in DATA["playbooks"]:
        for steps, end in paths(book["id"]):
            if end == "power_ok_light_abnormal":
                saw = {(s["node"], s["answer"]) for s in steps}
                assert saw & {("H2", "blinking"), ("H3", "blinking"), ("H3", "off")}, steps


@pytest.mark.parametrize("reading", [-20, -8, -25])
def test_678_with_a_reading_within_standard_asks_the_back_end_for_the_ont_data(reading):
    """000 L69: 678 — check the ONT's optical signal; normal → the back end checks the ONT's data."""
    steps = LEDS_NORMAL_TO_678 + [{"node": "D678", "answer": "no"}]
    power = engine.position(DATA, "ftth", steps)["node"]
    assert DATA["nodes"][power]["kind"] == "measure"
    assert engine.check_run(DATA, "ftth", steps + [{"node": power, "value": reading, **METER}]) == "check_ont_data"
    marginal = engine.position(DATA, "ftth", steps + [{"node": power, "value": -26.5, **METER}])["node"]
    assert engine.check_run(DATA, "ftth", steps + [{"node": power, "value": -26.5, **METER},
                                                   {"node": marginal, "answer": "no"}]) == "check_ont_data"
