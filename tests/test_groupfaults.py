"""Group faults (domain reference §5, §9.3 items 21–24): thresholds, timers, interception, recovery, bad input."""
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from webapp.auth.users import load_user
from webapp.db import transaction
from webapp.groupfaults import interception, registry, rules, timers
from webapp.orders import store
from webapp.sla import engine

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 23, 1, 0, tzinfo=datetime.timezone.utc)  # 09:00 in Shanghai
ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "周先生", "contact_phone": "13800000011", "district": "东城区"}


REPLY = {"phenomenon": "群障造成业务中断", "arrival_time": "", "cause": "主干光缆被挖断", "process": "已恢复",
         "equipment_replaced": "", "result": "recovered", "recovery_time": "", "classification": "group_fault"}


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def local_input(moment):
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def mapping_csv(rows):
    lines = ["宽带账号,OLT,PON口,ONU,区县,小区,楼栋"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def port_accounts(n, olt="OLT-DC-01", port="0/1/1", onu="ONU-7", community="幸福里小区", prefix="dc"):
    return [(f"{prefix}{i:05d}", olt, port, onu, "东城区", community, str(1 + i % 3)) for i in range(n)]


def upload(session, url, content, token="session", follow_redirects=False):
    """POST one CSV file as multipart/form-data built here: the test client would spool a big body to
    a temporary file it never closes (a ResourceWarning), so the body is handed over as bytes."""
    boundary = "----ontrack-test-boundary"
    token = session.token if token == "session" else token
    parts = []
    if token:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="file.csv"\r\n'
                 f'Content-Type: text/csv\r\n\r\n'.encode() + content + f"\r\n--{boundary}--\r\n".encode())
    return session.client.post(url, data=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}",
                               follow_redirects=follow_redirects)


def load_mapping(db, rows):
    from webapp.groupfaults import mapping
    return mapping.import_csv(db, io.BytesIO(mapping_csv(rows)))


def alarm(db, user_ids, affected=0, alarm_class="line", alarm_type="trunk_fibre_break", boundary="more_than", when=T0, **place):
    fields = {"alarm_class": alarm_class, "alarm_type": alarm_type, "olt": "OLT-DC-01", "pon_port": "0/1/1",
              "occurred_at": when, "services": ["personal_broadband"], **place}
    with transaction(db):
        fault_id = registry.create_alarm(db, fields, user_ids["disp"], when, SHANGHAI, boundary, affected_users=affected)
    return registry.get(db, fault_id)


def publish(db, user_ids, fault, when=T0, valid_minutes=240):
    with transaction(db):
        if fault["status"] == "alarm":
            registry.raise_fault(db, registry.get(db, fault["id"]), user_ids["disp"], when)
        registry.accept(db, registry.get(db, fault["id"]), user_ids["disp"], when)
        registry.save_announcement(db, registry.get(db, fault["id"]), {
            "cause": "主干光缆被挖断", "wording": "您所在区域光缆抢修中，预计两小时内恢复，请耐心等待。",
            "valid_until": when + datetime.timedelta(minutes=valid_minutes), "expected_recovery_at": when + datetime.timedelta(minutes=min(120, valid_minutes)),
            "services": ["personal_broadband"], "announcement": "东城区幸福里小区个人宽带因主干光缆被挖断造成网络中断"}, user_ids["disp"], when)
        counts = registry.publish(db, registry.get(db, fault["id"]), user_ids["disp"], when)
    return registry.get(db, fault["id"]), counts


def sweep(db, when):
    with transaction(db):
        engine.sweep(db, when)


def clock(db, fault_id, kind):
    rows = list(db.query("SELECT * FROM group_fault_clocks WHERE fault_id = ? AND kind = ? ORDER BY id DESC", [fault_id, kind]))
    return rows[0] if rows else None


def new_order(db, user_ids, when=T0, **fields):
    with transaction(db):
        return store.create_order(db, {**ORDER, **fields}, user_ids["disp"], when, SHANGHAI)


# ---- publication thresholds (§5.2, §9.3 item 22), both readings of the seed's boundary ----

