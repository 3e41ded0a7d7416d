"""The mutations a technician's phone sends, each applied inside the push transaction.

A mutator returns the result for the phone or raises `Rejected` (permanent: the request can
never succeed; the push undoes its partial writes) or `Conflict` (someone else changed the
order meanwhile; the phone shows what happened). An error the same body would raise every time
(an IntegrityError, a TypeError on a field of a type no check foresaw) is refused like `Rejected`
(sync/protocol.py UNFIT); anything else is a temporary failure and rolls the whole batch back.
"""
import datetime
import hashlib
import hmac
import json
import re

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from .. import images, labels
from ..db import one
from ..orders import forms, store
from ..orders.lifecycle import ACTIONS, OPEN_STATES, STATES, TECHNICIAN, Refused
from ..orders.routes import fields_from
from ..orders.views import explain, form_errors
from ..playbooks import engine
from ..sla import notices as sla_notices
from ..enterprise import phone as enterprise_phone
from ..signoff import ink as signature_ink, report as signoff_report
from ..wifi import guidance as wifi_guidance, parsers as wifi_parsers
from ..timeutil import UTC, from_text, to_text
from . import briefcase, uploads

CLOCK_SKEW = datetime.timedelta(minutes=2)
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_INT = 2 ** 62  # what SQLite's INTEGER holds, with room


class Rejected(Exception):
    """A mutation that can never apply; the message is for the technician."""


class Conflict(Exception):
    """The order changed under the technician; `server_row` is what the server holds now."""

    def __init__(self, message, server_row):
        super().__init__(message)
        self.server_row = server_row


class Context:
    """Who sends the batch, when the server received it, the local zone, and the jobs it leaves behind."""

    def __init__(self, db, user, received, tz, client_id=None):
        self.db, self.user, self.received, self.tz = db, user, received, tz
        self.client_id = client_id  # the sending phone: its earlier steps are judged by its own clock
        # (job, *args) to queue once the push has committed: jobs read what the push wrote.
        self.after_commit = []
        # signature sha256 → (shows ink, the blob to keep or None when unreadable), worked out before
        # the write lock by prepare_signatures.
        self.signatures = {}
        # id(a wifi_survey's args) → its channel analysis or the Rejected to raise (prepare_surveys).
        self.analyses = {}


def judge_time(ctx, order, occurred_at):
    """Return (moment to record, evidence for the audit trail) for a mutation made on a phone.

    Everything a phone sends happened on the phone, so its time is recorded when plausible
    (design/sync-protocol.md §7): not in the future (beyond CLOCK_SKEW), not before the order
    was created, and not before the order's previous step. The previous step is judged by the
    time the same phone gave it (`_previous_step`), so a visit recorded offline for hours keeps
    every step's own time instead of the first sync's (issue 15 item 1). The evidence keeps
    both times (`device_time`, `received_at`) and which phone sent it (`client_id`).
    """
    received = ctx.received
    evidence = {"received_at": to_text(received), "device_time": None, "client_id": ctx.client_id}
    device = _parse_time(occurred_at)
    if device is None:
        return received, evidence
    evidence["device_time"] = to_text(device)
    if device > received + CLOCK_SKEW:
        evidence["device_time_ignored"] = "in the future"
    elif device < from_text(order["created_at"]):
        evidence["device_time_ignored"] = "before the order was created"
    elif device < _previous_step(ctx.db, order["id"], ctx.client_id):
        evidence["device_time_ignored"] = "before the order's last recorded step"
    else:
        evidence["device_time_used"] = True
        return min(device, received), evidence
    return received, evidence


def _previous_step(db, order_id, client_id):
    """The time of the order's latest step, as the phone `client_id` recorded its own steps.

    A step from the same phone counts at the phone's time for it (even one the server could not
    use), a step by anyone else at the time recorded for it; a note by someone else is no step
    (the desk writes notes at any time), and neither is what the system did (sweeps, banners).
    """
    row = one(db, "SELECT MAX(CASE WHEN json_extract(details, '$.client_id') = :phone"
                  " AND json_extract(details, '$.device_time') IS NOT NULL THEN json_extract(details, '$.device_time')"
                  " ELSE at END) AS at FROM order_events WHERE order_id = :order AND actor_id IS NOT NULL"
                  " AND (action != 'add_note' OR json_extract(details, '$.client_id') = :phone)",
              {"phone": client_id or "", "order": order_id})
    return from_text(row["at"]) if row and row["at"] else datetime.datetime.min.replace(tzinfo=UTC)


def _parse_time(text):
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0)


def _language():
    """"zh" or "en": the language of the person whose phone sent the change."""
    from flask_babel import get_locale
    return "en" if str(get_locale()).startswith("en") else "zh"


def _order_id(args):
    value = args.get("order_id")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise Rejected(_("The change does not say which order it is for."))
    return value


def _text(args, name, limit, required=False):
    value = args.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit:
        raise Rejected(_("“%(field)s” is not valid text of at most %(limit)d characters.", field=name, limit=limit))
    if required and not value.strip():
        raise Rejected(_("“%(field)s” is required.", field=name))
    return value.strip()


