"""The dispatcher console under load (issue 14): the same queue, counts and loads, read more cheaply.

The attention queue is read in three parts that never overlap, the headline counts each from an
index, and every technician's load from a table kept by trigger. These tests hold each to the
plain definition, worked out in Python over every order row.
"""
import datetime
import random
import re

import pytest

from webapp.dispatch.queue import AT_RISK_WITHIN, counts, queue, technician_load
from webapp.orders.lifecycle import ACTIVE_STATES, OPEN_STATES, STATES
from webapp.timeutil import to_text, utcnow

PROVISIONING = ("installation_due", "installation_progress")
NOW = utcnow().replace(microsecond=0)


def stamp(minutes):
    return to_text(NOW + datetime.timedelta(minutes=minutes))


@pytest.fixture
def city(db, user_ids):
    """300 orders of every state, priority and type, deadlines from 5 hours past to 2 days ahead (some
    none), and installation clocks of both provisioning policies: running or stopped, warned or not yet."""
    rng = random.Random(14)
    technicians = [user_ids["techa"], user_ids["techb"]]
    orders = []
    for n in range(300):
        state = rng.choice(sorted(STATES))
        due = None if rng.random() < 0.1 else stamp(rng.randint(-300, 2 * 24 * 60))
        orders.append([f"WO-T-{n:04d}", rng.choice(["installation", "repair", "complaint"]), "ftth",
                       rng.choice(["urgent", "high", "normal", "low"]), state, rng.choice(["东城区", "西城区"]),
                       None if state == "created" else rng.choice(technicians), due, "测试客户", stamp(-600), stamp(-600)])
    db.conn.executemany(
        "INSERT INTO orders (order_no, order_type, access_type, priority, state, district, technician_id, next_due_at,"
        " customer_name, created_at, updated_at, symptom, contact_phone)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'no_service', '13800000001')", orders)
    ids = [row["id"] for row in db.query("SELECT id FROM orders WHERE order_type = 'installation'")]
    clocks = [[order_id, rng.choice(PROVISIONING), stamp(-900), stamp(rng.randint(-60, 600)),
               stamp(rng.randint(-120, 240)), None if rng.random() < 0.8 else stamp(-30)] for order_id in ids]
    db.conn.executemany("INSERT INTO order_clocks (order_id, policy_code, started_at, due_at, warn_at, stopped_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)", clocks)
    db.conn.commit()
    return db


def attention_by_definition(db, filters, limit):
    """(ids of the first page, total) of the queue by its definition (webapp/dispatch/queue.py), in Python."""
    soon, now = to_text(NOW + AT_RISK_WITHIN), to_text(NOW)
    warned = {row["order_id"] for row in db.query(
        "SELECT order_id, policy_code, warn_at, stopped_at FROM order_clocks")
        if row["policy_code"] in PROVISIONING and row["stopped_at"] is None and row["warn_at"] <= now}
    matching = []
    for o in db.query("SELECT * FROM orders"):
        if filters.get("view", "attention") == "attention" and not (o["state"] in OPEN_STATES and (
                o["state"] in ("created", "rejected") or (o["next_due_at"] is not None and o["next_due_at"] <= soon)
                or (o["order_type"] == "installation" and o["id"] in warned))):
            continue
        if filters.get("view") == "open" and o["state"] not in OPEN_STATES:
            continue
        if any(filters.get(key) and o[key] != filters[key] for key in ("district", "order_type", "state")):
            continue
        if filters.get("technician_id") and o["technician_id"] != int(filters["technician_id"]):
            continue
        if filters.get("overdue") and not (o["state"] in OPEN_STATES and o["state"] != "suspended"
                                           and o["next_due_at"] is not None and o["next_due_at"] <= now):
            continue
        matching.append(o)
    urgent_first = filters.get("view", "attention") == "attention"
    matching.sort(key=lambda o: (urgent_first and not (o["state"] in ("created", "rejected")
                                                       and o["priority"] in ("urgent", "high")),
                                 o["next_due_at"] is None, o["next_due_at"] or "", o["id"]))
    return [o["id"] for o in matching[:limit]], len(matching)


FILTERS = [{}, {"district": "东城区"}, {"order_type": "installation"}, {"state": "created"}, {"state": "closed"},
           {"overdue": "1"}, {"order_type": "installation", "district": "西城区"}, {"view": "open"},
           {"view": "open", "district": "西城区"}, {"view": "all", "overdue": "1"}, {"view": "all"}]


