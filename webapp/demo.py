"""Demo data: one city, its people, and about 300 orders spread over every state.

The orders are made by replaying real actions through the store at back-dated times, so
their timelines, SLA clocks and breaches are what the system itself would have recorded.
"""
import datetime
import random

from flask import current_app

from .auth.users import User, create_user
from .db import insert, one, transaction
from .orders import store
from .sla import engine

DEMO_PASSWORD = "ontrack-demo"
CITY = "示例市"
DISTRICTS = {
    "东城区": ["幸福里小区", "东湖花园", "实验中学", "锦绣家园"],
    "西城区": ["西苑小区", "金桥公寓", "师范学院", "阳光城"],
    "南湖区": ["南湖新村", "湖畔雅居", "第二中学", "翠竹苑"],
    "北山区": ["北山花园", "枫林小区", "工业园宿舍", "松鹤园"],
    "高新区": ["软件园", "科创大厦", "高新一小", "云谷公寓"],
}
TECHNICIANS = [
    ("tech1", "王建国", "东城区", "FTTH,FTTB"), ("tech2", "李明", "东城区", "FTTH,enterprise"),
    ("tech3", "张伟", "西城区", "FTTH,FTTB"), ("tech4", "刘洋", "西城区", "FTTH,Wi-Fi"),
    ("tech5", "陈强", "南湖区", "FTTH,FTTB,enterprise"), ("tech6", "杨磊", "南湖区", "FTTH"),
    ("tech7", "赵静", "北山区", "FTTH,Wi-Fi"), ("tech8", "黄海", "高新区", "FTTH,enterprise"),
]
STAFF = [("dispatch1", "调度员 周敏", "dispatcher"), ("dispatch2", "调度员 吴芳", "dispatcher"),
         ("admin", "主管 郑华", "supervisor")]
# How many of every 300 orders end in each state: a Monday morning with a backlog.
STATE_MIX = {"created": 25, "cancelled": 5, "dispatched": 35, "accepted": 30, "appointed": 45, "en_route": 15, "on_site": 25,
             "suspended": 8, "restored": 12, "returned": 40, "closed": 40, "rejected": 10, "unsolved": 10}
