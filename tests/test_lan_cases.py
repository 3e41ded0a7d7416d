"""The §2.9 enterprise LAN checks in the guide (issue 21 item 14; domain reference §2.9, §7.5, seed
003_80ad9b14419477b7.txt L483): duplicate router LAN addresses, DHCP on cascaded routers, two uplinks on
one VLAN. The guide validates (every branch is a row of tests/playbook_table.py quoting its seed line, checked
by tests/test_playbooks.py); here: each case's run reaches the seed's fix, on the engine and on the server
for an enterprise order, and the phone is offered the guide for enterprise orders."""
import uuid

import pytest

from tests.playbook_table import GOES_TO, RESOLVED, SEEDS, TABLE
from tests.test_playbooks import SEED_LINES, steps_of
from webapp.playbooks import engine

DATA = engine.load()
CASE_A = steps_of(("LC1", "drops"), ("LA1", "yes"), ("LA2", "same"), ("LA3", "on"))
CASE_B = steps_of(("LC1", "storm"), ("LB1", "yes"), ("LB2", "yes"), ("LB3", "yes"))


def test_the_guide_holds_the_lan_cases_for_enterprise_orders_with_their_seed_lines():
    book = engine.playbook(DATA, "lan_cases")
    assert book["source"] == "§2.9" and book["suggest"] == {"access_type": ["enterprise"]}
    nodes = {node_id for node_id, node in DATA["nodes"].items() if node["playbook"] == "lan_cases"}
    rows = [row for row in TABLE if row.node in nodes]
    assert {row.node for row in rows} == nodes and all(row.seed == "003" and row.line == 483 for row in rows)
    assert all(row.quote in SEED_LINES["003"][482] for row in rows)
    assert SEEDS["003"] == "003_80ad9b14419477b7.txt"
    # the seed's own numbers are in the questions and the fix
    assert "192.168.1.1" in DATA["nodes"]["LA2"]["ask"]["zh"]
    assert "1000" in DATA["nodes"]["LB1"]["ask"]["zh"] and "70%" in DATA["nodes"]["LB1"]["ask"]["zh"]
    assert "30 ms" in DATA["nodes"]["LB2"]["ask"]["zh"]
    fix = DATA["outcomes"]["cascaded_router_clash"]["text"]
    assert "192.168.100.1" in fix["zh"] and "192.168.200.1" in fix["zh"] and "DHCP" in fix["en"] and "two days" in fix["en"]


@pytest.mark.parametrize("steps, outcome", [
    (CASE_A, "cascaded_router_clash"),                                                        # the seed's case A
    (CASE_A[:3] + steps_of(("LA3", "off")), "cascaded_router_address"),                       # same address, DHCP off
    (CASE_A[:2] + steps_of(("LA2", "different"), ("LA4", "on")), "cascaded_router_dhcp"),     # DHCP alone
    (CASE_A[:2] + steps_of(("LA2", "different"), ("LA4", "off")), "not_covered"),             # neither: the seed is silent
    (CASE_A[:1] + steps_of(("LA1", "no")), "not_covered"),
    (CASE_B, "second_uplink_storm"),                                                          # the seed's case B
    (CASE_B[:3] + steps_of(("LB3", "no")), "not_covered"),                                    # case C is cut off in the seed
    (CASE_B[:2] + steps_of(("LB2", "no")), "not_covered"),
    (CASE_B[:1] + steps_of(("LB1", "no")), "not_covered"),
    (steps_of(("LC1", "neither"), ("L1", "no")), "lan_cable"),                                # on to the §2.7 checks
])
def test_each_case_reaches_its_conclusion(steps, outcome):
    assert engine.check_run(DATA, "lan_cases", steps, "enterprise") == outcome
    node = "LC1"
    for step in steps:  # the seed table agrees, branch by branch
        node = GOES_TO[(node, step["answer"])].lstrip("=")
    assert node == outcome


def test_only_the_seeds_own_fixes_are_marked_resolved():
    assert {"cascaded_router_clash", "second_uplink_storm"} <= set(RESOLVED)
    for outcome in ("cascaded_router_clash", "second_uplink_storm"):
        assert DATA["outcomes"][outcome]["resolved"] is True
    for outcome in ("cascaded_router_address", "cascaded_router_dhcp"):  # the project's reading: not "recovered"
        assert not DATA["outcomes"][outcome].get("resolved")
    for node, answer in (("LA3", "off"), ("LA4", "on"), ("LC1", "neither")):
        did = DATA["nodes"][node]["answers"][answer]["did"]
        assert "[综合]" in did["zh"] and "[synthesis]" in did["en"]


@pytest.mark.parametrize("steps, why", [
    (CASE_A[:3] + steps_of(("LA3", "maybe")), "not an answer"),
    (CASE_A[:3], "without a conclusion"),
    (steps_of(("LA1", "yes")), "should be LC1"),
])
def test_runs_that_could_not_have_happened_are_refused(steps, why):
    with pytest.raises(engine.InvalidRun, match=why):
        engine.check_run(DATA, "lan_cases", steps)


@pytest.fixture
def enterprise_order_id(login, user_ids):
    from tests.test_enterprise import LINE
    response = login("disp").post("/orders/new", {**LINE, "technician_id": str(user_ids["techa"])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def record(phone, order_id, steps, outcome):
    return phone.push([phone.mutation("order.record_run", {
        "order_id": order_id, "run_id": str(uuid.uuid4()), "playbook": "lan_cases", "version": DATA["version"],
        "steps": steps, "outcome": outcome})]).json["results"][0]


def test_a_run_through_case_a_is_kept_and_shown_to_the_desk(login, phone, enterprise_order_id, db):
    tech = phone("techa")
    wrong = record(tech, enterprise_order_id, CASE_A, "second_uplink_storm")
    assert wrong["status"] == "rejected" and "cascaded_router_clash" in wrong["error"]
    assert record(tech, enterprise_order_id, CASE_A, "cascaded_router_clash")["status"] == "applied"
    run = next(iter(db.query("SELECT * FROM diagnostic_runs")))
    assert run["playbook"] == "lan_cases" and run["outcome"] == "cascaded_router_clash"
    page = login("disp").get(f"/orders/{enterprise_order_id}").text
    assert "192.168.100.1" in page and "级联路由器" in page
    reference = next(c["data"] for c in tech.pull(cursor=None)["changes"]
                     if c["table"] == "reference" and c["id"] == "playbooks")
    assert reference["version"] == DATA["version"] and "LB3" in reference["nodes"]