def test_the_queue_is_its_definition(city, user_ids):
    for filters in FILTERS:
        for extra in ({}, {"technician_id": str(user_ids["techa"])}):
            for limit in (1, 7, 50, 500):
                rows, total = queue(city, {**filters, **extra}, NOW, limit)
                assert ([row["id"] for row in rows], total) == attention_by_definition(city, {**filters, **extra}, limit), \
                    (filters, extra, limit)


def test_the_attention_queue_has_all_three_kinds_in_this_city(city):
    """The equivalence above means something only if every part of the attention view is there."""
    rows, total = queue(city, {}, NOW, 500)
    assert total == len(rows) > 0
    assert any(row["state"] in ("created", "rejected") for row in rows)
    assert any(row["state"] not in ("created", "rejected") and row["next_due_at"] <= to_text(NOW + AT_RISK_WITHIN)
               for row in rows)
    assert any(row["provisioning_warning"] and not (row["next_due_at"] and row["next_due_at"] <= to_text(NOW + AT_RISK_WITHIN))
               and row["state"] not in ("created", "rejected") for row in rows)


def test_the_headline_counts_are_their_definition(city):
    soon, now = to_text(NOW + AT_RISK_WITHIN), to_text(NOW)
    open_orders = [o for o in city.query("SELECT state, next_due_at FROM orders") if o["state"] in OPEN_STATES]
    running = [o for o in open_orders if o["state"] != "suspended" and o["next_due_at"] is not None]
    assert counts(city, NOW) == {
        "unassigned": sum(o["state"] in ("created", "rejected") for o in open_orders),
        "at_risk": sum(now < o["next_due_at"] <= soon for o in running),
        "overdue": sum(o["next_due_at"] <= now for o in running),
        "open": len(open_orders)}


def loads_by_definition(db):
    """Each active technician's orders in an active state, counted over every order."""
    held = {}
    for o in db.query("SELECT technician_id, state FROM orders WHERE technician_id IS NOT NULL"):
        if o["state"] in ACTIVE_STATES:
            held[o["technician_id"]] = held.get(o["technician_id"], 0) + 1
    return {row["id"]: held.get(row["id"], 0)
            for row in db.query("SELECT id FROM users WHERE role = 'technician' AND active = 1")}


def shown_loads(db):
    return {row["id"]: row["load"] for row in technician_load(db, limit=None)["rows"]}


def test_the_kept_loads_follow_every_state_and_every_reassignment(city, user_ids):
    assert shown_loads(city) == loads_by_definition(city) and any(shown_loads(city).values())
    zhang, li = user_ids["techa"], user_ids["techb"]
    order_id = city.execute("SELECT id FROM orders WHERE technician_id = ? LIMIT 1", [zhang]).fetchone()[0]
    # Every state in turn (the trigger's list of active states must be ACTIVE_STATES), then to and fro.
    for state in [*sorted(STATES), "dispatched", "closed", "on_site"]:
        city.execute("UPDATE orders SET state = ? WHERE id = ?", [state, order_id])
        assert shown_loads(city) == loads_by_definition(city), state
    for technician in (li, zhang, None, li):
        city.execute("UPDATE orders SET technician_id = ? WHERE id = ?", [technician, order_id])
        assert shown_loads(city) == loads_by_definition(city), technician
    city.execute("UPDATE orders SET technician_id = ?, state = 'returned' WHERE id = ?", [zhang, order_id])
    city.execute("INSERT INTO orders (order_no, order_type, access_type, state, district, technician_id, customer_name,"
                 " created_at, updated_at, symptom, contact_phone)"
                 " VALUES ('WO-T-NEW', 'repair', 'ftth', 'dispatched', '东城区', ?, '新客户', ?, ?, 'no_service', '13800000001')",
                 [li, stamp(0), stamp(0)])
    assert shown_loads(city) == loads_by_definition(city)