PATHS = {
    "created": [], "dispatched": ["dispatch"], "accepted": ["dispatch", "accept"],
    "appointed": ["dispatch", "accept", "make_appointment"],
    "en_route": ["dispatch", "accept", "make_appointment", "depart"],
    "on_site": ["dispatch", "accept", "make_appointment", "depart", "arrive"],
    "suspended": ["dispatch", "accept", "make_appointment", "depart", "arrive", "suspend"],
    "restored": ["dispatch", "accept", "make_appointment", "depart", "arrive", "restore"],
    "returned": ["dispatch", "accept", "make_appointment", "depart", "arrive", "restore", "return"],
    "closed": ["dispatch", "accept", "make_appointment", "depart", "arrive", "restore", "return", "close"],
    "rejected": ["dispatch", "reject"],
    "cancelled": ["dispatch", "cancel"],
    "unsolved": ["dispatch", "accept", "make_appointment", "depart", "arrive", "mark_unsolved"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
ONT_MODELS = ["Huawei HG8245H", "Huawei HG8546M", "ZTE F660", "ZTE F663N", "FiberHome AN5506-04-F", "Nokia G-140W"]


def load_demo(db, order_count, now, tz, seed=20261122):
    """Create the demo people and orders; return a one-line summary."""
    if current_app.config.get("ENV_NAME") == "production":
        raise RuntimeError("demo data is for demo and development databases only")
    rng = random.Random(seed)
    with transaction(db):
        for name in DISTRICTS:
            insert(db, "districts", {"name": name})
    people = {}
    for username, display, role in STAFF:
        people[username] = create_user(db, username, DEMO_PASSWORD, role, display, phone=_phone(rng))
    for username, display, district, skills in TECHNICIANS:
        people[username] = create_user(db, username, DEMO_PASSWORD, "technician", display, phone=_phone(rng),
                                       district=district, skills=skills)
    users = {name: User(one(db, "SELECT * FROM users WHERE id = ?", [uid])) for name, uid in people.items()}
    states = [s for s, n in STATE_MIX.items() for _ in range(max(1, round(n * order_count / 300)))]
    rng.shuffle(states)
    for final_state in states[:order_count]:
        _make_order(db, rng, users, final_state, now, tz)
    from .groupfaults import demo as group_fault_demo
    faults = group_fault_demo.load(db, users, now, tz)
    with transaction(db):
        engine.sweep(db, now)
    return f"{len(users)} users, {min(len(states), order_count)} orders, {faults}"


def _phone(rng):
    return f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _order_fields(rng):
    district = rng.choice(list(DISTRICTS))
    access = rng.choices(["ftth", "fttb", "enterprise"], weights=[75, 15, 10])[0]
    order_type = rng.choices(["repair", "installation", "complaint"], weights=[60, 25, 15])[0]
    symptom = "new_install" if order_type == "installation" else rng.choice(
        ["no_service", "no_service", "slow", "wifi_slow", "one_site", "game", "dialup_error"])
    surname = rng.choice(SURNAMES)
    return {
        "order_type": order_type, "access_type": access, "symptom": symptom,
        "dialup_error": rng.choice(["691", "678", "769"]) if symptom == "dialup_error" else None,
        "priority": rng.choices(["urgent", "high", "normal", "low"], weights=[5, 20, 65, 10])[0],
        "customer_name": f"{surname}{rng.choice(['先生', '女士'])}" if access != "enterprise" else f"{CITY}{rng.choice(['第一医院', '农商银行', '物流中心', '税务局'])}",
        "contact_name": f"{surname}{rng.choice(['先生', '女士'])}", "contact_phone": _phone(rng),
        "holder_phone": _phone(rng), "broadband_account": f"ad{rng.randint(10000000, 99999999)}",
        "district": district, "community": rng.choice(DISTRICTS[district]),
        "building": str(rng.randint(1, 30)), "unit": f"{rng.randint(1, 6)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}",
        "address_detail": "", "ont_model": rng.choice(ONT_MODELS), "ont_serial": f"48575443{rng.randint(10**7, 10**8 - 1):X}",
        "olt": f"{district[:2]}-OLT-{rng.randint(1, 6):02d}", "pon_port": f"0/{rng.randint(1, 16)}/{rng.randint(0, 15)}",
        "splitter": f"SP-{rng.randint(100, 999)}-1:8", "description": "",
    }


def _make_order(db, rng, users, final_state, now, tz):
    fields = order_fields = _order_fields(rng)
    order_type = fields["order_type"]
    path = PATHS[final_state]
    gaps = [rng.randint(3, 50) for _ in path]
    start = now - datetime.timedelta(minutes=sum(gaps) + rng.randint(5, 60 * (4 if len(path) < 4 else 30)))
    if order_type == "installation":  # due in 3 to 20 days: some already inside their warning week
        fields["due_at"] = start + datetime.timedelta(days=rng.randint(3, 20))
    with transaction(db):
        order_id = store.create_order(db, fields, users[rng.choice(["dispatch1", "dispatch2"])].id, start, tz)
    tech = users[rng.choice([f"tech{i}" for i in range(1, 9)])]
    dispatcher = users[rng.choice(["dispatch1", "dispatch2"])]
    moment = start
    for action, gap in zip(path, gaps):
        moment = min(moment + datetime.timedelta(minutes=gap), now)
        # The supervisor suspends (their approval is theirs to give); the desk dispatches and closes.
        actor = users["admin"] if action == "suspend" else dispatcher if action in ("dispatch", "close", "cancel", "cancel_duplicate") else tech
        more = path.index(action) < len(path) - 1
        fields = _action_fields(rng, action, tech, users, moment, now, tz, more)
        if action == "return" and order_type == "installation":  # an installation's reply: what was installed (issue 21)
            fields["closure"] = _installation_reply(fields["closure"])
            fields["closure"]["installed"] = {"ont_model": order_fields["ont_model"], "ont_serial": order_fields["ont_serial"],
                                              "loid": f"L{rng.randint(10**8, 10**9 - 1)}", "registration_sn": "",
                                              "router_model": rng.choice(["TP-Link AX3000", "Huawei WS5200", ""]), "router_serial": ""}
        if action == "cancel_duplicate":  # a second call about an order already taken: the earlier order stays
            earlier = one(db, "SELECT order_no FROM orders WHERE id < ? ORDER BY id DESC LIMIT 1", [order_id])
            if earlier is None:  # the very first order has nothing to duplicate: it stays created
                return
            fields = {"duplicate_of": earlier["order_no"]}
        store.apply_action(db, order_id, action, actor, fields, moment, tz)


def _installation_reply(repair_reply):
    """The 装机回单 of a demo installation (orders/routes.py installation_reply_from), at the repair reply's times."""
    keep = ("arrival_time", "recovery_time", "confirmation", "holder_informed", "confirmed_by", "confirmed_at")
    return {**{key: repair_reply[key] for key in keep}, "process": "入户布放皮线，安装光猫并用 LOID 注册，开通宽带",
            "port": "OBD-02 第5口", "tests": {"rx_power_dbm": -19.5, "download_mbps": 932.0, "other": ""},
            "customer_accepted": True, "result": "installed"}


def _action_fields(rng, action, tech, users, moment, now, tz, more_steps):
    if action == "dispatch":
        return {"technician_id": tech.id}
    if action == "make_appointment" and more_steps:
        # The visit already happened: the window started shortly after it was agreed.
        start = moment + datetime.timedelta(minutes=20)
        return {"appointment_start": start, "appointment_end": start + datetime.timedelta(hours=2)}
    if action == "make_appointment":
        start = max(moment, now) + datetime.timedelta(minutes=rng.choice([30, 60, 90, 120, 180, 240, 300, 1440]))
        start = start.replace(minute=0 if start.minute < 30 else 30, second=0)
        return {"appointment_start": start, "appointment_end": start + datetime.timedelta(hours=2)}
    if action == "cancel":
        return {"reason": "客户来电撤销报障：已自行恢复"}
    if action == "reject":
        return {"reason": rng.choice(["重复派单", "地址不在本片区", "非我部门工单"])}
    if action == "suspend":
        return {"customer_consent": "客户电话同意改期处理", "approver_id": users["admin"].id, "reason": "客户出差，需等待返回"}
    if action == "mark_unsolved":
        return {"reason": "小区光缆需整改，等待施工", "legacy_expected_date": (now + datetime.timedelta(days=7)).date()}
    if action == "return":
        local = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return {"closure": {"phenomenon": "用户无法上网，光猫LOS灯闪烁", "arrival_time": local,
                            "cause": "入户皮线光缆弯折导致光衰过大", "process": "重新熔接入户皮线两端，复测收光-18.5dBm",
                            "equipment_replaced": "无", "result": "recovered", "recovery_time": local,
                            "classification": "drop_cable", "confirmation": "customer", "holder_informed": True,
                            "confirmed_by": "客服 陈洁", "confirmed_at": local}}
    return {}