def _load(ctx, order_id):
    """The order, if the sender holds or once held it; else the same refusal as for no order at all."""
    order = one(ctx.db, "SELECT * FROM orders WHERE id = ?", [order_id])
    if order is None or (order["technician_id"] != ctx.user.id and not briefcase.ever_held(ctx.db, order["id"], ctx.user.id)):
        raise Rejected(_("This order does not exist, or it was never yours."))
    return order


def _not_yours(order):
    return Conflict(_("Order %(no)s was reassigned to another technician; it is no longer yours.", no=order["order_no"]),
                    {"id": order["id"], "order_no": order["order_no"], "assigned_to_you": False})


def _holder(ctx, order):
    """Findings that make work for the desk (runs, surveys, LED checks, sign-offs) come only from the holder."""
    if order["technician_id"] != ctx.user.id:
        raise _not_yours(order)


def _open(order, message):
    """An LED check or confirmation goes on an open order only, as a note does (orders/store.py _add_note): once the
    order is closed, returned, unsolved or cancelled its findings stand as they were (review r9)."""
    if order["state"] not in OPEN_STATES:
        raise Rejected(message)


def _derived_key(ctx, table, phone_id):
    secret = current_app.config["SECRET_KEY"]
    key = secret.encode() if isinstance(secret, str) else secret
    return "s-" + hmac.new(key, f"{table}:{ctx.user.id}:{phone_id}".encode(), hashlib.sha256).hexdigest()[:40]


def own_key(ctx, table, phone_id, column="id", author="created_by"):
    """(key to store under, already stored?) for an id the sender's phone chose.

    Ids are the phone's UUIDs, stored as they are. When someone else already holds the same id
    (copied, or chosen to block), the sender's row goes under a key derived from the sender and
    the id with the server's secret, which nobody else can compute: another person's id can
    neither collide with nor lock out anyone, and a replay finds the sender's own row.
    """
    for key in (phone_id, _derived_key(ctx, table, phone_id)):
        row = one(ctx.db, f"SELECT {author} AS author FROM {table} WHERE {column} = ?", [key])
        if row is None:
            return key, False
        if row["author"] == ctx.user.id:
            return key, True
    raise Rejected(_("This change's id is already taken; the app makes a new one when you do it again."))


def _usable_blob(ctx, sha, message, images_only=True):
    """Refuse a blob the sender neither uploaded nor may see on an order (the same words as a missing one), or, where
    the server refused the sender's own upload of it, with that upload's reason (uploads.refused_upload).

    Photos, LED photos and signatures must be images: a capture file (pcap, text) is only ever a
    slow-speed run's capture (issue 21 item 6).
    """
    if not isinstance(sha, str) or not SHA256.match(sha):
        raise Rejected(message)
    if not uploads.may_use(ctx.db, ctx.user, sha):
        raise Rejected(uploads.refused_upload(ctx.db, ctx.user.id, sha) or message)
    if images_only and not uploads.is_image(ctx.db, sha):
        raise Rejected(message)


def _shows_something(ctx, sha, frames=1):
    """Refuse a photo (one frame of a burst) over images.MAX_ASPECT times longer than wide (a thin strip), or under
    images.MIN_PHOTO_SIDE on its short side (a thumbnail or an icon), or a burst whose picture has fewer rows than
    frames.

    Checked on the stored blob, after _usable_blob; the phone refuses it before queuing (offline/photos.js shrunk).
    → the stored picture's (width, height) in pixels.
    """
    blob = one(ctx.db, "SELECT width, height FROM blobs WHERE sha256 = ?", [sha])
    if blob["height"] < frames:  # review r60: a frame under one row was called "200 × 0 pixels"
        raise Rejected(_("The burst's picture has fewer rows (%(rows)d) than frames (%(frames)d): take the burst again.",
                         rows=blob["height"], frames=frames))
    width, height = blob["width"], blob["height"] // frames
    if frames > 1 and (images.too_thin(width, height) or min(width, height) < images.MIN_PHOTO_SIDE):
        # a burst is the phone's own camera frames: "a thumbnail" or "choose another" says nothing of it (review r62)
        raise Rejected(_("The burst's frames are too small to show anything (%(width)d × %(height)d pixels each): take "
                         "the burst again.", width=width, height=height))
    if images.too_thin(width, height):
        raise Rejected(_("This picture is a thin strip, not a photo of a panel: take a photo, or choose another."))
    if min(width, height) < images.MIN_PHOTO_SIDE:
        raise Rejected(_("The photo is too small to show anything (%(width)d × %(height)d pixels): it is a thumbnail or "
                         "an icon. Take it with the phone's camera, or choose the original photo.",
                         width=width, height=height))
    return blob["width"], blob["height"]


def _foreign_changes(ctx, order, base_version):
    """Steps someone else took on the order after the version the phone saw.

    Notes and corrected details (an edited address or phone) do not stop a technician's queued step.
    """
    if base_version is None or base_version >= order["version"]:
        return []
    return list(ctx.db.query(
        "SELECT e.*, u.display_name AS actor FROM order_events e LEFT JOIN users u ON u.id = e.actor_id"
        " WHERE e.order_id = ? AND e.version > ? AND e.action NOT IN ('add_note', 'edit') AND e.actor_id IS NOT ?"
        " ORDER BY e.id", [order["id"], base_version, ctx.user.id]))


