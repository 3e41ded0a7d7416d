"""The phone is turned sideways while the customer signs (shared/public-cases/signature-after-rotation-blank):
in Chromium on the phone viewport of its steps.json, the pad re-fits on the turn keeping the
portrait stroke, the landscape strokes leave ink under the finger, and the stored PNG is not blank.
The phone and the server both refuse a signature without ink."""
import base64
import hashlib
import io
import json
import pathlib

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.test_offline_browser import dispatch_order, open_job, phone_profile, server, tap_through  # noqa: F401
from webapp import images

pytestmark = pytest.mark.browser
CASE = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "public-cases" / "signature-after-rotation-blank"

DARK_COLUMNS = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const columns = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] + data[i + 1] + data[i + 2] < 300) { columns.add((i / 4) % canvas.width); }
  }
  return {width: canvas.width, height: canvas.height, css: canvas.offsetWidth, cssHeight: canvas.offsetHeight,
          columns: [...columns].sort((a, b) => a - b)};
}"""


def stroke(page, selector, x_from, x_to, y):
    """A stroke across the pad in fractions of its width and height, as a finger would draw it."""
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] * x_from, box["y"] + box["height"] * y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * x_to, box["y"] + box["height"] * (y + 0.05), steps=12)
    page.mouse.up()


def restored_job(app, server, user_ids, phone_profile):  # noqa: F811
    """A new order taken to "restored" on a 390-px phone, synced, the job page with the sign-off and its signature pad
    drawn for the last time → (order_id, context, page)."""
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    tap_through(page, "accept", "make_appointment", "arrive", "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the last pull redraws the job page once more
    return order_id, context, page


@pytest.mark.public_case
def test_turning_the_phone_mid_signature_keeps_ink_under_the_finger(app, server, db, user_ids, phone_profile):  # noqa: F811
    steps = json.loads((CASE / "steps.json").read_text(encoding="utf-8"))
    device = steps["device"]
    assert device["viewport"] == {"width": 390, "height": 844} and device["device_scale_factor"] == 2  # tests' PHONE
    order_id, context, page = restored_job(app, server, user_ids, phone_profile)
    pad = page.locator("#pad-customer")
    pad.scroll_into_view_if_needed()
    portrait = pad.evaluate(DARK_COLUMNS)
    assert portrait["width"] == portrait["css"] * 2 and portrait["height"] == portrait["cssHeight"] * 2

    stroke(page, "#pad-customer", 0.10, 0.45, 0.30)  # the customer starts signing in portrait…
    page.set_viewport_size({"width": device["viewport"]["height"], "height": device["viewport"]["width"]})  # …and turns
    expect(pad).to_have_js_property("width", int(pad.evaluate("c => c.offsetWidth")) * 2)
    landscape = pad.evaluate(DARK_COLUMNS)
    assert landscape["css"] > portrait["css"] and landscape["width"] == landscape["css"] * 2
    assert landscape["columns"], "the portrait stroke was lost in the turn"

    pad.scroll_into_view_if_needed()
    stroke(page, "#pad-customer", 0.55, 0.95, 0.40)
    stroke(page, "#pad-customer", 0.60, 0.90, 0.70)
    after = pad.evaluate(DARK_COLUMNS)
    right = [c for c in after["columns"] if 0.55 * after["width"] <= c <= 0.95 * after["width"]]
    assert len(right) > 0.3 * after["width"], "no ink under the finger in landscape"
    page.screenshot(path=str(pathlib.Path(__file__).resolve().parent.parent / "test-artifacts" / "45-signature-landscape.png"))

    form = page.locator("#signoff-form")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("label.score-choice", has_text="9").click()
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff")).to_contain_text("钱女士 已签字")
    page.locator("#sync-now").tap()
    expect(page.locator("#sync-waiting")).to_have_attribute("data-count", "0", timeout=30000)
    row = db.execute("SELECT b.path FROM signoffs s JOIN blobs b ON b.sha256 = s.signature_sha256 WHERE s.order_id = ?",
                     [order_id]).fetchone()
    stored = (pathlib.Path(app.config["BLOB_FOLDER"]) / row[0]).read_bytes()
    grey = Image.open(io.BytesIO(stored)).convert("L")
    assert grey.getextrema()[0] < 100 and images.ink_pixels(stored) > 200  # not the white PNG of the fault
    assert context.errors == []


def test_the_phone_refuses_points_that_left_no_ink(app, server, db, user_ids, phone_profile):  # noqa: F811
    order_id, _desk = dispatch_order(app, user_ids)
    context, page = open_job(phone_profile, server, order_id)
    tap_through(page, "accept", "make_appointment", "arrive", "restore")
    expect(page.locator(".order-head")).to_contain_text("已修复")
    verdict = page.evaluate("""() => {
      const canvas = document.createElement("canvas");
      canvas.style.cssText = "width: 300px; height: 100px";
      document.body.appendChild(canvas);
      const pad = ONTrackSignature.createPad(canvas);
      const blank = ONTrackSignature.hasInk(pad);
      pad.fromData([{penColor: "black", dotSize: 0, minWidth: 0.5, maxWidth: 2.5, velocityFilterWeight: 0.7,
                     compositeOperation: "source-over",
                     points: [{x: 5000, y: 40, time: 1, pressure: 0.5}, {x: 5200, y: 60, time: 20, pressure: 0.5}]}]);
      const outside = [pad.isEmpty(), ONTrackSignature.hasInk(pad)];
      pad.fromData([{penColor: "black", dotSize: 0, minWidth: 0.5, maxWidth: 2.5, velocityFilterWeight: 0.7,
                     compositeOperation: "source-over",
                     points: [{x: 20, y: 40, time: 1, pressure: 0.5}, {x: 120, y: 60, time: 20, pressure: 0.5},
                              {x: 220, y: 30, time: 40, pressure: 0.5}]}]);
      const drawn = ONTrackSignature.hasInk(pad);
      pad.ontrackStop(); canvas.remove();
      return {blank, outside, drawn};
    }""")
    assert verdict == {"blank": False, "outside": [False, False], "drawn": True}
    form = page.locator("#signoff-form")
    form.locator("input[name=solved][value=yes]").check()
    form.locator("input[name=attitude][value=satisfied]").check()
    form.locator("input[name=charged][value=no]").check()
    form.locator("label.score-choice", has_text="9").click()
    form.locator("button[type=submit]").tap()
    expect(page.locator("#signoff-error")).to_contain_text("客户还没有签名")
    assert context.errors == []


def white_png(size=(680, 400)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def test_the_server_refuses_a_blank_signature_from_either_phone(login, user_ids, db, app):
    from tests.test_signoff import link_for, make_report, restored_order, sign
    from tests.conftest import csrf_from
    from tests.test_uploads import Uploader
    order_id, phone = restored_order(login, user_ids, db)
    blank = white_png()
    assert Uploader(phone.session).send(blank, "image/png").status_code == 204
    result = sign(phone, order_id, make_report(db, order_id, hashlib.sha256(blank).hexdigest()))
    assert result["status"] == "rejected" and "空白" in result["error"]
    assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0

    path = "/s/" + link_for(phone, order_id).json["url"].rsplit("/s/", 1)[1]
    customer = app.test_client()
    page = customer.get(path)
    form = {"csrf_token": csrf_from(page.text), "signer_name": "钱女士", "solved": "yes", "attitude": "satisfied",
            "charged": "no", "score": "9", "suggestions": "",
            "signature": "data:image/png;base64," + base64.b64encode(blank).decode()}
    refused = customer.post(path, data=form)
    assert refused.status_code == 422 and "签名" in refused.text
    assert db.execute("SELECT COUNT(*) FROM signoffs").fetchone()[0] == 0


def test_a_single_tap_or_a_tick_is_not_a_signature_but_a_short_name_is(browser_type_launch_args, playwright):
    """A customer's accidental tap leaves a dot of ~30 dark pixels: more than MIN_INK_PIXELS, yet no
    signature. The phone asks for a signature across the pad; a name written small still passes."""
    browser = playwright.chromium.launch(**browser_type_launch_args)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    root = pathlib.Path(__file__).resolve().parent.parent
    page.set_content('<canvas id="pad" style="width:340px;height:200px;touch-action:none"></canvas>')
    page.add_script_tag(path=str(next((root / "static" / "vendor").glob("signature_pad-*/signature_pad.umd.min.js"))))
    page.add_script_tag(path=str(root / "offline" / "signature.js"), type="module")
    page.wait_for_function("window.ONTrackSignature")
    page.evaluate("window.pad = ONTrackSignature.createPad(document.getElementById('pad'))")
    box = page.locator("#pad").bounding_box()
    page.touchscreen.tap(box["x"] + 100, box["y"] + 100)
    tap = page.evaluate("[pad.isEmpty(), ONTrackSignature.inkPixels(pad.canvas), ONTrackSignature.hasInk(pad)]")
    assert tap[0] is False and tap[1] >= 10 and tap[2] is False  # points and a dot, but no signature
    page.evaluate("pad.clear()")
    stroke(page, "#pad", 0.30, 0.31, 0.5)  # a tick 3 CSS px long
    assert page.evaluate("ONTrackSignature.hasInk(pad)") is False
    page.evaluate("pad.clear()")
    stroke(page, "#pad", 0.40, 0.52, 0.5)  # 王 written small: 40 CSS px of a 340 px pad
    assert page.evaluate("ONTrackSignature.hasInk(pad)") is True
    browser.close()
