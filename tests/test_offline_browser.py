"""The technician app in real Chromium on a phone viewport: a whole visit offline, the browser
restarted offline, then synced exactly once; and a conflict shown under "needs attention"."""
import io
import json
import pathlib
import shutil
import threading

import pytest
from PIL import Image
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, Session
from tests.test_browser import ARTIFACTS, PHONE, shot

pytestmark = pytest.mark.browser
ORDER = {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
         "customer_name": "钱女士", "contact_phone": "13912345678", "district": "东城区", "community": "幸福里小区",
         "building": "3", "unit": "2单元502", "ont_model": "Huawei HG8245H", "broadband_account": "gz12345678"}


@pytest.fixture
def phone_profile(playwright, tmp_path, browser_type_launch_args, request):
    """Open a Chromium with a profile on disk, like a phone that keeps its storage across restarts.
    When the test fails, each page's address and the text it showed are printed (CI keeps only the log)."""
    profile = tmp_path / "chromium-profile"
    contexts = []

    def launch(offline=False):
        context = playwright.chromium.launch_persistent_context(
            str(profile), **browser_type_launch_args, locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
        context.set_default_timeout(15000)
        if offline:
            context.set_offline(True)
        contexts.append(context)
        errors = []
        context.on("weberror", lambda e: errors.append(str(e.error)))
        context.on("console", lambda m: print("console:", m.type, m.text))
        context.errors = errors
        return context

    yield launch
    report = getattr(request.node, "rep_call", None)
    for context in contexts:
        try:
            if report is not None and report.failed:
                for page in (p for p in context.pages if p.url != "about:blank"):
                    print(f"page at failure: {page.url}\n{page.locator('body').inner_text(timeout=2000)[:3000]}")
            context.close()
        except Exception:
            pass


class Switchable:
    """The app over real HTTP on a fixed port that can be taken away and brought back.

    Chromium's offline emulation does not reach a service worker woken by Background Sync,
    so "no connectivity" here is real: nothing listens on the port.
    """

    def __init__(self, app):
        self.app = app
        probe = make_server("127.0.0.1", 0, app)
        self.port = probe.server_port
        probe.server_close()
        self.server = None
        self.url = f"http://127.0.0.1:{self.port}"

    def up(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def down(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)
            self.server = None


@pytest.fixture
def server(app):
    switchable = Switchable(app)
    switchable.up()
    yield switchable
    switchable.down()


def dispatch_order(app, user_ids, technician="techa", **changes):
    desk = Session(app, "disp")
    response = desk.post("/orders/new", {**ORDER, **changes, "technician_id": str(user_ids[technician])})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1]), desk


def log_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/jobs/")


def wait_js(page, expression, timeout=20.0):
    """Poll a JavaScript expression (page.wait_for_function evaluates strings, which our CSP forbids)."""
    import time
    end = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < end, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


# Every record of one object store (offline/store.js: "outbox", "runs" …) in each of the phone's databases, one per
# person who used it, read from IndexedDB itself rather than from what the page shows.
STORED_RECORDS = """async (store) => {
  const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith("ontrack-u"));
  const records = [];
  for (const name of names) {
    const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    const all = await new Promise((ok, no) => {
      const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
    db.close();
    records.push(...all);
  }
  return records;
}"""


def stored_records(page, store):
    """Every record of an object store in the phone's IndexedDB (STORED_RECORDS), as plain data."""
    return page.evaluate(STORED_RECORDS, store)


# Whether no change waits in any outbox on the phone (offline/store.js: entries in state "pending"), read from
# IndexedDB itself: the status bar's count is redrawn a moment after a change is queued, so right after a tap it
# can still say 0 (CI: a saved LED check was read as synced before it was sent).
NOTHING_PENDING = f"""({STORED_RECORDS})("outbox").then((entries) => !entries.some((e) => e.state === "pending"))"""


def storage_full(part=""):
    """A script making the page's IndexedDB refuse every write to the "meta" store (offline/store.js) under a key that
    holds `part` ("": every key) as a full phone does (QuotaExceededError), whichever way the app writes it."""
    return f"""() => {{ const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {{
    if (this.name === "meta" && String(key).includes({json.dumps(part)})) {{
      throw new DOMException("The storage is full", "QuotaExceededError");
    }}
    return put.apply(this, arguments);
  }}; }}"""