def action_for(order, to):
    """The technician action that takes this order to state `to`, if any."""
    if order["state"] == "suspended" and to == order["resume_state"]:
        return "resume"
    for action in ACTIONS.values():
        if action.roles & TECHNICIAN and action.target == to:
            return action.name
    return None


def _form_fields(action, args, order_type=None):
    """Validate the fields of an action with the same form the web page uses (an installation's reply has its own)."""
    form_class = forms.form_for(action, order_type)
    if form_class is None:
        return {}
    raw = args.get("fields") or {}
    if not isinstance(raw, dict):
        raise Rejected(_("The form that came with this change is not readable."))
    data = MultiDict()
    for name, value in {**raw, "reason": args.get("reason", raw.get("reason", ""))}.items():
        if value is True:
            data[name] = "y"
        elif value in (None, False):
            continue
        elif isinstance(value, (str, int, float)):
            data[name] = str(value)
        else:
            raise Rejected(_("The form that came with this change is not readable."))
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        raise Rejected(" ".join(form_errors(form)))
    return fields_from(form, action)


def transition(ctx, args, base_version, occurred_at):
    """order.transition {order_id, to, reason?, fields?}: accept, appoint, depart, arrive, restore, return…"""
    order = _load(ctx, _order_id(args))
    to = args.get("to")
    if to not in STATES:
        raise Rejected(_("The change names no state the order could move to."))
    if order["technician_id"] != ctx.user.id:
        raise _not_yours(order)
    foreign = _foreign_changes(ctx, order, base_version)
    if foreign:
        last = foreign[-1]
        raise Conflict(_("While you were offline, %(who)s did “%(what)s” on order %(no)s; it is now “%(state)s”.",
                         who=last["actor"] or _("the system"), what=labels.order_label(last["action"], "action", order["order_type"]),
                         no=order["order_no"], state=labels.order_label(order["state"], "state", order["order_type"])),
                       briefcase.bundle(ctx.db, order))
    action = action_for(order, to)
    if action is None:
        raise Rejected(_("A technician cannot move an order to “%(state)s”.", state=labels.label(to, "state")))
    fields = _form_fields(action, args, order["order_type"])
    when, evidence = judge_time(ctx, order, occurred_at)
    try:
        store._apply(ctx.db, order, action, ctx.user, fields, when, ctx.tz, evidence=evidence)
    except Refused as refused:
        raise Rejected(explain(refused)) from None
    return {"row_version": order["version"] + 1}


def add_note(ctx, args, base_version, occurred_at):
    """order.add_note {order_id, note_id, text}: append-only, never a conflict."""
    order = _load(ctx, _order_id(args))
    note_id = _text(args, "note_id", 64, required=True)
    form = forms.NoteForm(formdata=MultiDict({"text": args.get("text") if isinstance(args.get("text"), str) else ""}),
                          meta={"csrf": False})
    if not form.validate():
        raise Rejected(" ".join(form_errors(form)))
    note_key, done = own_key(ctx, "order_notes", note_id, column="uid", author="author_id")
    if done:
        return {"row_version": order["version"]}
    when, evidence = judge_time(ctx, order, occurred_at)
    try:
        store._add_note(ctx.db, order, ctx.user, form.text.data.strip(), when, ctx.tz, uid=note_key, evidence=evidence)
    except Refused as refused:
        raise Rejected(explain(refused)) from None
    return {"row_version": order["version"]}


def attach_photo(ctx, args, base_version, occurred_at):
    """order.attach_photo {order_id, photo_id, sha256, caption?, kind?}: the blob must be uploaded first."""
    order = _load(ctx, _order_id(args))
    photo_id = _text(args, "photo_id", 64, required=True)
    sha = args.get("sha256")
    if not isinstance(sha, str) or not SHA256.match(sha):
        raise Rejected(_("The photo reference is not valid."))
    kind = args.get("kind", "photo")
    if kind not in ("photo", "signature"):
        raise Rejected(_("Unknown kind of attachment."))
    caption = _text(args, "caption", 200)
    photo_id, done = own_key(ctx, "attachments", photo_id)
    if done:
        return {"row_version": order["version"]}
    _usable_blob(ctx, sha, _("The photo itself never reached the server (or could not be read as an image); take it again."))
    if kind == "photo":
        _shows_something(ctx, sha)
    when, evidence = judge_time(ctx, order, occurred_at)
    ctx.db.conn.execute(
        "INSERT INTO attachments (id, order_id, kind, sha256, caption, taken_at, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [photo_id, order["id"], kind, sha, caption, evidence["device_time"], ctx.user.id, to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "attach_photo", order["state"], order["state"], when,
                       reason=caption, details={"sha256": sha, "kind": kind, **evidence}, version=order["version"])
    return {"row_version": order["version"]}


