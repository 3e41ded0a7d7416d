"""LED checks on an order: read the uploaded photo or burst, keep a thumbnail, diff corrections.

The push only records the check with a pending reading; the reading itself runs as a
background job (webapp/background/tasks.py), so decoding a 12-frame burst never holds the
database's write lock while other technicians wait to sync.
"""
import io
import json
import pathlib

from ..db import one, transaction
from ..sync import uploads
from ..timeutil import to_text, utcnow
from . import catalog, reader, vp8

THUMB_WIDTH = 480
MIN_BURST_FRAMES = 10
# What a check holds until the job has read its photo: no LEDs, nothing wrong with it yet.
PENDING_READING = {"pending": True, "quality": {"ok": True, "problems": []}, "leds": []}
# Reading attempts before a check is given up as "not_read" (issue 18 item 8). The same photo fails the same way
# each time (a reader bug on it, a blob file that cannot be read, a decode that gets the worker killed for memory),
# so more attempts only keep the technician waiting; three, as the one job and its two retries before, still ride
# out what passes (a worker restarted by a deploy, a file or database busy for a moment).
MAX_READ_ATTEMPTS = 3


def resolve_model(model_id, labels, kind):
    """The catalog model, or the technician's own list of LEDs; ValueError when neither is usable."""
    if model_id and model_id != "custom":
        model = catalog.model(model_id)
        if model is None:
            raise ValueError("model")
        return model
    return catalog.custom(catalog.parse_labels(labels), "router" if kind == "router" else "ont")


def stored_model(row):
    """The model of a stored LED check row: its catalog model, or its technician's lights as stored (names checked when
    the check was pushed; a check stored before a rule on names was added still reads)."""
    model = catalog.model(row["model_id"]) if row["model_id"] != "custom" else None
    return model or catalog.custom(json.loads(row["labels"]), "router" if row["model_kind"] == "router" else "ont")


def source_jpeg(value):
    """The header of the JPEG a photo was picked as, which the phone read before it re-encoded the photo
    (offline/photos.js jpegColour): {"side": its long side in pixels (1–65535, T.81 B.2.2; the push also refuses one
    under the stored copy's, which the phone never enlarges), "chroma_block": the size in its pixels of a block of its
    colour (8 × the most the brightness's sampling factors exceed the colour's, across or down, 8–32),
    "chroma_table_sum": the sum of its colour's quantization table (64 × 1 to 64 × 65535, T.81 B.2.4.1)} → that dict
    (numbers as floats and ints). A lossy WebP picked instead (photos.js webpColour): {"side", "chroma_ac_step": the
    step its coarsest segment rounds colour by, one of RFC 6386 14.1's (vp8.AC_STEPS)}. None → None. ValueError for anything else (the
    reader would take it on trust)."""
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"side", "chroma_ac_step"}:
        side, step = value["side"], value["chroma_ac_step"]
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (side, step)) or not (
                1 <= side <= 16383 and step in vp8.AC_STEPS):  # VP8 sizes are 14 bits (RFC 6386 9.1), steps 14.1's
            raise ValueError("source_jpeg")
        return {"side": side, "chroma_ac_step": step}
    if not isinstance(value, dict) or set(value) != {"side", "chroma_block", "chroma_table_sum"}:
        raise ValueError("source_jpeg")
    side, block, total = value["side"], value["chroma_block"], value["chroma_table_sum"]
    whole = all(isinstance(n, int) and not isinstance(n, bool) for n in (side, total))
    if not whole or isinstance(block, bool) or not isinstance(block, (int, float)) or not (
            1 <= side <= 65535 and 8 <= block <= 32 and 64 <= total <= 64 * 65535):  # NaN fails the comparison
        raise ValueError("source_jpeg")
    return {"side": side, "chroma_block": float(block), "chroma_table_sum": total}