def wait_synced(page, timeout=30.0):
    """Wait until every change queued on the phone has been sent and the status bar says so."""
    wait_js(page, NOTHING_PENDING, timeout)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=timeout * 1000)


def ready_offline(page):
    """Wait until the service worker controls the page, the shell is cached and the page's own first sync is over.

    The bar's count and last sync are read from IndexedDB, which another tab's sync may already have filled: a second
    tab's sync can still be running then, and a test that routed the sync's requests caught that sync's (a CI run).
    The bar is aria-busy from a sync's start to its last draw (offline/autosync.js)."""
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    wait_js(page, "navigator.serviceWorker.controller !== null")
    wait_js(page, "caches.open('ontrack-shell').then(c => c.match('/jobs/')).then(Boolean)")
    expect(page.locator("#sync-status[aria-busy='true']")).to_have_count(0, timeout=20000)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0")
    expect(page.locator("#sync-last")).not_to_contain_text("从未")


def refuse_pushes(context):
    """Refuse every push of the phone's queue, the service worker's too, until the returned function is called.

    A change queued while the server was down is sent by the service worker's Background Sync retry as soon as the
    server answers again, as the logged-in technician: a test that needs it left on the phone (another person logs
    in next) found it already sent, 1 run in 10 under load."""
    context.route("**/api/sync/push", lambda route: route.abort())
    return lambda: context.unroute("**/api/sync/push")


def open_job(phone_profile, server, order_id, username="techa"):  # noqa: F811
    """A technician logs in online, the briefcase is loaded, and the job page is open."""
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, username)
    ready_offline(page)
    page.locator(f"#job-{order_id} .job-main").tap()
    return context, page


def offline_job(app, user_ids, phone_profile, server):  # noqa: F811
    """A job dispatched to techa, its page open on the phone, then no connectivity at all: (order id, context, page).
    `phone_profile` closes the context after the test."""
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    go_offline(server, context)
    return order_id, context, page


# How long a technician at least takes to see the button a step's redraw just put under the finger, read it and
# tap it: sooner, at the point of the last tap, the phone takes it for the second tap of a double tap and refuses
# it (offline/double-tap.js STEADY_MS, 700 ms). Tests that tap one step right after another wait this long first.
READING_MS = 800


def tap_through(page, *actions):
    """Tap the job page's next-step buttons in order, each until its step shows done (see `tap_until`),
    each once the last one's redraw has been read (READING_MS); an appointment gets a window in 2099,
    and "restored" says what was found and done (the phone asks for both first)."""
    for number, action in enumerate(actions):
        if number:
            page.wait_for_timeout(READING_MS)
        if action == "make_appointment":
            page.fill("input[name=appointment_start]", "2099-01-01T09:00")
            page.fill("input[name=appointment_end]", "2099-01-01T11:00")
        if action == "restore":
            page.fill("form[data-form=restore] textarea[name=found]", "入户皮线弯折")
            page.fill("form[data-form=restore] textarea[name=done]", "重新熔接皮线")
        tap_until(page.locator(f"button[data-action={action}]"),
                  lambda ms: expect(page.locator(f"li.step.done[data-step={action}]")).to_have_count(1, timeout=ms))


def tap_until(target, outcome):
    """Tap `target` until `outcome` (a callable making a Playwright `expect`) holds: a tap lost to the page
    moving under it (a sync redrawing the status bar or the job page) is tapped again, as a technician
    would; three taps at most, then the last `expect` fails the test."""
    for _ in range(2):
        target.tap()
        try:
            outcome(5000)
            return
        except AssertionError:
            continue
    target.tap()
    outcome(5000)


def pause_the_guide(page):
    """Tap "暂停" (pause) until the runner closes and the job page is back (see `tap_until`)."""
    tap_until(page.locator("[data-run-pause]"), lambda ms: expect(page.locator(".runner-nav")).to_have_count(0, timeout=ms))


def open_new_wifi_survey(page):
    """Tap the job page's "检查 Wi-Fi 信道" / "新的 Wi-Fi 勘测" until its form is open (see `tap_until`)."""
    tap_until(page.locator("#wifi .wifi-new > summary"),
              lambda ms: expect(page.locator("#wifi .wifi-new")).to_have_attribute("open", "", timeout=ms))