def record_run(ctx, args, base_version, occurred_at):
    """order.record_run {order_id, run_id, playbook, version, steps, outcome, note?}: append-only.

    The run is replayed against the version of the playbooks it followed (the current one or an
    archived one, webapp/playbooks/archive/), with the order's access type: a path that could not
    have happened, an outcome it does not reach, or a version this server never had is refused
    with the reason. The run keeps the version it followed.
    """
    order = _load(ctx, _order_id(args))
    run_id = _text(args, "run_id", 64, required=True)
    note = _text(args, "note", 2000)
    run_id, done = own_key(ctx, "diagnostic_runs", run_id)
    if done:
        return {"row_version": order["version"]}
    _holder(ctx, order)
    data = engine.tree(args.get("version"))
    if data is None:
        raise Rejected(_("This fault-finding run used a version of the guide this server does not know (%(old)s, now %(new)s); run it again.",
                         old=str(args.get("version"))[:20], new=engine.load()["version"]))
    try:
        outcome = engine.check_run(data, args.get("playbook"), args.get("steps"), order["access_type"])
    except engine.InvalidRun as invalid:
        raise Rejected(_("This fault-finding run could not have happened: %(why)s",
                         why=_(invalid.message, **invalid.in_language(invalid.params, _language())))) from None
    if args.get("outcome") != outcome:
        raise Rejected(_("This fault-finding run ends at “%(outcome)s”, not where it says.", outcome=outcome))
    conclusion = data["outcomes"][outcome]
    if conclusion.get("gap") and not note:
        raise Rejected(_("The guide does not cover this case: describe what you saw in the note."))
    kept = ("node", "answer", "value", "checked", *engine.DETAIL_KEYS)  # what was measured and how (issue 21 item 6)
    steps = [{key: step[key] for key in kept if key in step} for step in args["steps"]]
    when, evidence = judge_time(ctx, order, occurred_at)
    stamp = to_text(ctx.received)
    ctx.db.conn.execute(
        "INSERT INTO diagnostic_runs (id, order_id, playbook, playbook_version, steps, outcome, note, created_by,"
        " occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, order["id"], args["playbook"], data["version"], json.dumps(steps, ensure_ascii=False), outcome, note,
         ctx.user.id, evidence["device_time"], stamp])
    for kind in conclusion.get("tasks", []):
        ctx.db.conn.execute("INSERT INTO desk_tasks (id, order_id, run_id, kind, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                            [f"{run_id}:{kind}", order["id"], run_id, kind, ctx.user.id, stamp])
    for kind in conclusion.get("followups", []):
        ctx.db.conn.execute("INSERT INTO order_followups (id, order_id, run_id, kind, created_at) VALUES (?, ?, ?, ?, ?)",
                            [f"{run_id}:{kind}", order["id"], run_id, kind, stamp])
    store.record_event(ctx.db, order["id"], ctx.user.id, "record_run", order["state"], order["state"], when,
                       reason=conclusion["text"]["zh"], details={"run_id": run_id, "playbook": args["playbook"],
                                                                 "outcome": outcome, **evidence}, version=order["version"])
    return {"row_version": order["version"]}


MAX_SURVEY_NETWORKS = wifi_guidance.MAX_NETWORKS  # the analysis keeps at most these (webapp/wifi/guidance.py)


def wifi_survey(ctx, args, base_version, occurred_at):
    """order.wifi_survey {order_id, survey_id, source, format?, networks, own_ssid?, country?}: append-only.

    The networks are checked like an imported scan, and the recommendation is worked out
    again here: what is stored is the server's answer, whatever the phone showed.
    """
    order = _load(ctx, _order_id(args))
    survey_id = _text(args, "survey_id", 64, required=True)
    source = args.get("source")
    if source not in ("typed", "file", "scan"):
        raise Rejected(_("Say whether the Wi-Fi networks were typed in or come from a scan file."))
    networks = args.get("networks")
    if not isinstance(networks, list) or len(networks) > MAX_SURVEY_NETWORKS:
        raise Rejected(_("A Wi-Fi survey holds a list of at most %(n)d networks.", n=MAX_SURVEY_NETWORKS))
    own = _text(args, "own_ssid", wifi_guidance.MAX_SSID) or None
    survey_id, done = own_key(ctx, "wifi_surveys", survey_id)
    if done:
        return {"row_version": order["version"]}
    _holder(ctx, order)
    prepared = ctx.analyses.get(id(args))
    if prepared is None:
        prepared = _survey_analysis(args, source, networks, own)
    if isinstance(prepared, Rejected):
        raise prepared
    result = prepared
    when, evidence = judge_time(ctx, order, occurred_at)
    recommendation, findings = wifi_guidance.to_store(result["recommendation"], result["findings"])
    ctx.db.conn.execute(
        "INSERT INTO wifi_surveys (id, order_id, source, format, country, own_ssid, networks, recommendation, findings,"
        " created_by, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [survey_id, order["id"], source, result["format"], result["country"], own,
         json.dumps(result["networks"], ensure_ascii=False), json.dumps(recommendation, ensure_ascii=False),
         json.dumps(findings, ensure_ascii=False), ctx.user.id, evidence["device_time"], to_text(ctx.received)])
    summary = "；".join(f"{band} GHz → {rec['channel']}" for band, rec in result["recommendation"].items() if rec)
    store.record_event(ctx.db, order["id"], ctx.user.id, "wifi_survey", order["state"], order["state"], when,
                       reason=summary, details={"survey_id": survey_id, **evidence}, version=order["version"])
    return {"row_version": order["version"]}


