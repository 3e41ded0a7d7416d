"""Serving a city from one box: a busy database answers 503, GETs never write, compression, caching, health, metrics."""
import hashlib
import re
import uuid

import pytest

from webapp.assets import hashed_name
from webapp.db import connect

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture
def hold_lock(app):
    """Call it to have another writer hold SQLite's write lock (as a long write transaction would)."""
    holders = []

    def hold():
        app.config["DATABASE_BUSY_TIMEOUT_MS"] = 200
        holder = connect(app.config["DATABASE"])
        holder.conn.execute("BEGIN IMMEDIATE")
        holders.append(holder)
    yield hold
    for holder in holders:
        holder.conn.execute("ROLLBACK")
        holder.conn.close()


def test_a_busy_database_answers_503_with_retry_after_and_the_resend_applies_once(app, login, phone, user_ids, db):
    tech = phone("techa")
    desk_order = _order_for(login, user_ids["techa"])
    app.config["DATABASE_BUSY_TIMEOUT_MS"] = 200
    holder = connect(app.config["DATABASE"])
    holder.conn.execute("BEGIN IMMEDIATE")
    mutation = tech.mutation("order.add_note", {"order_id": desk_order, "note_id": str(uuid.uuid4()), "text": "光功率正常"})
    busy = tech.push([mutation])
    assert busy.status_code == 503, busy.text
    assert int(busy.headers["Retry-After"]) > 0 and busy.headers["Cache-Control"] == "no-store"
    assert "busy" in busy.json["error"] or "繁忙" in busy.json["error"]
    holder.conn.execute("ROLLBACK")
    holder.conn.close()
    assert db.execute("SELECT COUNT(*) FROM mutation_log").fetchone()[0] == 0, "nothing was written"
    again = tech.push([mutation])
    assert again.status_code == 200 and again.json["results"][0]["status"] == "applied"
    assert tech.push([mutation]).json["results"][0]["status"] == "applied"  # a replay changes nothing
    assert db.execute("SELECT COUNT(*) FROM mutation_log WHERE mutation_id = ?", [mutation["mutation_id"]]).fetchone()[0] == 1


def test_a_busy_database_gives_a_page_with_503_to_the_desk_not_a_500(app, login, hold_lock):
    desk = login("disp")
    hold_lock()
    response = desk.post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                         "priority": "normal", "customer_name": "钱女士", "contact_name": "钱女士",
                                         "contact_phone": "13912345678", "district": "东城区", "community": "幸福里"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "繁忙" in response.text or "busy" in response.text


def test_the_console_and_notices_never_write_so_a_held_lock_does_not_stop_them(app, login, hold_lock):
    # Before: both pages ran the SLA sweep inside the GET and waited for the lock (then 500).
    desk = login("disp")
    hold_lock()
    assert desk.get("/dispatch/").status_code == 200
    assert desk.get("/dispatch/queue").status_code in (200, 404)
    assert desk.get("/notices").status_code == 200


