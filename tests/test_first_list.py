"""Issue 14: on a phone's first load the server draws the technician's own job list into /jobs/.

When (webapp/jobs/first_list.py): a browser navigation (Sec-Fetch-Mode: navigate) without the
`ontrack_briefcase` cookie naming this technician. Anything else gets the bare shell, the one the
service worker keeps (X-ONTrack-Shell).
"""
import re

from tests.test_access import ORDER

NAVIGATE = {"Sec-Fetch-Mode": "navigate"}


def dispatch(login, user_ids, technician, **changes):
    response = login("disp").post("/orders/new", {**ORDER, **changes, "technician_id": str(user_ids[technician])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def cards(page):
    return [int(n) for n in re.findall(r'<li class="job card" id="job-(\d+)"', page.text)]


def test_a_first_load_gets_the_technicians_own_list_drawn_in_the_page(login, user_ids):
    mine = [dispatch(login, user_ids, "techa", customer_name=f"客户{n}") for n in range(3)]
    theirs = dispatch(login, user_ids, "techb", customer_name="别人的客户")
    page = login("techa").get("/jobs/", headers=NAVIGATE)
    assert page.status_code == 200
    assert page.headers.get("X-ONTrack-Drawn", "").isdigit() and "X-ONTrack-Shell" not in page.headers
    assert sorted(cards(page)) == sorted(mine) and theirs not in cards(page)
    assert "别人的客户" not in page.text and "客户0" in page.text
    assert re.search(r'<div id="app" data-snapshot="\d+">', page.text)
    assert "after-paint.js" in page.text and 'rel="modulepreload"' not in page.text


def test_the_app_fetching_its_shell_and_a_phone_holding_the_briefcase_get_the_bare_shell(login, user_ids):
    dispatch(login, user_ids, "techa")
    techa = login("techa")
    fetched = techa.get("/jobs/")  # the app's own fetch (keepShell): the service worker's copy
    techa.client.set_cookie("ontrack_briefcase", str(user_ids["techa"]), path="/jobs")
    for page in (fetched, techa.get("/jobs/", headers=NAVIGATE)):
        assert page.headers.get("X-ONTrack-Shell", "").isdigit() and "X-ONTrack-Drawn" not in page.headers
        assert cards(page) == [] and "data-snapshot" not in page.text and 'rel="modulepreload"' in page.text


def test_a_phone_that_held_another_technicians_briefcase_gets_the_list_drawn(login, user_ids):
    order = dispatch(login, user_ids, "techa")
    techa = login("techa")
    techa.client.set_cookie("ontrack_briefcase", str(user_ids["techb"]), path="/jobs")
    page = techa.get("/jobs/", headers=NAVIGATE)
    assert page.headers.get("X-ONTrack-Drawn", "").isdigit() and cards(page) == [order]


def test_a_job_page_is_never_drawn_by_the_server(login, user_ids):
    order = dispatch(login, user_ids, "techa")
    page = login("techa").get(f"/jobs/{order}", headers=NAVIGATE)
    assert page.headers.get("X-ONTrack-Shell", "").isdigit() and cards(page) == []