def _off_band(entries):
    """The networks of a survey's "off_band" (dicts in network()'s shape) that the server too reads in no band."""
    kept = []
    for entry in entries:
        try:
            found = wifi_parsers.parse_ontrack(json.dumps({"networks": [entry]}))
        except (wifi_parsers.ScanFormatError, ValueError, OverflowError, TypeError):
            found = [wifi_parsers.network(None, "")]  # heard, but on nothing a number names ("?")
        kept += [n for n in found if n["band"] is None]
    return kept


def _survey_analysis(args, source, networks, own):
    """The server's own reading of a survey's networks (guidance.analyze), or the Rejected to raise. The
    analysis's "off_band" networks sent back with them (at most OFF_BAND_KEPT) are read again, so the survey saved
    says them as the preview did (off_band_networks): each on its own; one the server reads on a band is no
    network of the survey (only `networks` are), one it cannot read at all (no channel, no frequency: iwinfo's
    "Channel: unknown") is counted as "?"."""
    off_band = args.get("off_band") or []
    if not isinstance(off_band, list):
        return Rejected(_("The Wi-Fi networks are not readable: %(why)s", why=_("\"networks\" must be a list.")))
    if len(off_band) > wifi_guidance.OFF_BAND_KEPT:
        return Rejected(_("At most %(count)d networks in no Wi-Fi band come with a survey.",
                          count=wifi_guidance.OFF_BAND_KEPT))
    try:
        _fmt, checked, unbanded = wifi_parsers.read_scan(json.dumps({"networks": networks}), "ontrack")
        unbanded += _off_band(off_band)
        wifi_guidance.check_networks(checked)
        return wifi_guidance.analyze(str(args.get("format") or source)[:20], checked, str(args.get("country") or "CN")[:8],
                                     own, off_band=unbanded)
    except wifi_parsers.ScanFormatError as exc:
        return Rejected(_("The Wi-Fi networks are not readable: %(why)s", why=str(exc)))
    except ValueError as exc:
        return Rejected(str(exc))


def prepare_surveys(ctx, mutations):
    """Before the push takes the write lock: the channel analysis of each Wi-Fi survey in the batch
    (up to 1,000 networks: 31 ms each, 120 ms for 5,000; review r1), into ctx.analyses by the
    mutation's args. The survey is still checked in full when it is applied."""
    for m in mutations:
        args = m["args"]
        if m.get("name") != "order.wifi_survey" or args.get("source") not in ("typed", "file", "scan"):
            continue
        networks = args.get("networks")
        if not isinstance(networks, list) or len(networks) > MAX_SURVEY_NETWORKS:
            continue
        try:
            own = _text(args, "own_ssid", wifi_guidance.MAX_SSID) or None
        except Rejected:
            continue
        ctx.analyses[id(args)] = _survey_analysis(args, args["source"], networks, own)


SIGNATURE_BOX = (2000, 800)  # the largest signature kept, in pixels (signature pads are far smaller)


def sign_off(ctx, args, base_version, occurred_at):
    """order.sign_off {order_id, signoff_id, signer_name, signer_role?, survey, signature_sha256, remarks?,
    tester_signature_sha256?, test_indicators? ({indicator id: value}) | report.test_report.values, test_remark?,
    report_hash?}.

    The report's facts (operator, order, customer, address, technician, found, done, readings,
    photos) are built here from the server's own records; the phone contributes only what
    happened on site: the customer's answers and signature, the technician's own words
    (`remarks`) and, on an enterprise line, the measured indicators with the tester's signature.
    The stored hash covers exactly what the server holds. The hash the phone showed the customer
    is kept as evidence in the audit trail, with whether it matches.
    """
    from ..signoff import content
    order = _load(ctx, _order_id(args))
    signoff_id, done = own_key(ctx, "signoffs", _text(args, "signoff_id", 64, required=True))
    if done:
        return {"row_version": order["version"]}
    _holder(ctx, order)
    if order["state"] not in ("restored", "returned"):
        raise Rejected(_("The customer signs after the service is restored."))
    signer = _text(args, "signer_name", 40, required=True)
    shown = args.get("report")  # what the phone showed: only its order number and the enterprise indicators are read
    if shown is not None and (not isinstance(shown, dict) or shown.get("order_no") != order["order_no"]):
        raise Rejected(_("The signed report does not match this order or its signature."))
    role = args.get("signer_role") or (shown or {}).get("signer_role") or "customer"
    if role not in ("customer", "account_manager"):
        raise Rejected(_("The signer is the customer or the account manager."))
    try:
        survey = signoff_report.check_survey(args.get("survey"))
    except ValueError:
        raise Rejected(_("The customer's answers are incomplete: solved, attitude, charged and a score from 1 to 10."))
    remarks = _text(args, "remarks", 500)
    signature = _signature_blob(ctx, args.get("signature_sha256"))
    test_report = _test_report(ctx, order, args, shown)
    version = one(ctx.db, "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM signoffs WHERE order_id = ?", [order["id"]])["v"]
    when, evidence = judge_time(ctx, order, occurred_at)
    body = content.build(ctx.db, order, current_app.config["OPERATOR_NAME"], ctx.user.display_name, signer,
                         role, survey, signature, to_text(when))
    if remarks:
        body["remarks"] = remarks
    if test_report:
        body["test_report"] = test_report
    digest = signoff_report.digest(body)
    claimed = args.get("report_hash") if isinstance(args.get("report_hash"), str) else None
    tester = test_report["tester_signature_sha256"] if test_report else None
    ctx.db.conn.execute(
        "INSERT INTO signoffs (id, order_id, version, channel, report, report_hash, signature_sha256, tester_signature_sha256,"
        " signer_name, survey, signed_at, created_by, created_at) VALUES (?, ?, ?, 'onsite', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [signoff_id, order["id"], version, signoff_report.canonical(body).decode(), digest, signature, tester, signer,
         json.dumps(survey, ensure_ascii=False), to_text(when), ctx.user.id, to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "sign_off", order["state"], order["state"], when, reason=signer,
                       details={"signoff_id": signoff_id, "version": version, "report_hash": digest,
                                "phone_hash": (claimed or "")[:64], "phone_hash_matches": claimed == digest, **evidence},
                       version=order["version"])
    return {"row_version": order["version"], "report_hash": digest}


