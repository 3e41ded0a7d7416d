"""The state machine, table-driven: every allowed and every refused transition (domain reference §6.12, §9.2 #11)."""
import itertools

import pytest

from webapp.orders.lifecycle import ACTIONS, STATES, Refused, allowed_actions, check

# Written out by hand from the issue and §6.12, so that a change to lifecycle.py that
# allows or forbids something new makes this test fail.
ALLOWED = {
    "dispatch": {"created", "rejected", "unsolved"},
    "reassign": {"dispatched", "accepted", "appointed", "en_route"},
    "accept": {"dispatched"},
    "reject": {"dispatched", "accepted", "appointed"},
    "make_appointment": {"accepted", "appointed"},
    "depart": {"appointed"},
    "arrive": {"appointed", "en_route"},
    "suspend": {"accepted", "appointed", "en_route", "on_site"},
    "resume": {"suspended"},
    "restore": {"on_site"},
    "return": {"restored"},
    "mark_unsolved": {"on_site", "restored"},
    "close": {"returned", "unsolved"},
    "reopen": {"returned", "closed"},
    "reply_group_fault": {"created", "rejected"},  # an intercepted order answered after a group fault (§5.3)
    # Withdrawn by the system that raised it (issue 19), until the technician is on site.
    "cancel": {"created", "rejected", "dispatched", "accepted", "appointed", "en_route", "suspended"},
    # issue 21 item 4: the desk finishes orders nobody needs to visit
    "cancel_duplicate": {"created", "rejected", "dispatched", "accepted", "appointed"},
    "close_remotely": {"created", "rejected", "dispatched", "accepted", "appointed"},
    "return_to_queue": {"dispatched", "accepted", "appointed"},
}
TARGET = {"dispatch": "dispatched", "reassign": "dispatched", "accept": "accepted", "reject": "rejected",
          "make_appointment": "appointed", "depart": "en_route", "arrive": "on_site", "suspend": "suspended",
          "restore": "restored", "return": "returned", "mark_unsolved": "unsolved", "close": "closed",
          "reopen": "closed", "reply_group_fault": "returned", "cancel": "cancelled", "cancel_duplicate": "cancelled",
          "close_remotely": "returned", "return_to_queue": "rejected"}
ROLE_FOR = {"dispatch": "dispatcher", "reassign": "dispatcher", "suspend": "supervisor", "close": "dispatcher",
            "reopen": "supervisor", "resume": "technician", "mark_unsolved": "technician", "reply_group_fault": "dispatcher",
            "cancel": "dispatcher", "cancel_duplicate": "dispatcher", "close_remotely": "dispatcher", "return_to_queue": "supervisor"}
CLOSURE = {"phenomenon": "LOS flashing", "arrival_time": "2026-11-23 09:10", "cause": "drop cable bent",
           "process": "re-terminated both ends", "equipment_replaced": "none", "result": "recovered",
           "recovery_time": "2026-11-23 09:50", "holder_informed": True}
FIELDS = {"technician_id": 7, "reason": "customer moved the visit", "appointment_start": "a", "appointment_end": "b",
          "customer_consent": "agreed by phone 09:00", "approver_id": 3, "closure": CLOSURE,
          "resume_state": "on_site", "access_type": "ftth", "duplicate_of": "WO-20261130-0001"}


def test_the_table_covers_every_action():
    assert set(ALLOWED) == set(ACTIONS)


@pytest.mark.parametrize("action,state", list(itertools.product(sorted(ALLOWED), STATES)))
def test_every_transition_is_allowed_or_refused_as_the_reference_says(action, state):
    role = ROLE_FOR.get(action, "technician")
    if state in ALLOWED[action]:
        expected = "on_site" if action == "resume" else TARGET[action]
        assert check(action, state, role, is_assignee=True, fields=FIELDS) == expected
    else:
        with pytest.raises(Refused) as refused:
            check(action, state, role, is_assignee=True, fields=FIELDS)
        assert "cannot be" in refused.value.message
        assert refused.value.params["state"] == state


@pytest.mark.parametrize("action", ["dispatch", "reassign", "suspend", "close", "reopen", "cancel"])
def test_technicians_cannot_do_dispatcher_work(action):
    state = sorted(ALLOWED[action])[0]
    with pytest.raises(Refused, match="Your role may not"):
        check(action, state, "technician", is_assignee=True, fields=FIELDS)


@pytest.mark.parametrize("action", ["accept", "make_appointment", "depart", "arrive", "restore", "return", "reject"])
def test_dispatchers_do_not_act_for_the_technician(action):
    state = sorted(ALLOWED[action])[0]
    with pytest.raises(Refused, match="Your role may not"):
        check(action, state, "dispatcher", is_assignee=False, fields=FIELDS)