def test_html_json_js_and_css_go_out_compressed(app, login, phone):
    tech = phone("techa")
    page = tech.session.get("/jobs/", headers={"Accept-Encoding": "br, gzip"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "br"
    pulled = tech.session.get(f"/api/sync/pull?client_id={tech.client_id}", headers={"Accept-Encoding": "gzip"})
    assert pulled.headers["Content-Encoding"] == "gzip" and pulled.mimetype == "application/json"
    pages = tech.session.get("/jobs/").text + login("disp").get("/dispatch/").text
    for name in ("css/app.css", "vendor/htmx-2.0.11/htmx.min.js", "vendor/idb-8.0.4/idb.umd.js"):
        digest = hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]
        url = "/static/" + hashed_name(name, digest)
        assert url in pages, name
        plain_size = (ROOT / "static" / name).stat().st_size
        for encoding in ("br", "gzip"):
            response = tech.session.get(url, headers={"Accept-Encoding": encoding})
            body = response.data
            response.close()
            assert response.headers["Content-Encoding"] == encoding and len(body) < plain_size * 0.5, (name, encoding)
    script = tech.session.get("/offline/sync.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"


def test_static_files_under_their_plain_names_go_out_compressed_too(app, login):
    # The offline modules import lit-html and signature_pad by path, the manifest names its icons
    # by path: before, those plain names went out uncompressed (WhiteNoise had no .br/.gz for them).
    import brotli
    import gzip
    desk = login("disp")
    texts = [path for path in (ROOT / "static").rglob("*") if path.suffix in (".js", ".css", ".svg", ".json", ".html")]
    assert any("lit-html" in str(path) for path in texts)
    for path in texts:
        url = "/static/" + path.relative_to(ROOT / "static").as_posix()
        for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            response = desk.get(url, headers={"Accept-Encoding": encoding})
            body = response.data
            response.close()
            assert response.status_code == 200 and "immutable" not in response.headers["Cache-Control"], url
            if path.stat().st_size >= 1024:
                assert response.headers.get("Content-Encoding") == encoding, (url, encoding)
                assert decode(body) == path.read_bytes(), url
            else:
                assert (decode(body) if response.headers.get("Content-Encoding") else body) == path.read_bytes(), url


def test_a_changed_static_file_is_served_new_under_its_plain_name(tmp_path):
    from webapp.assets import build
    static, out = tmp_path / "static", tmp_path / "assets"
    (static / "js").mkdir(parents=True)
    (static / "js" / "page.js").write_text("const first = 1;\n" * 200)
    build(static, out)
    (static / "js" / "page.js").write_text("const second = 2;\n" * 200)
    build(static, out)
    assert (out / "js" / "page.js").read_text().startswith("const second")
    assert gzip_text(out / "js" / "page.js.gz").startswith("const second")


def gzip_text(path):
    import gzip
    return gzip.decompress(path.read_bytes()).decode()


def test_hashed_static_files_are_immutable_and_pages_are_not(app, login):
    desk = login("disp")
    page = desk.get("/dispatch/")
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert urls
    for url in urls:
        response = desk.get(url)
        response.close()
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"] and "max-age=315360000" in response.headers["Cache-Control"], url
    assert "immutable" not in page.headers.get("Cache-Control", "")
    plain = desk.get("/static/icons/icon-192.png")  # the web manifest names the icons by their plain names
    plain.close()
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]


def test_every_answer_carries_a_request_id_and_keeps_a_sane_one_from_the_proxy(app):
    client = app.test_client()
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/login").headers["X-Request-ID"])
    assert client.get("/login", headers={"X-Request-ID": "caddy-4f1c2a9e"}).headers["X-Request-ID"] == "caddy-4f1c2a9e"
    assert client.get("/login", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_healthz_reports_the_database_the_worker_and_the_disk(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["ok"] and body["database"]["ok"] and body["worker"]["ok"] and body["disk"]["free_bytes"] > 0


def test_healthz_answers_503_when_the_database_cannot_take_a_write(app, hold_lock):
    hold_lock()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and not response.json["database"]["ok"]


def test_metrics_count_pushes_pulls_and_latency_for_the_box_only(app, login, phone, user_ids):
    tech = phone("techa")
    tech.pull()
    tech.note(_order_for(login, user_ids["techa"]), "测试")
    text = app.test_client().get("/metrics").text
    for name in ("ontrack_request_seconds_bucket", "ontrack_sync_pushes_total", "ontrack_sync_pulls_total",
                 "ontrack_sync_mutations_total", "ontrack_job_queue_depth"):
        assert name in text, name
    assert re.search(r'ontrack_sync_mutations_total\{status="applied"\} [1-9]', text)
    # Each request's own CPU (its thread's), by endpoint: what bench_capacity divides per kind of request.
    cpu = re.search(r'ontrack_request_cpu_seconds_total\{endpoint="sync.pull",method="GET"\} (\S+)', text)
    assert cpu and float(cpu.group(1)) > 0
    outsider = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.status_code == 403


ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "钱女士", "contact_name": "钱女士", "contact_phone": "13912345678", "district": "东城区",
         "community": "幸福里"}


def _order_for(login, technician_id):
    """A new order assigned to the technician, made at the desk."""
    response = login("disp").post("/orders/new", {**ORDER, "technician_id": str(technician_id)})
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_pull_reads_only_the_technicians_own_orders_and_its_cursor_keeps_up(app, login, phone, user_ids, db):
    mine, theirs = phone("techa"), phone("techb")
    own_order = _order_for(login, user_ids["techa"])
    other_order = _order_for(login, user_ids["techb"])
    mine.pull(None)
    for i in range(5):
        theirs.note(other_order, f"别人的备注 {i}")
    body = mine.pull()
    top = db.execute("SELECT MAX(sv) FROM change_log").fetchone()[0]
    assert body["changes"] == [] and body["cursor"] == top, "another technician's changes are not read, and the cursor moves on"
    mine.note(own_order, "我的备注")
    body = mine.pull()
    assert [c["id"] for c in body["changes"]] == [own_order]
    # Given away, the order still reaches its former holder once more, as deleted.
    desk = login("disp")
    desk.post("/dispatch/assign", {"order_id": str(own_order), "technician_id": str(user_ids["techb"])})
    assert [(c["id"], c["deleted"]) for c in mine.pull()["changes"]] == [(own_order, 1)]


def test_healthz_tells_a_request_from_outside_only_up_or_down(app):
    # A phone (or anyone) through the proxy: no database error text, free bytes or worker heartbeat.
    client = app.test_client()
    outside = client.get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    proxied = client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})  # the proxy connects from 127.0.0.1
    for response in (outside, proxied):
        assert response.status_code == 200 and response.json == {"ok": True}


def test_healthz_from_outside_still_says_down_without_saying_why(app, hold_lock):
    hold_lock()
    response = app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 503 and response.json == {"ok": False}