SIGNATURE_ARGS = ("signature_sha256", "tester_signature_sha256")


def prepare_signatures(ctx, mutations):
    """Before the push takes the write lock: read each signature its sign-offs name (ink or blank)
    and make the downscaled copy of one larger than SIGNATURE_BOX (decoded, re-encoded and written
    to disk here, its row stored in a short transaction of its own), into ctx.signatures.

    Decoding a 6000 × 6000 signature takes about a second; inside the push's transaction a batch
    of them stopped every other technician's push (review r1, issue 14 item 2: nothing slow while
    the write lock is held). Only blobs the sender may use are read; the sign-off still checks
    everything when it is applied.
    """
    shas = set()
    for m in mutations:  # only well-formed names: a list or an object there is refused when the change is applied
        if m.get("name") == "order.sign_off":  # (a set of them was a TypeError, a 500 for the batch: fresh review)
            shas.update(sha for sha in (m["args"].get(key) for key in SIGNATURE_ARGS)
                        if isinstance(sha, str) and SHA256.match(sha))
    root = None
    for sha in sorted(shas):
        if not (uploads.may_use(ctx.db, ctx.user, sha) and uploads.is_image(ctx.db, sha)):
            continue
        has_ink = signature_ink.stored_signature_has_ink(ctx.db, sha)
        blob = one(ctx.db, "SELECT width, height, path, content_type FROM blobs WHERE sha256 = ?", [sha])
        if not has_ink or (blob["width"] <= SIGNATURE_BOX[0] and blob["height"] <= SIGNATURE_BOX[1]):
            ctx.signatures[sha] = (has_ink, sha)
            continue
        root = root or uploads.blob_dir(current_app.config["BLOB_FOLDER"])
        try:
            small, stored_type, width, height = uploads.reencode(
                (root / blob["path"]).read_bytes(), uploads.CONTENT_TYPES[blob["content_type"]], fit=SIGNATURE_BOX)
        except (OSError, KeyError, uploads.UploadError):
            ctx.signatures[sha] = (True, None)
            continue
        ctx.signatures[sha] = (True, uploads.store_clean(ctx.db, small, stored_type, width, height, ctx.user.id, root,
                                                         ctx.received))


def _signature_blob(ctx, sha):
    """The blob to keep as a signature: one the sender uploaded (or may see), downscaled to SIGNATURE_BOX.

    A larger one (a wide tablet's pad) is kept as a downscaled copy, so every report and PDF
    embeds a small image; the upload's own limits (15 MB, 40 megapixels) have already applied.
    What prepare_signatures worked out before the write lock is used as it is.
    """
    _usable_blob(ctx, sha, _("A signature never reached the server; sign again."))
    prepared = ctx.signatures.get(sha)
    if not (prepared[0] if prepared else signature_ink.stored_signature_has_ink(ctx.db, sha)):
        raise Rejected(_("The signature is blank (no ink): the customer has not signed yet; sign again."))
    blob = one(ctx.db, "SELECT width, height, path, content_type FROM blobs WHERE sha256 = ?", [sha])
    if blob["width"] <= SIGNATURE_BOX[0] and blob["height"] <= SIGNATURE_BOX[1]:
        return sha
    if prepared and prepared[1]:
        return prepared[1]
    root = uploads.blob_dir(current_app.config["BLOB_FOLDER"])
    if prepared:  # it could not be read before the lock either
        raise Rejected(_("The signature image is too large (%(w)d × %(h)d pixels at most); sign again.",
                         w=SIGNATURE_BOX[0], h=SIGNATURE_BOX[1]))
    try:
        small, stored_type, _width, _height = uploads.reencode((root / blob["path"]).read_bytes(),
                                                                uploads.CONTENT_TYPES[blob["content_type"]], fit=SIGNATURE_BOX)
    except (OSError, KeyError, uploads.UploadError):
        raise Rejected(_("The signature image is too large (%(w)d × %(h)d pixels at most); sign again.",
                         w=SIGNATURE_BOX[0], h=SIGNATURE_BOX[1])) from None
    return uploads.store_bytes(ctx.db, small, stored_type, ctx.user.id, root, ctx.received)