@pytest.mark.parametrize("alarm_class, affected, boundary, suggest, auto_order", [
    ("onu", 10, "more_than", False, False), ("onu", 11, "more_than", True, False),
    ("onu", 9, "or_more", False, False), ("onu", 10, "or_more", True, False),
    ("onu", 50, "more_than", True, False), ("onu", 51, "more_than", True, True), ("onu", 50, "or_more", True, True),
    ("line", 50, "more_than", False, False), ("line", 51, "more_than", True, True),
    ("line", 49, "or_more", False, False), ("line", 50, "or_more", True, True),
    ("olt", 50, "more_than", False, False), ("olt", 51, "more_than", True, True),
    ("olt", 49, "or_more", False, False), ("olt", 50, "or_more", True, True),
    ("line", 11, "more_than", False, False),  # the 10-household rule is the ONU class's only
])
def test_publication_rules(alarm_class, affected, boundary, suggest, auto_order):
    advice = rules.advice(alarm_class, affected, boundary)
    assert (advice["suggest"], advice["auto_order"]) == (suggest, auto_order)


@pytest.mark.parametrize("boundary, affected, status, suggested", [
    ("more_than", 10, "alarm", 0), ("more_than", 11, "alarm", 1), ("more_than", 50, "alarm", 1), ("more_than", 51, "raised", 1),
    ("or_more", 9, "alarm", 0), ("or_more", 10, "alarm", 1), ("or_more", 49, "alarm", 1), ("or_more", 50, "raised", 1),
])
def test_the_desk_sees_the_rules_applied_to_an_onu_alarm(app, login, db, boundary, affected, status, suggested):
    app.config["GROUP_FAULT_BOUNDARY"] = boundary
    desk = login("disp")
    response = desk.post("/group-faults/alarms", {
        "alarm_class": "onu", "alarm_type": "onu_power_loss", "olt": "OLT-X", "pon_port": "0/2/3", "onu": "ONU-9",
        "affected_users": str(affected), "district": "东城区", "community": "和平里", "occurred_at": local_input(T0)})
    assert response.status_code == 303, response.text
    fault = next(iter(db.query("SELECT * FROM group_faults")))
    assert (fault["status"], fault["suggested"], fault["affected_users"]) == (status, suggested, affected)
    page = desk.get(response.headers["Location"]).text
    assert ("建议发布" in page or "自动" in page) == bool(suggested)
    assert bool(clock(db, fault["id"], "notify_company")) == bool(suggested)


def test_an_unknown_boundary_is_refused():
    with pytest.raises(ValueError):
        rules.advice("line", 60, "at_least")


# ---- timers (§5.2–§5.3, §9.3 item 24) ----

def _notify(db, user_ids, fault, when):
    with transaction(db):
        registry.notify_company(db, registry.get(db, fault["id"]), "代维王工", user_ids["disp"], when)


def _review(db, user_ids, fault, when):
    with transaction(db):
        registry.record_review(db, registry.get(db, fault["id"]), "继续观察", user_ids["disp"], when)


def _follow_up(db, user_ids, fault, when):
    with transaction(db):
        registry.record_follow_up(db, registry.get(db, fault["id"]), "抢修中", user_ids["disp"], when)


def _cancel(db, user_ids, fault, when):
    with transaction(db):
        registry.cancel(db, registry.get(db, fault["id"]), load_user(db, user_ids["disp"]), when, SHANGHAI, REPLY)


def _raised(db, user_ids):
    return alarm(db, user_ids, affected=60)


def _published(db, user_ids):
    return publish(db, user_ids, alarm(db, user_ids, affected=60))[0]


def _recovered(db, user_ids):
    fault = _published(db, user_ids)
    with transaction(db):
        registry.recover(db, fault, at(30), user_ids["disp"], at(31))
    return registry.get(db, fault["id"])


@pytest.mark.parametrize("kind, make, started, minutes, record", [
    ("notify_company", _raised, 0, 15, _notify),
    ("desk_review", _raised, 0, 15, _review),
    ("follow_up", _published, 0, 30, _follow_up),
    ("cancel_interception", _recovered, 30, 10, _cancel),
])
def test_each_timer_falls_due_on_time_and_is_met_when_done_in_time(db, user_ids, kind, make, started, minutes, record):
    fault = make(db, user_ids)
    running = clock(db, fault["id"], kind)
    assert running["due_at"] == at(started + minutes).strftime("%Y-%m-%dT%H:%M:%SZ")
    sweep(db, at(started + minutes) - datetime.timedelta(seconds=1))
    assert clock(db, fault["id"], kind)["breached_at"] is None
    sweep(db, at(started + minutes))  # the SLA sweep runs the group-fault timers too
    assert clock(db, fault["id"], kind)["breached_at"] is not None
    assert any(c["kind"] == kind for c in timers.overdue(db, at(started + minutes)))

    # Done in time, the clock is met; the repeating ones start their next round.
    fault = make(db, user_ids)
    record(db, user_ids, fault, at(started + minutes - 1))
    met = [c for c in timers.clocks_of(db, fault["id"]) if c["kind"] == kind]
    assert met[-1]["stopped_at"] is not None or kind in timers.REPEATING
    assert all(c["breached_at"] is None for c in met)
    if kind in timers.REPEATING:
        assert clock(db, fault["id"], kind)["due_at"] == at(started + 2 * minutes - 1).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_fault_expires_at_the_end_of_its_validity_and_held_orders_go_back_to_dispatch(db, user_ids):
    load_mapping(db, port_accounts(60))
    fault, _ = publish(db, user_ids, alarm(db, user_ids), valid_minutes=90)
    order_id = new_order(db, user_ids, at(5), broadband_account="dc00003")
    with pytest.raises(store.Refused):
        store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], at(6), SHANGHAI)
    sweep(db, at(89))
    assert registry.get(db, fault["id"])["status"] == "published"
    sweep(db, at(90))
    assert registry.get(db, fault["id"])["status"] == "expired"
    assert interception.active_link(db, order_id) is None
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], at(91), SHANGHAI)
    assert store.get_order(db, order_id, load_user(db, user_ids["disp"]))["state"] == "dispatched"