def analyze(data, capture, frames, model, source=None):
    """Read a stored photo (or a burst sheet of `frames` frames) → (reading, thumbnail JPEG bytes); (not_read(), None)
    when the file cannot be decoded. `source`: a single photo's source_jpeg, or None."""
    try:
        image = reader.open_photo(data, frames=frames if capture == "burst" and isinstance(frames, int) else 1,
                                  source=source if capture == "photo" else None)
        images = reader.split_sheet(image, frames) if capture == "burst" else [image]
    except reader.PhotoError:  # stored blobs were re-encoded at upload; a file damaged since, or a burst whose
        # frames do not fit, ends as a reading that failed (review r7: "unreadable" made the phone ask for a retake
        # of a photo it had read itself, and kept no reader version): the technician reads the lights by eye
        return not_read(), None
    result = reader.read(images, model)
    shown = images[0]
    if capture == "burst" and result["leds"]:
        shown = images[len(images) // 2]
    thumb = shown.copy()
    thumb.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 4))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80)
    result["reader"] = reader.VERSION
    result["frame"] = {"width": shown.width, "height": shown.height}
    return result, out.getvalue()


def pending_check(db, check_id):
    """The LED check row still waiting for its reading, or None (read already, or gone)."""
    row = one(db, "SELECT * FROM led_checks WHERE id = ?", [check_id])
    if row is None or not json.loads(row["reading"]).get("pending"):
        return None
    return row


def waiting_since(db, before):
    """Ids of checks that still wait for a reading and whose last attempt (or push, when none) is before `before`
    (stored time text): a lost job. A check given its final reading ("not_read" after MAX_READ_ATTEMPTS) waits no more.
    """
    return [row["id"] for row in db.query(
        "SELECT c.id FROM led_checks c LEFT JOIN led_read_attempts a ON a.check_id = c.id"
        " WHERE json_extract(c.reading, '$.pending') AND c.created_at < ? AND (a.last_at IS NULL OR a.last_at < ?)",
        [before, before])]


def begin_attempt(db, check_id, now):
    """Count one more reading attempt of check `check_id` at `now` (aware datetime), committed before the reading
    starts so that it survives a worker killed half-way → the attempt's number, 1 for the first.

    The count lives in led_read_attempts, not on the check: an update of led_checks is a change every phone pulls.
    """
    with transaction(db):
        return db.conn.execute(
            "INSERT INTO led_read_attempts (check_id, attempts, last_at) VALUES (?, 1, ?)"
            " ON CONFLICT (check_id) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at RETURNING attempts",
            [check_id, to_text(now)]).fetchall()[0][0]


def not_read():
    """The final reading of a check whose photo could not be read in MAX_READ_ATTEMPTS attempts: no lights, the
    problem "not_read" (the phone and the order page ask the technician to look at the lights and tap them)."""
    return {"quality": {"ok": False, "problems": ["not_read"]}, "leds": [], "reader": reader.VERSION}


def read_stored(db, row, folder):
    """Read a check's stored photo with no transaction open → (reading, thumbnail SHA-256 or None)."""
    model = stored_model(row)
    data = load_blob(db.conn, folder, row["sha256"])
    if data is None:  # the blob was checked when the check was pushed; it can only vanish by hand
        return {"quality": {"ok": False, "problems": ["unreadable"]}, "leds": [], "reader": reader.VERSION}, None
    source = json.loads(row["source_jpeg"]) if row["source_jpeg"] else None
    reading, thumb = analyze(data, row["capture"], row["frames"], model, source)
    thumb_sha = store_thumb(db, thumb, row["created_by"], folder, utcnow()) if thumb else None
    return reading, thumb_sha