def _test_report(ctx, order, args, shown):
    """An enterprise line's end-to-end test report: the template's indicators as measured, each judged against its
    standard here (webapp/enterprise/test_report.py), signed by the tester; a value out of standard needs the
    tester's remark (`test_remark`) saying why."""
    from ..enterprise import test_report
    if order["access_type"] != "enterprise":
        return None
    values = args.get("test_indicators")
    if values is None and isinstance(shown, dict) and isinstance(shown.get("test_report"), dict):
        values = shown["test_report"].get("values")
    tester = args.get("tester_signature_sha256")
    if not tester or not isinstance(values, dict) or not values:
        raise Rejected(_("An enterprise line needs the end-to-end test report with its indicators, signed by the tester."))
    try:
        template, rows, within = test_report.check(order["enterprise_service"], values)
    except test_report.IndicatorError as bad:
        raise Rejected(enterprise_phone.indicator_problem(bad)) from None
    remark = _text(args, "test_remark", test_report.MAX_REMARK)
    if not within and len(remark) < 4:
        raise Rejected(_("Out of standard: %(names)s. Test again, or write in the tester's remark why the report is signed"
                         " with it.", names="、".join(f"{r['name']} {r['value']}（{r['standard']}）" for r in rows
                                                    if r["passed"] is False)))
    return {"template": template, "template_version": test_report.load()["version"], "tester": ctx.user.display_name,
            "tester_signature_sha256": _signature_blob(ctx, tester), "indicators": rows, "within_standard": within,
            "remark": remark}


def _unshown_color(problem):
    """Why a light's confirmed colour is refused (checks.ColorProblem), in the sender's words."""
    return _("%(light)s cannot light %(color)s on this model (it shows %(colors)s): tap the colour you see.",
             light=problem.label, color=labels.label(problem.color, "led_color"),
             colors="、".join(labels.label(color, "led_color") for color in problem.colors))


def _unclear_tap(problem):
    """Why a light's "tapped" flag is refused (checks.TappedProblem: not true or false), in the sender's words."""
    return _("The app sent an unclear mark for %(light)s, so nothing was saved: set that light again on the LED check.",
             light=problem.label)


def led_check(ctx, args, base_version, occurred_at):
    """order.led_check {order_id, check_id, model_id | labels, model_kind?, capture, sha256, frames, seconds?, tapped?,
    source_jpeg?} (source_jpeg: the picked JPEG's header as the phone read it, checks.source_jpeg).

    The photo (or the burst, its frames stacked in one image) must be uploaded first. A
    background job reads it after the push, so the reading reaches the phone with a later
    pull; what the technician tapped meanwhile is kept beside it.
    """
    from ..background import tasks
    from ..led import checks
    order = _load(ctx, _order_id(args))
    check_id = _text(args, "check_id", 64, required=True)
    check_id, done = own_key(ctx, "led_checks", check_id)
    if done:
        return {"row_version": order["version"]}
    _holder(ctx, order)
    _open(order, _("LED checks can only be added to an open order."))
    for name in ("model_id", "labels", "model_kind"):  # a list or an object here was a TypeError, the batch's 500 (r7)
        if args.get(name) is not None and not isinstance(args[name], str):
            raise Rejected(_("Choose the device model, or name its lights left to right (at most 16)."))
    try:
        model = checks.resolve_model(args.get("model_id"), args.get("labels"), args.get("model_kind"))
    except ValueError as exc:
        if str(exc) == "duplicate":  # "X,X,X": corrections of one light would stand for another's (review r7)
            raise Rejected(_("Give each light its own name: two lights have the same one.")) from None
        if str(exc) in ("name", "many"):  # what a name may hold, as the phone says it (review r58: this said only "left to right")
            raise Rejected(_("Name the lights left to right as the panel prints them, separated by commas: at most 16 "
                             "names, each at most 12 letters, digits or Chinese characters (no other signs than . - / +).")) from None
        raise Rejected(_("Choose the device model, or name its lights left to right (at most 16)."))
    capture, frames = args.get("capture"), args.get("frames", 1)
    if capture not in ("photo", "burst"):
        raise Rejected(_("Say whether this is one photo or a burst."))
    if isinstance(frames, bool) or not isinstance(frames, int) or not (
            frames == 1 if capture == "photo" else checks.MIN_BURST_FRAMES <= frames <= checks.reader.MAX_FRAMES):
        if capture == "photo":  # review r11: a single photo with frames -1 was told about bursts
            raise Rejected(_("A single photo is one frame: take it again."))
        raise Rejected(_("A burst has %(low)d to %(high)d frames.", low=checks.MIN_BURST_FRAMES, high=checks.reader.MAX_FRAMES))
    try:
        source = checks.source_jpeg(args.get("source_jpeg")) if capture == "photo" else None
    except ValueError:
        raise Rejected(_("The photo's file details are not valid: choose the photo again.")) from None
    seconds = args.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 60):
        raise Rejected(_("The burst's length is not valid."))
    labels = [led["label"] for led in model["leds"]]
    tapped = None
    if args.get("tapped") is not None:
        try:
            tapped = checks.check_states(args["tapped"], model["leds"], partial=True)
        except checks.ColorProblem as exc:
            raise Rejected(_unshown_color(exc)) from None
        except checks.TappedProblem as exc:
            raise Rejected(_unclear_tap(exc)) from None
        except ValueError:
            raise Rejected(_("The lights you tapped do not match the model's lights.")) from None
    if tapped and all(item["state"] == "unsure" for item in tapped):
        tapped = None  # nothing said
    # Taps on every light are the technician's confirmation (kept like order.led_confirm's, below); taps on some wait
    # for the reading (review r5).
    confirmed = tapped if tapped and all(item["state"] != "unsure" for item in tapped) else None
    sha = args.get("sha256")
    missing = _("The photo itself never reached the server (or could not be read as an image); take it again.")
    _usable_blob(ctx, sha, missing)
    stored = _shows_something(ctx, sha, frames)
    if source and source["side"] < max(stored):  # the phone never enlarges a picked photo (review r62: side 1 made
        raise Rejected(_("The photo's file details are not valid: choose the photo again."))  # every "off" unsure)
    when, evidence = judge_time(ctx, order, occurred_at)
    ctx.db.conn.execute(
        "INSERT INTO led_checks (id, order_id, model_id, model_kind, labels, capture, sha256, frames, seconds, thumb_sha256,"
        " reading, tapped, confirmed, confirmed_at, created_by, occurred_at, created_at, taken_at, source_jpeg)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)",
        [check_id, order["id"], model["id"], model["kind"], json.dumps(labels, ensure_ascii=False), capture, sha, frames,
         seconds, json.dumps(checks.PENDING_READING), json.dumps(tapped) if tapped else None, ctx.user.id,
         evidence["device_time"], to_text(ctx.received), to_text(when), json.dumps(source) if source else None])
    if confirmed:  # its own id: the check's and "/", which no phone's confirm_id (CLIENT_ID: no "/") can take
        checks.record_confirmation(ctx.db, one(ctx.db, "SELECT * FROM led_checks WHERE id = ?", [check_id]), confirmed,
                                   f"{check_id}/tapped", ctx.user.id, when, ctx.received)
    store.record_event(ctx.db, order["id"], ctx.user.id, "led_check", order["state"], order["state"], when,
                       reason="", details={"check_id": check_id, "model": model["id"], **evidence},
                       version=order["version"])
    # Reading the photo is slow (a burst is a dozen frames): a job does it once this push has committed.
    ctx.after_commit.append((tasks.read_led_check, check_id))
    return {"row_version": order["version"]}


