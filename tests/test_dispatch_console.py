"""The dispatcher console in a city with many technicians: the panel is paged, searchable and assigns."""
import re

import pytest

from webapp.auth.users import create_user
from webapp.dispatch.queue import TECHNICIAN_PAGE

ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"}
CREW = 2 * TECHNICIAN_PAGE + 7


@pytest.fixture
def crew(db):
    """CREW more technicians in 西城区 (one password hash for all: creating them is the slow part otherwise)."""
    create_user(db, "crew000", "crew-password", "technician", "班组 000", district="西城区", skills="FTTH")
    password_hash = db.execute("SELECT password_hash FROM users WHERE username = 'crew000'").fetchone()[0]
    db.conn.executemany(
        "INSERT INTO users (username, password_hash, display_name, role, district, skills, created_at)"
        " VALUES (?, ?, ?, 'technician', '西城区', 'FTTH', '2026-11-30T00:00:00Z')",
        [(f"crew{n:03d}", password_hash, f"班组 {n:03d}") for n in range(1, CREW)])
    return {row["username"]: row["id"] for row in db.query("SELECT id, username FROM users WHERE username LIKE 'crew%'")}


def panel_names(html):
    """Names in the technicians' panel, in order."""
    panel = html[html.index('id="technicians"'):]
    return re.findall(r"technician_id=\d+\">([^<]+)</a>", panel)


def walk_pages(desk, first_url):
    """Follow the panel's "next technicians" links; return every name seen and the number of pages."""
    names, url, pages = [], first_url, 0
    while url:
        html = desk.get(url).text
        names += panel_names(html)
        pages += 1
        more = re.search(r'href="(/dispatch/\?[^"]*after=\d+[^"]*)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
        assert pages < 20
    return names, pages


def test_the_console_lists_one_page_of_technicians_and_pages_through_all(login, crew, user_ids):
    desk = login("disp")
    html = desk.get("/dispatch/").text
    shown = panel_names(html)
    assert len(shown) == TECHNICIAN_PAGE  # before: every technician, three times (a 700 KB page at city scale)
    assert html.count('<option value="') < 3 * TECHNICIAN_PAGE
    names, pages = walk_pages(desk, "/dispatch/")
    assert pages == 3 and len(names) == len(set(names)) == CREW + 2  # + 张师傅 and 李师傅 of conftest


def test_the_panel_is_least_loaded_first(login, crew, user_ids):
    desk = login("disp")
    for _ in range(3):
        assert desk.post("/orders/new", {**ORDER, "technician_id": str(crew["crew000"])}).status_code == 303
    names, _ = walk_pages(desk, "/dispatch/")
    assert names[-1] == "班组 000"


def test_search_finds_a_technician_beyond_the_first_page(login, crew):
    desk = login("disp")
    assert "班组 100" not in panel_names(desk.get("/dispatch/").text)
    found = desk.get("/dispatch/technicians", query_string={"q": "班组 100"})
    assert found.status_code == 200 and panel_names(found.text) == ["班组 100"]
    assert panel_names(desk.get("/dispatch/technicians", query_string={"q": "%"}).text) == []
    assert panel_names(desk.get("/dispatch/technicians", query_string={"q": "crew1_"}).text) == []
    assert '<td colspan="5" class="empty">' in desk.get("/dispatch/technicians", query_string={"q": "nobody"}).text


def test_a_district_filter_narrows_the_panel(login, crew):
    desk = login("disp")
    names = panel_names(desk.get("/dispatch/technicians", query_string={"district": "东城区"}).text)
    assert names and not any(name.startswith("班组") for name in names)


def test_a_panel_row_assigns_the_ticked_orders_even_with_the_select_left_empty(login, crew, db):
    desk = login("disp")
    created = desk.post("/orders/new", ORDER)
    order_id = int(created.headers["Location"].rsplit("/", 1)[1])
    # The form sends the select (left blank) first, then the clicked row's button.
    response = desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": ["", str(crew["crew100"])]})
    assert response.status_code == 303
    assert db.execute("SELECT state, technician_id FROM orders WHERE id = ?", [order_id]).fetchone() == ("dispatched", crew["crew100"])


def test_a_queue_filtered_to_a_technician_beyond_the_first_page_keeps_them_selected(login, crew):
    desk = login("disp")
    html = desk.get("/dispatch/", query_string={"view": "open", "technician_id": crew["crew100"]}).text
    assert re.search(rf'<option value="{crew["crew100"]}" selected>', html)


def test_a_page_after_someone_no_longer_listed_starts_from_the_top(login, crew):
    desk = login("disp")
    first = panel_names(desk.get("/dispatch/technicians").text)
    again = desk.get("/dispatch/technicians", query_string={"q": "班组", "after": 999999})
    assert again.status_code == 200 and panel_names(again.text)[:3] == [n for n in first if n.startswith("班组")][:3]