def test_a_technician_acts_only_on_their_own_order():
    with pytest.raises(Refused, match="not assigned to you"):
        check("accept", "dispatched", "technician", is_assignee=False)


@pytest.mark.parametrize("action,state,missing", [
    ("reject", "dispatched", "reason"),
    ("reopen", "closed", "reason"),
    ("dispatch", "created", "technician_id"),
    ("suspend", "on_site", "customer_consent"),
    ("suspend", "on_site", "approver_id"),
    ("make_appointment", "accepted", "appointment_start"),
    ("mark_unsolved", "on_site", "reason"),
    ("return", "restored", "closure"),
])
def test_required_fields_are_required(action, state, missing):
    fields = {k: v for k, v in FIELDS.items() if k != missing}
    with pytest.raises(Refused, match="required") as refused:
        check(action, state, ROLE_FOR.get(action, "technician"), is_assignee=True, fields=fields)
    assert refused.value.params["field"] == missing


def test_a_blank_reason_is_no_reason():
    with pytest.raises(Refused):
        check("reject", "dispatched", "technician", is_assignee=True, fields={"reason": "   "})


def test_changing_an_appointment_needs_a_reason():
    fields = {**FIELDS, "reason": ""}
    assert check("make_appointment", "accepted", "technician", is_assignee=True, fields=fields) == "appointed"
    with pytest.raises(Refused, match="Changing an appointment"):
        check("make_appointment", "appointed", "technician", is_assignee=True, fields=fields)


@pytest.mark.parametrize("field", ["phenomenon", "arrival_time", "cause", "process", "equipment_replaced",
                                   "result", "recovery_time"])
def test_the_closure_reply_needs_every_template_field(field):
    closure = {**CLOSURE, field: ""}
    with pytest.raises(Refused, match="missing") as refused:
        check("return", "restored", "technician", is_assignee=True, fields={**FIELDS, "closure": closure})
    assert field in refused.value.params["fields"]


def test_home_orders_record_that_the_account_holder_was_told():
    closure = {**CLOSURE, "holder_informed": False}
    with pytest.raises(Refused, match="account holder"):
        check("return", "restored", "technician", is_assignee=True, fields={**FIELDS, "closure": closure})


CONFIRMED = {"confirmed_by": "客服 李娜", "confirmed_at": "2026-11-23 10:05"}


@pytest.mark.parametrize("confirmation,ok", [("customer", True), ("nms", True), (None, False), ("phoned", False)])
def test_enterprise_orders_need_restoration_confirmed(confirmation, ok):
    fields = {**FIELDS, "access_type": "enterprise", "closure": {**CLOSURE, **CONFIRMED, "confirmation": confirmation}}
    if ok:
        assert check("return", "restored", "technician", is_assignee=True, fields=fields) == "returned"
    else:
        with pytest.raises(Refused, match="enterprise"):
            check("return", "restored", "technician", is_assignee=True, fields=fields)


@pytest.mark.parametrize("by, at, ok", [
    ("客服 李娜", "2026-11-23 10:05", True),
    ("网管值班 王强", "2026-11-23 09:50", True),    # at the recovery time itself
    ("客服 李娜", "2026-11-23 09:49", False),        # a minute before the recovery: not a confirmation of it
    ("", "2026-11-23 10:05", False), ("客服 李娜", "", False),
])
def test_enterprise_restoration_is_confirmed_by_someone_at_a_time(by, at, ok):
    """§7.4 #9, §9.2 item 16: who confirmed (customer service or the NMS duty officer) and when."""
    closure = {**CLOSURE, "confirmation": "customer", "confirmed_by": by, "confirmed_at": at}
    fields = {**FIELDS, "access_type": "enterprise", "closure": closure}
    if ok:
        assert check("return", "restored", "technician", is_assignee=True, fields=fields) == "returned"
    else:
        with pytest.raises(Refused):
            check("return", "restored", "technician", is_assignee=True, fields=fields)


def test_resume_returns_to_the_state_before_suspension():
    for before in ("accepted", "appointed", "en_route", "on_site"):
        assert check("resume", "suspended", "dispatcher", fields={"resume_state": before}) == before


def test_allowed_actions_lists_what_a_person_can_do():
    assert allowed_actions("dispatched", "technician", is_assignee=True) == ["accept", "reject"]
    assert allowed_actions("dispatched", "technician", is_assignee=False) == []
    assert set(allowed_actions("on_site", "dispatcher")) == {"suspend", "mark_unsolved"}