def store_reading(db, row, reading, thumb_sha):
    """Write the reading in one short transaction; a second run (a retried job) changes nothing.

    Confirmations made while the reading was pending had nothing to differ from: their corrections (the field
    ground truth) are worked out now, against this reading (review r6).
    """
    # A single photo's "on" is "lit" in the order's history: one frame cannot show steady from flashing (review r51).
    single = not reading.get("steady_known", True)
    summary = (" ".join(f"{led['label']}:{'lit' if single and led['state'] == 'on' else led['state']}" for led in reading["leds"])
               or ",".join(reading["quality"]["problems"]))
    with transaction(db):
        changed = db.conn.execute("UPDATE led_checks SET reading = ?, thumb_sha256 = ? WHERE id = ? AND reading = ?",
                                  [json.dumps(reading, ensure_ascii=False), thumb_sha, row["id"], row["reading"]]).rowcount
        if changed:
            db.conn.execute("UPDATE order_events SET reason = ? WHERE order_id = ? AND action = 'led_check'"
                            " AND json_extract(details, '$.check_id') = ?", [summary[:500], row["order_id"], row["id"]])
            for confirmation in db.conn.execute("SELECT id, states FROM led_confirmations WHERE check_id = ?", [row["id"]]).fetchall():
                found = corrections(reading, json.loads(confirmation[1]))
                db.conn.execute("UPDATE led_confirmations SET corrections = ? WHERE id = ?", [json.dumps(found), confirmation[0]])


def record_confirmation(db, check, states, confirmation_id, user_id, when, received):
    """Keep `user_id`'s confirmation of LED check row `check` (sqlite3.Row): a new led_confirmations row (every earlier
    one kept, whoever made it) and the check's current word (confirmed, confirmed_at, confirmed_by). Runs inside the
    caller's transaction.

    states: [{"label", "state", "color"}] as check_states returns them; when: aware datetime of the tap (judged),
    received: aware datetime the server got it. Returns the corrections: [] while the reading is pending (store_reading
    fills them in when it arrives).
    """
    found = corrections(json.loads(check["reading"]), states)
    db.conn.execute("INSERT INTO led_confirmations (id, check_id, states, corrections, created_by, created_at, confirmed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", [confirmation_id, check["id"], json.dumps(states), json.dumps(found),
                                                      user_id, to_text(received), to_text(when)])
    db.conn.execute("UPDATE led_checks SET confirmed = ?, confirmed_at = ?, confirmed_by = ? WHERE id = ?",
                    [json.dumps(states), to_text(when), user_id, check["id"]])
    return found


def load_blob(db, folder, sha):
    row = db.execute("SELECT path FROM blobs WHERE sha256 = ?", [sha]).fetchone()
    return (pathlib.Path(folder) / row[0]).read_bytes() if row else None


def store_thumb(db, data, user_id, folder, now):
    return uploads.store_bytes(db, data, "image/jpeg", user_id, uploads.blob_dir(folder), now)


class ColorProblem(ValueError):
    """A light confirmed in a colour it cannot show: `label`, the `color` said, the light's `colors`."""

    def __init__(self, label, color, colors):
        super().__init__("color")
        self.label, self.color, self.colors = label, color, colors


class TappedProblem(ValueError):
    """A light's "tapped" that is not a boolean: `label`, the light's."""

    def __init__(self, label):
        super().__init__("tapped")
        self.label = label


def check_states(states, leds, partial=False):
    """The technician's states for each LED, left to right: [{label, state, color}]. `leds`: the model's lights
    ([{"label", "colors"}], catalog.model or catalog.custom). ValueError when they do not fit the check; ColorProblem
    (a ValueError) for a lit light in a colour outside its catalog colours (an uncatalogued panel's: catalog.COLORS;
    review r7: LOS, red only, confirmed "green" would be kept as field ground truth). With `partial` (the taps saved
    with a photo) a light may also be "unsure": not tapped, left to the reading; such taps are no confirmation
    (review r5). A confirmation's light may carry "tapped": true, kept as {"tapped": True}: the technician tapped it to
    its state rather than taking the photo's word, so a single photo's lit light tapped "on" is steady (photo_lit);
    the taps saved with a photo are all the technician's, so there it is dropped; anything but a boolean is
    TappedProblem (a ValueError)."""
    if not isinstance(states, list) or len(states) != len(leds):
        raise ValueError("count")
    allowed = catalog.STATES + ("unsure",) if partial else catalog.STATES
    clean = []
    for item, led in zip(states, leds):
        label = led["label"]
        if not isinstance(item, dict) or item.get("label") != label or not isinstance(item.get("state"), str) \
                or item["state"] not in allowed:
            raise ValueError("state")
        color = item.get("color")
        if item["state"] in ("off", "unsure"):
            color = None
        elif color is not None and (not isinstance(color, str) or color not in catalog.COLORS):
            raise ValueError("color")
        elif color is not None and color not in led["colors"]:
            raise ColorProblem(label, color, list(led["colors"]))
        tapped = item.get("tapped", False)
        if not isinstance(tapped, bool):
            raise TappedProblem(label)
        tapped = tapped and not partial  # the taps saved with a photo are all the technician's word already
        clean.append({"label": label, "state": item["state"], "color": color, **({"tapped": True} if tapped else {})})
    return clean