def test_an_assignment_through_the_console_moves_the_load(login, db, user_ids):
    desk = login("disp")
    before = shown_loads(db)
    assert desk.post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                     "priority": "normal", "customer_name": "王先生", "contact_phone": "13800000001",
                                     "district": "东城区", "technician_id": str(user_ids["techa"])}).status_code == 303
    order_id = db.execute("SELECT MAX(id) FROM orders").fetchone()[0]
    assert shown_loads(db)[user_ids["techa"]] == before[user_ids["techa"]] + 1
    assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])}).status_code == 303
    assert db.execute("SELECT technician_id FROM orders WHERE id = ?", [order_id]).fetchone()[0] == user_ids["techb"]
    after = shown_loads(db)
    assert after[user_ids["techa"]] == before[user_ids["techa"]]
    assert after[user_ids["techb"]] == before[user_ids["techb"]] + 1
    assert after == loads_by_definition(db)


# ---- rows rendered once per exact content (webapp/dispatch/fragments.py)

def fresh_row(order, checked, now):
    """The row as the template renders it, kept nowhere."""
    from flask import get_template_attribute
    return str(get_template_attribute("dispatch/_queue_row.html", "row")(order, checked, now))


def test_a_kept_row_is_the_row_rendered_afresh_at_every_moment_and_tick(app, city):
    """Kept rows are keyed on what they show: whatever was kept before, each equals a fresh rendering
    as the minutes, hours and deadlines go by (the time left in words, the deadline's colour)."""
    from webapp.dispatch.fragments import queue_row
    with app.test_request_context("/dispatch/queue", headers={"Accept-Language": "zh-CN"}):
        rows, _ = queue(city, {"view": "open"}, NOW, 500)
        timed = [o for o in rows if o["next_due_at"] and o["state"] != "suspended"]
        assert len(timed) > 50
        for seconds in (0, 1, 30, 61, 119, 600, 3599, 3600, 3601, 7200, 2 * 86400, 0, 61):
            now = NOW + datetime.timedelta(seconds=seconds)
            for order in timed:
                for selected in (set(), {order["id"]}):
                    assert str(queue_row(order, selected, now)) == fresh_row(order, order["id"] in selected, now)
        chinese = str(queue_row(timed[0], set(), NOW))
    with app.test_request_context("/dispatch/queue", headers={"Accept-Language": "en"}):
        english = str(queue_row(timed[0], set(), NOW))
        assert english == fresh_row(timed[0], False, NOW) != chinese


def test_the_console_shows_a_renamed_technician_and_a_reassigned_order_at_once(login, db, user_ids):
    """Neither a technician's name (not in the change log) nor an order's holder is read from a kept row."""
    desk = login("disp")
    assert desk.post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                     "priority": "urgent", "customer_name": "王先生", "contact_phone": "13800000001",
                                     "district": "东城区", "technician_id": str(user_ids["techa"])}).status_code == 303
    order_id = db.execute("SELECT MAX(id) FROM orders").fetchone()[0]
    view = {"view": "open"}

    def row_of(html):
        return html[html.index(f'id="order-{order_id}"'):].split("</tr>")[0]

    def panel_row_of(html, name):
        return next(part for part in html.split("<tr>") if f">{name}</a>" in part)

    assert "技术员 A" in row_of(desk.get("/dispatch/queue", query_string=view).text)
    load = int(re.search(r'class="load [^"]+">(\d+)<', panel_row_of(desk.get("/dispatch/technicians").text, "技术员 A")).group(1))
    db.execute("UPDATE users SET display_name = '技术员 甲' WHERE id = ?", [user_ids["techa"]])
    db.conn.commit()
    assert "技术员 甲" in row_of(desk.get("/dispatch/queue", query_string=view).text)
    assert "技术员 甲" in desk.get("/dispatch/technicians").text
    assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])}).status_code == 303
    row = row_of(desk.get("/dispatch/queue", query_string=view).text)
    assert "技术员 B" in row and "技术员 甲" not in row
    panel = desk.get("/dispatch/technicians").text
    assert f'">{load - 1}<' in panel_row_of(panel, "技术员 甲")
    # The ticked box follows the request, not the kept row.
    assert "checked" in row_of(desk.get("/dispatch/queue", query_string={**view, "order_id": str(order_id)}).text)
    assert "checked" not in row_of(desk.get("/dispatch/queue", query_string=view).text)


# ---- conditional polling: 304 when the browser already shows exactly the part