def led_confirm(ctx, args, base_version, occurred_at):
    """order.led_confirm {order_id, confirm_id, check_id, states}: the technician's word on each LED.

    Every confirmation is kept with who made it and where it differs from the reader; the latest one counts. After a
    reassignment the new holder may confirm the previous technician's check again: a new row beside the old one,
    which stays for the record (the order page lists both).
    """
    from ..led import checks
    order = _load(ctx, _order_id(args))
    confirm_id = _text(args, "confirm_id", 64, required=True)
    check_id = _text(args, "check_id", 64, required=True)
    if not CLIENT_ID.match(confirm_id):  # a phone's UUID: "<check_id>/tapped" stays the server's own (led_check)
        raise Rejected(_("This change's id is not valid; the app makes a new one when you do it again."))
    confirm_id, done = own_key(ctx, "led_confirmations", confirm_id)
    if done:
        return {"row_version": order["version"]}
    _holder(ctx, order)
    _open(order, _("Lights can only be confirmed on an open order."))
    check = one(ctx.db, "SELECT * FROM led_checks WHERE id IN (?, ?) AND order_id = ? ORDER BY created_by = ? DESC LIMIT 1",
                [check_id, _derived_key(ctx, "led_checks", check_id), order["id"], ctx.user.id])
    if check is None:
        raise Rejected(_("This LED check is not on the order; take the photo again."))
    try:
        states = checks.check_states(args.get("states"), checks.stored_model(check)["leds"])
    except checks.ColorProblem as exc:
        raise Rejected(_unshown_color(exc)) from None
    except checks.TappedProblem as exc:
        raise Rejected(_unclear_tap(exc)) from None
    except ValueError:
        raise Rejected(_("The lights you confirmed do not match the model's lights.")) from None
    when, evidence = judge_time(ctx, order, occurred_at)
    # The check found (the sender's own under a derived key when its id collided), never its namesake.
    found = checks.record_confirmation(ctx.db, check, states, confirm_id, ctx.user.id, when, ctx.received)
    store.record_event(ctx.db, order["id"], ctx.user.id, "led_confirm", order["state"], order["state"], when,
                       reason=checks.state_words(states, checks.photo_lit(check, states))[:500],
                       details={"check_id": check["id"], "corrections": len(found), **evidence}, version=order["version"])
    return {"row_version": order["version"]}


MUTATORS = {
    "order.transition": transition,
    "order.add_note": add_note,
    "order.attach_photo": attach_photo,
    "order.record_run": record_run,
    "order.wifi_survey": wifi_survey,
    "order.sign_off": sign_off,
    "order.led_check": led_check,
    "order.led_confirm": led_confirm,
    "notices.mark_read": sla_notices.mark_read,
    "order.add_loop_test": enterprise_phone.add_loop_test,
    "order.add_participant": enterprise_phone.add_participant,
}


def _register_measurements():
    """The tool checklist and the slow-speed captures own their mutations (webapp/measurements/)."""
    from ..measurements import mutations as measurement_mutations
    MUTATORS.update(measurement_mutations.MUTATORS)


_register_measurements()