def corrections(reading, states):
    """Where the technician's states differ from the reader's: the field ground truth.

    reading: the reader's result ({"leds": [{"label", "state", "lean"?, "color", "confidence"}]});
    states: the confirmed [{"label", "state", "color"}]. An "unsure" light confirmed in the state it
    leans to was settled, not corrected; against its lean it counts (one with no lean said nothing). Returns
    [{"label", "read": {...}, "confirmed": {...}}]; the phone counts the same way
    (offline/screens/led-check.js differsFrom). A single photo's "on" confirmed flashing is no correction: one photo
    shows a light lit, not whether it flashes.
    """
    read = {led["label"]: led for led in reading.get("leds", [])}
    single = reading.get("steady_known") is False  # one photo: its "on" is lit, steady or flashing (review r52)
    found = []
    for item in states:
        guess = read.get(item["label"])
        if guess is None:
            continue
        said = guess.get("lean") if guess["state"] == "unsure" else guess["state"]
        if said is None:
            continue
        if single and said == "on" and item["state"] == "blinking":
            said = "blinking"  # the photo said lit; flashing is lit
        if said != item["state"] or (item["state"] != "off" and item["color"] and guess.get("color") != item["color"]):
            found.append({"label": item["label"], "read": {"state": guess["state"], "lean": guess.get("lean"), "color": guess.get("color"),
                                                           "confidence": guess.get("confidence")},
                          "confirmed": {"state": item["state"], "color": item["color"]}})
    return found


def for_order(db, order_id):
    """The order's LED checks in the order they were taken, newest last, with what the phone and the order page show.

    Taken: the time recorded for the check (taken_at: the phone's time when plausible, else the push's receipt), then
    the order they arrived in (rowid: a push applies its mutations in the phone's outbox order), never the random id
    (review r7: two checks synced in one push came back in UUID order, and the phone's fault tree takes the last).
    """
    result = []
    history = confirmations_of(db, order_id)
    for row in db.query("SELECT c.*, u.display_name AS technician, b.display_name AS confirmed_by_name,"
                        " (SELECT COUNT(*) FROM led_confirmations f WHERE f.check_id = c.id) AS confirmations"
                        " FROM led_checks c LEFT JOIN users u ON u.id = c.created_by LEFT JOIN users b ON b.id = c.confirmed_by"
                        " WHERE c.order_id = ? ORDER BY COALESCE(c.taken_at, c.created_at), c.rowid", [order_id]):
        model = catalog.model(row["model_id"])
        reading = json.loads(row["reading"])
        confirmed = json.loads(row["confirmed"]) if row["confirmed"] else None
        result.append({
            "id": row["id"], "model_id": row["model_id"], "model_kind": row["model_kind"],
            "model_name": f"{model['vendor']} {model['name']}" if model else "",
            "verified": bool(model and model["verified"]), "labels": json.loads(row["labels"]),
            "capture": row["capture"], "sha256": row["sha256"], "thumb_sha256": row["thumb_sha256"],
            "frames": row["frames"], "seconds": row["seconds"], "reading": reading,
            "tapped": json.loads(row["tapped"]) if row["tapped"] else None, "confirmed": confirmed,
            "corrected": [c["label"] for c in corrections(reading, confirmed)] if confirmed else [],
            "confirmed_at": row["confirmed_at"], "occurred_at": row["occurred_at"], "created_at": row["created_at"],
            "technician": row["technician"], "confirmations": row["confirmations"],
            "confirmed_by": row["confirmed_by_name"], "earlier_confirmations": history.get(row["id"], [])[:-1],
        })
        check = result[-1]
        check["single"] = single_photo(check, reading)
        check["photo_lit"] = photo_lit(check, confirmed)
        for earlier in check["earlier_confirmations"]:
            earlier["lit"] = photo_lit(check, earlier["states"])
    return result