def go_offline(server, context):
    """No connectivity at all: the server is gone and the browser knows it."""
    server.down()
    context.set_offline(True)


def go_online(server, context, page):
    """Connectivity back; the technician taps "Sync now"."""
    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()


def photo_file(tmp_path):
    path = tmp_path / "ont-panel.jpg"
    Image.new("RGB", (1600, 1200), (30, 40, 50)).save(path, "JPEG")
    return path


def test_a_whole_visit_offline_survives_a_restart_and_syncs_exactly_once(app, server, db, user_ids, phone_profile, tmp_path):
    order_id, desk = dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    expect(page.locator(f"#jobs-to-appoint #job-{order_id}")).to_contain_text("钱女士")
    shot(page, "10-offline-app-online-list")
    context.close()

    # In the basement: no network at all, and the browser was closed meanwhile.
    server.down()
    context = phone_profile(offline=True)
    page = context.new_page()
    page.goto(f"{server.url}/jobs/")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    card = page.locator(f"#job-{order_id}")
    expect(card).to_contain_text("钱女士")
    expect(page.locator("#sync-problem")).to_contain_text("没有网络")
    card.locator(".job-main").tap()
    expect(page).to_have_url(f"{server.url}/jobs/{order_id}")
    expect(page.locator(".order-head")).to_contain_text("钱女士")

    page.locator("button[data-action=accept]").tap()
    expect(page.locator(".order-head")).to_contain_text("已签收")
    page.fill("input[name=appointment_start]", "2099-01-01T09:00")
    page.fill("input[name=appointment_end]", "2099-01-01T08:00")
    page.locator("button[data-action=make_appointment]").tap()
    expect(page.locator("form[data-form=make_appointment] .error")).to_contain_text("预约结束时间须晚于开始时间")
    page.fill("input[name=appointment_end]", "2099-01-01T11:00")
    page.locator("button[data-action=make_appointment]").tap()
    expect(page.locator(".order-head")).to_contain_text("已预约")
    page.wait_for_timeout(READING_MS)
    page.locator("button[data-action=depart]").tap()
    expect(page.locator(".order-head")).to_contain_text("出发")
    page.wait_for_timeout(READING_MS)
    page.locator("button[data-action=arrive]").tap()
    expect(page.locator(".order-head")).to_contain_text("到场")
    page.fill("#note-form textarea", "LOS 红灯闪烁，收光 -29.5 dBm")
    page.locator("#note-form button").tap()
    expect(page.locator("#notes")).to_contain_text("-29.5 dBm")
    page.fill("#photo-form input[name=caption]", "ONT 面板")
    page.set_input_files("#photo-form input[type=file]", str(photo_file(tmp_path)))
    expect(page.locator("#photos figure")).to_have_count(1)
    tap_through(page, "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")
    shot(page, "11-offline-visit-in-progress")
    form = page.locator("form[data-form=return]")
    form.locator("textarea[name=phenomenon]").fill("LOS 红灯闪烁，无法上网")
    form.locator("textarea[name=cause]").fill("入户皮线弯折，收光 -29.5 dBm")
    form.locator("textarea[name=handling_process]").fill("重新熔接皮线两端，复测 -18.2 dBm")
    form.locator("input[name=no_equipment_replaced]").check()
    form.locator("textarea[name=unsigned_reason]").fill("客户不在家，家人不便签字")
    form.locator("input[name=holder_informed]").check()
    form.locator("button[data-action=return]").tap()
    expect(page.locator(".order-head")).to_contain_text("已返单")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "8")
    shot(page, "12-offline-visit-returned")
    context.close()

    # Still offline: reopen, everything is there.
    context = phone_profile(offline=True)
    page = context.new_page()
    page.goto(f"{server.url}/jobs/{order_id}")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator(".order-head")).to_contain_text("已返单")
    expect(page.locator("#notes")).to_contain_text("-29.5 dBm")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "8")
    assert db.execute("SELECT COUNT(*) FROM order_events WHERE order_id = ?", [order_id]).fetchone()[0] == 2

    # Back online: everything arrives once, and the page says so.
    server.up()
    context.set_offline(False)
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    expect(page.locator("#sync-waiting")).to_contain_text("已全部同步")
    expect(page.locator("#sync-problem")).to_have_count(0)
    shot(page, "13-back-online-synced")
    trail = [e["action"] for e in db.query("SELECT action FROM order_events WHERE order_id = ? ORDER BY id", [order_id])]
    assert trail == ["create", "dispatch", "accept", "make_appointment", "depart", "arrive", "add_note",
                     "attach_photo", "restore", "return"]
    assert db.execute("SELECT COUNT(*) FROM order_notes WHERE order_id = ?", [order_id]).fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM attachments WHERE order_id = ?", [order_id]).fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*), MAX(seq) FROM mutation_log").fetchone() == (8, 8)
    order = next(iter(db.query("SELECT state, closure FROM orders WHERE id = ?", [order_id])))
    assert order["state"] == "returned" and "重新熔接" in order["closure"]
    # The desk sees the photo on the order, without its EXIF.
    sha = db.execute("SELECT sha256 FROM attachments WHERE order_id = ?", [order_id]).fetchone()[0]
    assert f"/api/blobs/{sha}" in desk.get(f"/orders/{order_id}").text
    stored = desk.get(f"/api/blobs/{sha}")
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    stored.close()
    assert context.errors == []


