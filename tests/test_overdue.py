"""Issue 15 item 10: one overdue count everywhere, no growing "已超时" on a suspended order, and a
passed deadline that looks different from one still ahead (not by colour alone)."""
import re

from tests.test_console_attention import create


def setup_three(desk, db, user_ids):
    late, paused, rearmed = (create(desk, technician_id=str(user_ids["techa"])) for _ in range(3))
    db.conn.execute("UPDATE orders SET next_due_at = '2000-01-01T00:00:00Z', breached = 0 WHERE id = ?", [late])
    db.conn.execute("UPDATE orders SET state = 'suspended', resume_state = 'accepted', suspended_at = '2026-01-01T00:00:00Z',"
                    " next_due_at = '2000-01-01T00:00:00Z' WHERE id = ?", [paused])
    db.conn.execute("UPDATE orders SET next_due_at = '2999-01-01T00:00:00Z', breached = 1 WHERE id = ?", [rearmed])
    return late, paused, rearmed


def test_the_headline_count_and_the_filter_agree(login, db, user_ids):
    desk = login("disp")
    late, paused, rearmed = setup_three(desk, db, user_ids)
    page = desk.get("/dispatch/").text
    headline = int(re.search(r'id="count-overdue">(\d+)<', page).group(1))
    filtered = desk.get("/dispatch/queue?view=all&overdue=1").text
    shown = re.findall(r'<tr id="order-(\d+)"', filtered)
    assert headline == len(shown) == 1 and shown == [str(late)]


def test_a_suspended_order_shows_paused_not_a_growing_overdue(login, db, user_ids):
    desk = login("disp")
    late, paused, _ = setup_three(desk, db, user_ids)
    order_page = desk.get(f"/orders/{paused}").text
    assert "已超时" not in order_page and "已暂停" in order_page
    console = desk.get("/dispatch/?view=open").text
    row = re.search(rf'<tr id="order-{paused}".*?</tr>', console, re.S).group(0)
    assert "已超时" not in row and "due-paused" in row
    late_row = re.search(rf'<tr id="order-{late}".*?</tr>', console, re.S).group(0)
    assert "due-breached" in late_row and "已超时" in late_row