# ---- where faults come from and whom they cover (§5.5) ----

def test_affected_users_and_the_place_come_from_the_mapping(db, user_ids):
    load_mapping(db, port_accounts(60) + port_accounts(5, port="0/1/2", prefix="other"))
    fault = alarm(db, user_ids, affected=3)  # the platform's own count is used only without a mapping
    assert (fault["affected_users"], fault["affected_source"]) == (60, "mapping")
    assert (fault["district"], fault["community"]) == ("东城区", "幸福里小区")
    assert (fault["status"], fault["auto_order"]) == ("raised", 1)


@pytest.mark.parametrize("fields, matched_on", [
    ({"broadband_account": "dc00007"}, "account"),                  # no OLT on the order: found through the mapping
    ({"olt": "OLT-DC-01", "pon_port": "0/1/1"}, "pon_port"),
    ({"olt": "OLT-DC-01", "pon_port": "0/1/9"}, None),              # another port of the same OLT
    ({"community": "幸福里小区", "building": "2"}, "address"),       # nothing known of the network: the address
    ({"broadband_account": "other00001"}, None),                    # mapped to another port
    ({"community": "幸福里小区", "broadband_account": "other00001"}, None),  # known elsewhere in the network: not by address
])
def test_which_new_orders_are_intercepted(db, user_ids, fields, matched_on):
    load_mapping(db, port_accounts(60) + port_accounts(5, port="0/1/2", prefix="other"))
    publish(db, user_ids, alarm(db, user_ids))
    order_id = new_order(db, user_ids, at(1), **fields)
    link = interception.active_link(db, order_id)
    assert (link and link["matched_on"]) == matched_on
    if matched_on:
        assert link["kind"] == "intercepted"


def test_an_onu_fault_covers_only_that_onu(db, user_ids):
    load_mapping(db, port_accounts(12, onu="ONU-7") + port_accounts(12, onu="ONU-8", prefix="b"))
    fault = alarm(db, user_ids, alarm_class="onu", alarm_type="onu_power_loss", onu="ONU-7")
    assert (fault["affected_users"], fault["status"], fault["suggested"]) == (12, "alarm", 1)
    publish(db, user_ids, fault)
    assert interception.active_link(db, new_order(db, user_ids, at(1), broadband_account="dc00001"))["matched_on"] == "account"
    assert interception.active_link(db, new_order(db, user_ids, at(1), broadband_account="b00001")) is None


def test_open_orders_in_the_area_are_flagged_and_the_phone_gets_the_wording(app, db, user_ids, phone, login):
    load_mapping(db, port_accounts(60))
    desk = load_user(db, user_ids["disp"])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    dispatched = new_order(db, user_ids, now, broadband_account="dc00001")
    store.assign(db, dispatched, desk, user_ids["techa"], now, SHANGHAI)
    waiting = new_order(db, user_ids, now, olt="OLT-DC-01", pon_port="0/1/1")
    device = phone("techa")
    assert device.pull(cursor=None)["changes"][0]["data"]["group_fault"] is None
    fault, counts = publish(db, user_ids, alarm(db, user_ids, when=now), when=now)
    assert counts == {"intercepted": 1, "flagged": 1}
    assert interception.active_link(db, waiting)["kind"] == "intercepted"
    changes = [c for c in device.pull()["changes"] if c["table"] == "orders"]
    assert [c["id"] for c in changes] == [dispatched]
    banner = changes[0]["data"]["group_fault"]
    assert banner["wording"].startswith("您所在区域光缆抢修中") and banner["kind"] == "flagged"
    assert banner["expected_recovery_at"] == fault["expected_recovery_at"]
    with transaction(db):
        registry.recover(db, registry.get(db, fault["id"]), now, user_ids["disp"], now)
        registry.cancel(db, registry.get(db, fault["id"]), desk, now, SHANGHAI, REPLY)
    changes = [c for c in device.pull()["changes"] if c["table"] == "orders"]
    assert changes[0]["data"]["group_fault"] is None