def test_an_unchanged_polled_part_answers_304_and_a_changed_one_its_new_content(login, db, user_ids):
    desk = login("disp")
    assert desk.post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                     "priority": "urgent", "customer_name": "王先生", "contact_phone": "13800000001",
                                     "district": "东城区"}).status_code == 303
    order_id = db.execute("SELECT MAX(id) FROM orders").fetchone()[0]
    htmx = {"HX-Request": "true"}
    for path in ("/dispatch/queue", "/dispatch/technicians"):
        first = desk.get(path, headers=htmx)
        tag = first.headers["ETag"]
        assert first.status_code == 200 and tag.startswith('W/"')
        again = desk.get(path, headers={**htmx, "If-None-Match": tag})
        if again.status_code == 200:  # the minute turned between the two ("updated 09:41"): a new tag, then 304
            tag = again.headers["ETag"]
            again = desk.get(path, headers={**htmx, "If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
        assert again.headers["Cache-Control"] == "no-store"
        assert desk.get(path, headers={**htmx, "If-None-Match": 'W/"something else"'}).status_code == 200
    queue_tag = desk.get("/dispatch/queue", headers=htmx).headers["ETag"]
    panel_tag = desk.get("/dispatch/technicians", headers=htmx).headers["ETag"]
    # A change: the order goes to 技术员 A. Both parts come back whole, with the change and a new tag.
    assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techa"])}).status_code == 303
    queue_now = desk.get("/dispatch/queue", headers={**htmx, "If-None-Match": queue_tag})
    assert queue_now.status_code == 200 and queue_now.headers["ETag"] != queue_tag
    assert "技术员 A" in queue_now.text.split(f'id="order-{order_id}"')[1].split("</tr>")[0]
    panel_now = desk.get("/dispatch/technicians", headers={**htmx, "If-None-Match": panel_tag})
    assert panel_now.status_code == 200 and panel_now.headers["ETag"] != panel_tag
    # A filter asked for with the tag of another filter's page gets its own page.
    other = desk.get("/dispatch/queue", query_string={"view": "all"}, headers={**htmx, "If-None-Match": queue_now.headers["ETag"]})
    assert other.status_code == 200 and other.headers["HX-Replace-Url"] == "/dispatch/?view=all"


def test_the_compressed_part_keeps_its_tag(login):
    """Compression must not turn the tag into one the next request cannot match (weak tags are left alone)."""
    desk = login("disp")
    headers = {"HX-Request": "true", "Accept-Encoding": "br, gzip"}
    first = desk.get("/dispatch/queue", headers=headers)
    assert first.headers["Content-Encoding"] in ("br", "gzip")
    again = desk.get("/dispatch/queue", headers={**headers, "If-None-Match": first.headers["ETag"]})
    if again.status_code == 200:
        again = desk.get("/dispatch/queue", headers={**headers, "If-None-Match": again.headers["ETag"]})
    assert again.status_code == 304


def test_the_migration_counts_the_loads_of_a_database_that_had_orders_before(tmp_path, monkeypatch):
    """A city upgraded to this version: the loads table starts from its orders, then follows them."""
    from webapp import migrations
    from webapp.db import connect
    version = next(n for n, statements in enumerate(migrations.MIGRATIONS)
                   if any("CREATE TABLE technician_loads" in s for s in statements))
    db = connect(str(tmp_path / "old.sqlite3"))
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:version])
    migrations.migrate(db)
    db.conn.executemany("INSERT INTO users (username, password_hash, display_name, role, created_at)"
                        " VALUES (?, 'x', ?, 'technician', '2026-12-01T00:00:00Z')", [("t1", "一"), ("t2", "二")])
    ids = [row["id"] for row in db.query("SELECT id FROM users ORDER BY id")]
    db.conn.executemany(
        "INSERT INTO orders (order_no, order_type, access_type, state, district, technician_id, customer_name, created_at,"
        " updated_at, symptom, contact_phone) VALUES (?, 'repair', 'ftth', ?, '东城区', ?, '客户', '2026-12-01T00:00:00Z',"
        " '2026-12-01T00:00:00Z', 'no_service', '13800000001')",
        [(f"WO-OLD-{n}", state, ids[n % 2]) for n, state in enumerate(sorted(STATES) * 3)])
    db.conn.commit()
    monkeypatch.undo()
    migrations.migrate(db)
    assert shown_loads(db) == loads_by_definition(db) and all(shown_loads(db).values())
    db.execute("UPDATE orders SET state = 'closed' WHERE technician_id = ? AND state = 'on_site'", [ids[0]])
    assert shown_loads(db) == loads_by_definition(db)