def _decoded(check, key):
    """`check[key]` (for_order's dict holds it decoded, a led_checks row as JSON text) as Python; None when empty
    (NULL or an empty string)."""
    value = check[key]
    if isinstance(value, (str, bytes)):
        return json.loads(value) if value else None
    return value


def single_photo(check, reading=None):
    """Whether `check` (a dict or row with "reading", "capture", "frames") is one photo, which cannot show steady from
    flashing: its reading's steady_known is False (before the reading: a capture of one frame). `reading`: the check's
    reading already decoded, if it is."""
    reading = (reading if reading is not None else _decoded(check, "reading")) or {}
    known = reading.get("steady_known")
    if known is None:
        known = check["capture"] == "burst" and (check["frames"] or 1) > 1
    return not known


def photo_lit(check, states=None):
    """[bool] per light of `check` (for_order's dict, or a led_checks row): lit in a single photo, steady or flashing
    unknown.

    A capture of one frame cannot show flashing (single_photo), so a light the photo read "on" (or leant to "on" when
    unsure) is lit, steady or flashing unknown, unless the technician tapped it "on" with the photo. With `states` (a
    confirmation's [{"label", "state", "color", "tapped"?}]), a light is so only where that confirmation says "on"
    without "tapped": it took the photo's word; tapped "on" at the confirmation it is the technician's steady on. The
    phone tells the fault tree "lit" for these (offline/led.js confirmedLeds, review r7; the same rule, tested
    against this one in tests/test_led_lit_parity.py); the order page and the history say "lit, steady or flashing"
    for them (review r51).
    """
    reading = _decoded(check, "reading") or {}
    leds = reading.get("leds") or []
    if not single_photo(check, reading):
        return [False] * len(leds)
    taps = _decoded(check, "tapped") or []
    found = []
    for i, led in enumerate(leds):
        said = led.get("lean") if led.get("state") == "unsure" else led.get("state")
        tapped_on = i < len(taps) and (taps[i] or {}).get("state") == "on"
        if states is not None and i < len(states):
            now_on = states[i]["state"] == "on" and not states[i].get("tapped")
        else:
            now_on = said == "on"
        found.append(said == "on" and now_on and not tapped_on)
    return found


def state_words(states, lit):
    """A confirmation's states as the history stores them ("POWER:on LOS:off"), a light lit in a single photo
    (photo_lit's `lit`) as "lit" (webapp/filters.py event_reason shows them in words)."""
    return " ".join(f"{s['label']}:{'lit' if i < len(lit) and lit[i] else s['state']}" for i, s in enumerate(states))


def confirmations_of(db, order_id):
    """Every confirmation of the order's LED checks, oldest first → {check_id: [{"by": display name, "at": stored time
    text of the tap, "states": [...]}]}. The last one is the check's current word; the earlier ones stay for the record
    (a new holder after a reassignment confirms again, never over the previous technician's row)."""
    found = {}
    for row in db.query("SELECT f.check_id, f.states, COALESCE(f.confirmed_at, f.created_at) AS at, u.display_name AS by"
                        " FROM led_confirmations f JOIN led_checks c ON c.id = f.check_id LEFT JOIN users u ON u.id = f.created_by"
                        " WHERE c.order_id = ? ORDER BY f.rowid", [order_id]):
        found.setdefault(row["check_id"], []).append({"by": row["by"], "at": row["at"], "states": json.loads(row["states"])})
    return found