# ---- the whole story through the desk's pages (§5.3) ----

def test_sixty_users_down_to_interception_cancelled_and_callbacks(app, login, db, user_ids):
    desk = login("disp")
    accounts = port_accounts(60)
    response = upload(desk, "/group-faults/mapping", mapping_csv(accounts))
    assert response.status_code == 303
    assert "60" in desk.get("/group-faults/").text

    # The alarm: 60 users under one PON port → the group-fault order is raised by itself.
    now = datetime.datetime.now(SHANGHAI)
    response = desk.post("/group-faults/alarms", {"alarm_class": "line", "alarm_type": "olt_pon_signal_loss",
                                                  "olt": "OLT-DC-01", "pon_port": "0/1/1", "occurred_at": local_input(now)})
    fault_url = response.headers["Location"]
    fault = next(iter(db.query("SELECT * FROM group_faults")))
    assert (fault["status"], fault["auto_order"], fault["affected_users"]) == ("raised", 1, 60)

    assert desk.post(fault_url + "/publish", {}).status_code == 409  # not accepted yet
    assert desk.post(fault_url + "/accept", {}).status_code == 303
    announcement = {"district": "东城区", "community": "幸福里小区", "services": ["personal_broadband", "wlan"],
                    "cause": "主干光缆被挖断", "wording": "您好，您所在的幸福里小区因光缆抢修暂时无法上网，预计今天18点前恢复。",
                    "valid_until": local_input(now + datetime.timedelta(hours=6)),
                    "expected_recovery_at": local_input(now + datetime.timedelta(hours=2)),
                    "announcer": "调度员 甲", "announcer_phone": "13800000000", "department": "客响中心", "city": "北京"}
    missing = desk.post(fault_url + "/announcement", {**announcement, "wording": ""})
    assert missing.status_code == 422 and "解释口径" in missing.text
    draft = desk.post(fault_url + "/announcement", {**announcement, "draft": "1"})
    assert "东城区幸福里小区" in draft.text and "主干光缆被挖断" in draft.text and "受影响用户数：60" in draft.text
    assert desk.post(fault_url + "/announcement", announcement).status_code == 303
    assert desk.post(fault_url + "/publish", {}).status_code == 303
    assert registry.get(db, fault["id"])["status"] == "published"

    # 20 callers from that PON port: each order linked, the wording shown, dispatch held.
    order_ids = []
    for account, *_ in accounts[:20]:
        check = desk.get(f"/group-faults/check?broadband_account={account}")
        assert "光缆抢修" in check.text
        response = desk.post("/orders/new", {**ORDER, "broadband_account": account, "technician_id": str(user_ids["techa"])})
        order_id = int(response.headers["Location"].rsplit("/", 1)[1])
        order_ids.append(order_id)
    page = desk.get(f"/orders/{order_ids[0]}").text
    assert "幸福里小区因光缆抢修" in page
    assert {r["state"] for r in db.query(f"SELECT state FROM orders WHERE id IN ({','.join(map(str, order_ids))})")} == {"created"}
    refused = desk.post(f"/orders/{order_ids[0]}/act/dispatch", {"technician_id": str(user_ids["techa"])})
    assert refused.status_code == 409 and "派单暂停" in refused.text
    assert registry.figures(db, datetime.datetime.now(datetime.timezone.utc))["intercepted"] == 20
    console = desk.get("/dispatch/").text
    assert '<b>20</b> 张工单被拦截' in console
    assert console.count("群障：派单暂停") == 20

    # Recovery, then the interception is cancelled within 10 minutes; one customer is still down.
    assert desk.post(fault_url + "/recover", {"recovered_at": local_input(datetime.datetime.now(SHANGHAI))}).status_code == 303
    response = desk.post(fault_url + "/cancel", {"reply": "光缆已修复，业务恢复。", "still_down": [str(order_ids[-1])]})
    assert response.status_code == 303
    ended = registry.get(db, fault["id"])
    assert ended["status"] == "cancelled"
    cancel_clock = clock(db, fault["id"], "cancel_interception")
    assert cancel_clock["stopped_at"] <= cancel_clock["due_at"] and cancel_clock["breached_at"] is None
    closed = list(db.query(f"SELECT * FROM orders WHERE id IN ({','.join(map(str, order_ids[:-1]))})"))
    assert {o["state"] for o in closed} == {"returned"}
    assert all("光缆已修复" in o["closure"] for o in closed)
    callbacks = list(db.query(f"SELECT * FROM callbacks WHERE order_id IN ({','.join(map(str, order_ids))})"))
    assert len(callbacks) == 19 and {c["status"] for c in callbacks} == {"due"}
    assert desk.post(f"/orders/{order_ids[-1]}/act/dispatch", {"technician_id": str(user_ids["techa"])}).status_code == 303
    figures = registry.figures(db, datetime.datetime.now(datetime.timezone.utc))
    assert figures["intercepted"] == 0 and figures["minutes_to_cancel"] is not None and figures["minutes_to_cancel"] <= 10


