"""Issue 15 item 5 (server side): the technician's notices ride on the sync pull, one per event,
and "mark all read" is a sync mutation that touches only their own notices."""
import datetime

from webapp.db import transaction
from webapp.sla import engine, notices as sla_notices
from webapp.timeutil import utcnow
from tests.test_offline_browser import dispatch_order


def sweep_later(db, days=30):
    """Run the SLA sweep far past every deadline: each clock warns and breaches in the same minute."""
    with transaction(db):
        return engine.sweep(db, utcnow() + datetime.timedelta(days=days))


def test_a_warning_and_a_breach_of_one_order_in_one_minute_are_one_line_on_the_pull(app, db, user_ids, phone):
    first, _ = dispatch_order(app, user_ids)
    second, _ = dispatch_order(app, user_ids)
    dispatch_order(app, user_ids, technician="techb")
    warnings, breaches = sweep_later(db)
    assert warnings >= 3 and breaches >= 3
    body = phone("techa").pull()
    events = [e for e in body["notices"] if e["kinds"][0] in ("warning", "breach")]  # not the dispatch's "assigned"
    assert sorted(e["order_id"] for e in events) == [first, second], "one line per order and minute, only techa's"
    stored = {row["order_id"]: row["n"] for row in db.query(
        "SELECT order_id, COUNT(*) AS n FROM notices WHERE user_id = ? AND kind IN ('warning', 'breach') GROUP BY order_id", [user_ids["techa"]])}
    for event in events:
        assert sorted(event["ids"]) == event["ids"] and len(event["ids"]) == stored[event["order_id"]]
        assert event["kinds"] == ["warning"] and not event["read"]


def row(notice_id, kind, at, order_id=7, policy="first_response", read_at=None):
    return {"id": notice_id, "order_id": order_id, "order_no": "GZ7", "customer_name": "钱女士", "kind": kind,
            "policy_code": policy, "title": "", "created_at": at, "read_at": read_at}


def test_events_fold_a_warning_and_a_breach_of_the_same_minute_and_keep_other_minutes_apart():
    events = sla_notices.group_events([
        row(1, "warning", "2026-11-30T03:10:02Z"), row(2, "breach", "2026-11-30T03:10:40Z", policy="repair"),
        row(3, "warning", "2026-11-30T03:11:00Z"), row(4, "warning", "2026-11-30T03:10:05Z", order_id=8)])
    assert [(e["order_id"], e["ids"], e["kinds"]) for e in events] == [
        (7, [3], ["warning"]), (8, [4], ["warning"]), (7, [1, 2], ["breach", "warning"])]
    assert events[2]["policies"] == ["first_response", "repair"]
    half_read = sla_notices.group_events([row(1, "warning", "2026-11-30T03:10Z", read_at="x"), row(2, "breach", "2026-11-30T03:10Z")])
    assert half_read[0]["read"] is False


def test_mark_all_read_is_a_mutation_that_marks_only_ones_own(app, db, user_ids, phone):
    dispatch_order(app, user_ids)
    dispatch_order(app, user_ids, technician="techb")
    sweep_later(db)
    techa, techb = phone("techa"), phone("techb")
    mine = [i for e in techa.pull()["notices"] for i in e["ids"]]
    theirs = [i for e in techb.pull()["notices"] for i in e["ids"]]
    response = techa.push([techa.mutation("notices.mark_read", {"ids": mine + theirs})])
    assert response.json["results"][0] == {"seq": 1, "status": "applied", "marked": len(mine)}
    assert all(e["read"] for e in techa.pull()["notices"])
    assert not any(e["read"] for e in techb.pull(None)["notices"]), "another technician's notices stay unread"
    bad = techa.push([techa.mutation("notices.mark_read", {"ids": ["1; DROP"]})]).json["results"][0]
    assert bad["status"] == "rejected" and "notice" in bad["error"].lower() or "通知" in bad["error"]


def test_a_technician_opening_the_old_notices_page_lands_in_the_phone_app(login):
    response = login("techa").get("/notices")
    assert response.status_code == 303 and response.headers["Location"].endswith("/jobs/notices")
    page = login("techa").get("/jobs/notices")
    assert page.status_code == 200 and page.headers["X-ONTrack-Shell"].isdigit()


def desk_row(notice_id, kind, at, detail, order_id=7):
    return {**row(notice_id, kind, at, order_id=order_id, policy=""), "detail": detail}


def test_desk_changes_are_lines_of_their_own_latest_first_with_the_desks_action():
    events = sla_notices.group_events([
        row(1, "warning", "2026-11-30T03:10:02Z"),
        desk_row(2, "assigned", "2026-11-30T03:10:05Z", "dispatch"),
        desk_row(3, "reassigned", "2026-11-30T03:10:30Z", "reassign"),
        desk_row(4, "changed", "2026-11-30T03:12:00Z", "suspend")])
    assert [(e["ids"], e["kinds"], e["details"], e["policies"]) for e in events] == [
        ([4], ["changed"], ["suspend"], []),
        ([2, 3], ["reassigned", "assigned"], ["reassign", "dispatch"], []),  # where the order stands now leads
        ([1], ["warning"], [], ["first_response"])]  # an SLA clock is never folded into a desk change


def test_the_pull_carries_a_reassignment_in_both_technicians_notices_with_the_action(app, db, user_ids, phone):
    order_id, desk = dispatch_order(app, user_ids)
    assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])}).status_code == 303
    techa = [(e["kinds"], e["details"]) for e in phone("techa").pull()["notices"] if e["order_id"] == order_id]
    techb = [(e["kinds"], e["details"]) for e in phone("techb").pull()["notices"] if e["order_id"] == order_id]
    assert techa == [(["reassigned", "assigned"], ["reassign", "dispatch"])]
    assert techb == [(["assigned"], ["reassign"])]