def test_a_reassignment_while_offline_shows_under_needs_attention(app, server, db, user_ids, phone_profile):
    order_id, desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    expect(page.locator(".order-head")).to_contain_text("钱女士")

    go_offline(server, context)
    assert desk.post("/dispatch/assign", {"order_id": str(order_id), "technician_id": str(user_ids["techb"])}).status_code == 303
    page.locator("button[data-action=accept]").tap()
    expect(page.locator(".order-head")).to_contain_text("已签收")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")

    go_online(server, context, page)
    attention = page.locator("#attention")
    expect(attention).to_contain_text("改派", timeout=30000)
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0")
    shot(page, "14-conflict-needs-attention")
    page.locator("a[data-nav][href='/jobs/']").first.tap()
    expect(page.locator("#attention")).to_contain_text("需要处理")
    expect(page.locator(f"#job-{order_id}")).to_have_count(0)  # no longer on this phone
    page.locator("[data-dismiss]").first.tap()
    expect(page.locator("#attention")).to_have_count(0)
    row = next(iter(db.query("SELECT state, technician_id FROM orders WHERE id = ?", [order_id])))
    assert row == {"state": "dispatched", "technician_id": user_ids["techb"]}
    assert context.errors == []


def test_queued_changes_survive_an_expired_session_and_another_persons_login(app, server, db, user_ids, phone_profile):
    order_id, desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)

    # Offline, a note is queued; meanwhile the session runs out.
    server.down()
    page.fill("#note-form textarea", "客户不在家，已留言")
    page.locator("#note-form button").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    context.clear_cookies()
    server.up()
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-problem")).to_contain_text("请重新登录")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "1")
    shot(page, "15-session-expired-changes-kept")

    # A colleague borrows the phone: their app opens, A's queue stays put and is not sent as theirs.
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "techb")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/jobs/")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator("#sync-status")).to_contain_text("另一位同事的 1 条未发送记录")
    expect(page.locator(f"#job-{order_id}")).to_have_count(0)
    expect(page.locator("#sync-last")).not_to_contain_text("从未")
    assert db.execute("SELECT COUNT(*) FROM order_notes").fetchone()[0] == 0
    shot(page, "16-another-person-on-the-phone")
    page.locator("form[action='/logout'] button").click()
    page.wait_for_url(f"{server.url}/login")

    # A logs in again: the sync resumes and the note arrives once.
    page.fill("input[name=username]", "techa")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{server.url}/jobs/")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=20000)
    notes = list(db.query("SELECT n.text, u.username FROM order_notes n JOIN users u ON u.id = n.author_id"))
    assert notes == [{"text": "客户不在家，已留言", "username": "techa"}]
    assert context.errors == []


def test_the_app_is_installable_and_pages_not_cached_say_offline(app, server, user_ids, phone_profile):
    dispatch_order(app, user_ids)
    context = phone_profile()
    page = context.new_page()
    log_in(page, server.url, "techa")
    ready_offline(page)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and "装维" in manifest["data"]
    server.down()
    context.set_offline(True)
    page.goto(f"{server.url}/notices")
    expect(page.locator("h1:visible")).to_contain_text("当前没有网络")  # the page holds both languages, shows one
    shot(page, "17-offline-page")
    page.locator("a.btn.primary:visible").click()
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("我的工单")