# ---- bad input and access ----

def test_bad_files_get_a_clear_message_and_keep_what_was_there(app, login, db):
    desk = login("disp")
    good = upload(desk, "/group-faults/mapping", mapping_csv(port_accounts(3)))
    assert good.status_code == 303
    for body in (b"account,olt\nx,y\n", b"\xff\xfe\x00garbage", b""):
        response = upload(desk, "/group-faults/mapping", body, follow_redirects=True)
        assert response.status_code == 200
        assert "映射" in response.text
    assert db.execute("SELECT COUNT(*) FROM account_map").fetchone()[0] == 3

    alarms = ("告警编号,告警类型,OLT名称,PON口,影响用户数,发生时间\n"
              "A1,主干光纤断,OLT-1,0/1/1,80,2026-11-30 08:00\n"
              "A2,不存在的告警,OLT-1,0/1/2,80,2026-11-30 08:00\n"
              "A3,ONU掉电,OLT-1,0/1/3,很多,2026-11-30 08:00\n"
              "A4,板卡状态异常,OLT-2,0/3/1,12,昨天\n").encode()
    response = upload(desk, "/group-faults/alarms/import", alarms, follow_redirects=True)
    assert response.status_code == 200 and "第 3 行" in response.text and "第 4 行" in response.text and "第 5 行" in response.text
    again = upload(desk, "/group-faults/alarms/import", alarms, follow_redirects=True)
    assert again.status_code == 200
    assert [(f["alarm_ref"], f["status"], f["alarm_class"]) for f in db.query("SELECT * FROM group_faults")] == [("A1", "raised", "line")]
    assert desk.post("/group-faults/alarms", {"alarm_class": "onu", "alarm_type": "trunk_fibre_break", "olt": "X",
                                              "occurred_at": "2026-11-30T08:00"}, follow_redirects=True).status_code == 200
    assert desk.post("/group-faults/999/accept", {}).status_code == 404
    assert desk.post("/group-faults/1/explode", {}).status_code == 404


def test_technicians_cannot_use_the_desk(login):
    tech = login("techa")
    assert tech.get("/group-faults/").status_code == 403
    assert tech.post("/group-faults/alarms", {}).status_code == 403
    assert tech.get("/group-faults/check?olt=x").status_code == 403


def test_a_city_sized_mapping_uploads_past_the_form_limit_but_still_needs_the_csrf_token(app, login, db):
    desk = login("disp")
    body = mapping_csv(port_accounts(60000))
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(desk, "/group-faults/mapping", body)
    assert response.status_code == 303
    assert db.execute("SELECT COUNT(*) FROM account_map").fetchone()[0] == 60000
    forged = upload(desk, "/group-faults/mapping", mapping_csv(port_accounts(2)), token=None, follow_redirects=True)
    # the refusal says why: the form's token, not the file (review r11: it said "choose a CSV file")
    assert forged.status_code == 200 and "请选择要导入的 CSV 文件" not in forged.text
    assert "表单已过期或来源无效" in forged.text
    assert db.execute("SELECT COUNT(*) FROM account_map").fetchone()[0] == 60000


def test_refusals_name_the_status_in_words(login, db, user_ids):
    fault = alarm(db, user_ids, affected=60)
    response = login("disp").post(f"/group-faults/{fault['id']}/follow_up", {"note": "x"})
    assert response.status_code == 409 and "群障发布后才需要跟进进展" in response.text
    response = login("disp").post(f"/group-faults/{fault['id']}/raise", {})
    assert response.status_code == 409 and "群障告警单，待受理" in response.text
