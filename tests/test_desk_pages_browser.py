"""Issue 15 items 8 and "axe on every desk page": every page of the desk (and the pages anyone may
open: login, offline, guides) rendered in Chromium (390×844) in Chinese and in English, with the
demo city's data plus a Wi-Fi survey and callback follow-ups. No page shows a raw code (a value of
one of the label tables, like "recovered", "drop_cable", "supervisor_fix", "marketing",
"enterprise"), and axe-core finds no serious or critical violation."""
import re
import threading
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from tests.test_browser import PHONE, shot
from tests.test_wifi_advice_language import NETWORKS
from webapp import create_app, labels
from webapp.db import connect, transaction

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "ontrack-demo"


def coded_values():
    """Every code some page turns into words: (all of them, those with an underscore)."""
    codes = set()
    for table in labels._TABLES.values():
        codes |= {code for code in table if isinstance(code, str)}
    codes = {code for code in codes if re.fullmatch(r"[a-z][a-z0-9_]{3,}", code)}
    return codes, {code for code in codes if "_" in code}


@pytest.fixture
def demo_server(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "demo.sqlite3"), "BLOB_FOLDER": str(tmp_path / "blobs"),
                      "SECRET_KEY": "demo-secret-key-demo-secret-key-012"})
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def add_survey_and_followups(app, db):
    """A Wi-Fi survey from a technician's phone and the three follow-ups a callback can open."""
    order = next(iter(db.query("SELECT o.id, u.username FROM orders o JOIN users u ON u.id = o.technician_id"
                               " WHERE o.state = 'on_site' LIMIT 1")))
    client = app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/login", data={"username": order["username"], "password": DEMO_PASSWORD, "csrf_token": token})
    token = client.get("/api/session").json["csrf_token"]
    mutation = {"seq": 1, "mutation_id": str(uuid.uuid4()), "name": "order.wifi_survey",
                "args": {"order_id": order["id"], "survey_id": str(uuid.uuid4()), "source": "typed", "networks": NETWORKS,
                         "own_ssid": "Home"}}
    answer = client.post("/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": [mutation]},
                         headers={"X-CSRFToken": token}).json
    assert answer["results"][0]["status"] == "applied", answer
    with transaction(db):
        for kind in ("supervisor_fix", "revisit", "marketing"):
            db.conn.execute("INSERT INTO order_followups (id, order_id, run_id, kind, created_at) VALUES (?, ?, NULL, ?, ?)",
                            [f"test:{kind}", order["id"], kind, "2026-11-30T00:00:00Z"])
    return order["id"]


def desk_urls(db, surveyed):
    urls = ["/dispatch/", "/dispatch/?view=all", "/orders/new", "/desk/tasks", "/callbacks/", "/group-faults/",
            "/notices", "/playbooks/", "/password", "/wifi/live", f"/orders/{surveyed}"]
    urls += [f"/orders/{r['id']}" for r in db.query("SELECT MIN(id) AS id FROM orders GROUP BY state")]
    urls += [f"/orders/{r['id']}" for r in db.query("SELECT id FROM orders WHERE closure IS NOT NULL LIMIT 2")]
    urls += [f"/callbacks/{r['id']}" for r in db.query("SELECT id FROM callbacks WHERE status IN ('due', 'booked') LIMIT 1")]
    urls += [f"/group-faults/{r['id']}" for r in db.query("SELECT id FROM group_faults")]
    urls += [f"/signoffs/{r['id']}" for r in db.query("SELECT id FROM signoffs LIMIT 1")]
    return list(dict.fromkeys(urls))


def test_no_raw_code_and_no_serious_accessibility_violation_on_any_desk_page(demo_server, browser):
    app, base = demo_server
    db = connect(app.config["DATABASE"])
    urls = desk_urls(db, add_survey_and_followups(app, db))
    every_code, snake_codes = coded_values()
    axe, problems = Axe(), []
    for lang, forbidden in (("zh_Hans_CN", every_code), ("en", snake_codes)):
        page = browser.new_context(locale="zh-CN", **PHONE).new_page()
        for url in ("/login", "/offline.html"):
            page.goto(base + url)
            problems += check(page, axe, url, lang, forbidden)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/dispatch/")
        if lang == "en":
            page.locator("form[action='/lang/en'] button").click()
            page.wait_for_load_state("networkidle")
        for url in urls:
            response = page.goto(base + url)
            assert response.status == 200, url
            problems += check(page, axe, url, lang, forbidden)
        page.context.close()
    assert problems == []


def check(page, axe, url, lang, forbidden):
    """What is wrong on the page now: raw codes in its visible text, serious or critical axe violations."""
    page.wait_for_load_state("networkidle")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]+", page.locator("body").inner_text()))
    found = [f"{lang} {url}: raw code {code!r}" for code in sorted(words & forbidden)]
    results = axe.run(page)
    found += [f"{lang} {url}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:4]}"
              for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "root"
    if lang == "zh_Hans_CN":
        shot(page, f"15-desk-{name}")
    return found
