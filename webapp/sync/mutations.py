"""The mutations a technician's phone sends, each applied inside the push transaction.

A mutator returns the result for the phone or raises `Rejected` (permanent: the request can
never succeed; the push undoes its partial writes) or `Conflict` (someone else changed the
order meanwhile; the phone shows what happened). Anything else is a temporary failure and
rolls the whole batch back.
"""
import datetime
import json
import re

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from .. import labels
from ..db import one
from ..orders import forms, store
from ..orders.lifecycle import ACTIONS, STATES, TECHNICIAN, Refused
from ..orders.routes import fields_from
from ..orders.views import explain, form_errors
from ..playbooks import engine
from ..signoff import ink as signature_ink, report as signoff_report
from ..wifi import guidance as wifi_guidance, parsers as wifi_parsers
from ..timeutil import UTC, from_text, to_text
from . import briefcase

CLOCK_SKEW = datetime.timedelta(minutes=2)
# What happened on site is recorded at the phone's time when that time is plausible (contract §7).
DEVICE_TIME_ACTIONS = frozenset({"arrive", "restore", "make_appointment", "add_note", "attach_photo", "record_run",
                                 "wifi_survey", "sign_off", "led_check", "led_confirm"})
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

    def __init__(self, db, user, received, tz):
        self.db, self.user, self.received, self.tz = db, user, received, tz
        # (job, *args) to queue once the push has committed: jobs read what the push wrote.
        self.after_commit = []


def judge_time(db, order, occurred_at, received, action):
    """Return (moment to record, evidence for the audit trail) for a mutation made on a phone.

    The phone's time is used for what happened on site when it is plausible: not in the
    future (beyond a small clock skew) and not before the order's last recorded step.
    """
    evidence = {"received_at": to_text(received), "device_time": None}
    device = _parse_time(occurred_at)
    if device is None:
        return received, evidence
    evidence["device_time"] = to_text(device)
    if action not in DEVICE_TIME_ACTIONS:
        return received, evidence
    last = one(db, "SELECT MAX(at) AS at FROM order_events WHERE order_id = ? AND action != 'add_note'", [order["id"]])
    floor = from_text(last["at"]) if last and last["at"] else from_text(order["created_at"])
    if device > received + CLOCK_SKEW:
        evidence["device_time_ignored"] = "in the future"
    elif device < floor:
        evidence["device_time_ignored"] = "before the order's last recorded step"
    else:
        evidence["device_time_used"] = True
        return min(device, received), evidence
    return received, evidence


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
    order = one(ctx.db, "SELECT * FROM orders WHERE id = ?", [order_id])
    if order is None:
        raise Rejected(_("This order does not exist."))
    return order


def _not_yours(order):
    return Conflict(_("Order %(no)s was reassigned to another technician; it is no longer yours.", no=order["order_no"]),
                    {"id": order["id"], "order_no": order["order_no"], "assigned_to_you": False})


def _foreign_changes(ctx, order, base_version):
    """Steps someone else took on the order after the version the phone saw."""
    if base_version is None or base_version >= order["version"]:
        return []
    return list(ctx.db.query(
        "SELECT e.*, u.display_name AS actor FROM order_events e LEFT JOIN users u ON u.id = e.actor_id"
        " WHERE e.order_id = ? AND e.version > ? AND e.action != 'add_note' AND e.actor_id IS NOT ?"
        " ORDER BY e.id", [order["id"], base_version, ctx.user.id]))


def action_for(order, to):
    """The technician action that takes this order to state `to`, if any."""
    if order["state"] == "suspended" and to == order["resume_state"]:
        return "resume"
    for action in ACTIONS.values():
        if action.roles & TECHNICIAN and action.target == to:
            return action.name
    return None


def _form_fields(action, args):
    """Validate the fields of an action with the same form the web page uses."""
    form_class = forms.ACTION_FORMS.get(action)
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
                         who=last["actor"] or _("the system"), what=labels.label(last["action"], "action"),
                         no=order["order_no"], state=labels.label(order["state"], "state")),
                       briefcase.bundle(ctx.db, order))
    action = action_for(order, to)
    if action is None:
        raise Rejected(_("A technician cannot move an order to “%(state)s”.", state=labels.label(to, "state")))
    fields = _form_fields(action, args)
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, action)
    try:
        store._apply(ctx.db, order, action, ctx.user, fields, when, ctx.tz, evidence=evidence)
    except Refused as refused:
        raise Rejected(explain(refused)) from None
    return {"row_version": order["version"] + 1}


def _writable(ctx, order):
    """Append-only data may be added by whoever holds or held the order."""
    if order["technician_id"] != ctx.user.id and not briefcase.ever_held(ctx.db, order["id"], ctx.user.id):
        raise Rejected(_("This order is not assigned to you."))


def add_note(ctx, args, base_version, occurred_at):
    """order.add_note {order_id, note_id, text}: append-only, never a conflict."""
    order = _load(ctx, _order_id(args))
    note_id = _text(args, "note_id", 64, required=True)
    form = forms.NoteForm(formdata=MultiDict({"text": args.get("text") if isinstance(args.get("text"), str) else ""}),
                          meta={"csrf": False})
    if not form.validate():
        raise Rejected(" ".join(form_errors(form)))
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM order_notes WHERE uid = ?", [note_id]):
        return {"row_version": order["version"]}
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "add_note")
    try:
        store._add_note(ctx.db, order, ctx.user, form.text.data.strip(), when, ctx.tz, uid=note_id, evidence=evidence)
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
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM attachments WHERE id = ?", [photo_id]):
        return {"row_version": order["version"]}
    if not one(ctx.db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
        raise Rejected(_("The photo itself never reached the server (or could not be read as an image); take it again."))
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "attach_photo")
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
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM diagnostic_runs WHERE id = ?", [run_id]):
        return {"row_version": order["version"]}
    data = engine.tree(args.get("version"))
    if data is None:
        raise Rejected(_("This fault-finding run used a version of the guide this server does not know (%(old)s, now %(new)s); run it again.",
                         old=str(args.get("version"))[:20], new=engine.load()["version"]))
    try:
        outcome = engine.check_run(data, args.get("playbook"), args.get("steps"), order["access_type"])
    except engine.InvalidRun as invalid:
        raise Rejected(_("This fault-finding run could not have happened: %(why)s", why=str(invalid))) from None
    if args.get("outcome") != outcome:
        raise Rejected(_("This fault-finding run ends at “%(outcome)s”, not where it says.", outcome=outcome))
    conclusion = data["outcomes"][outcome]
    if conclusion.get("gap") and not note:
        raise Rejected(_("The guide does not cover this case: describe what you saw in the note."))
    steps = [{key: step[key] for key in ("node", "answer", "value", "checked") if key in step} for step in args["steps"]]
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "record_run")
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


MAX_SURVEY_NETWORKS = 1000


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
    own = _text(args, "own_ssid", 64) or None
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM wifi_surveys WHERE id = ?", [survey_id]):
        return {"row_version": order["version"]}
    try:
        _fmt, checked = wifi_parsers.parse(json.dumps({"networks": networks}), "ontrack")
        result = wifi_guidance.analyze(str(args.get("format") or source)[:20], checked, str(args.get("country") or "CN")[:8], own)
    except wifi_parsers.ScanFormatError as exc:
        raise Rejected(_("The Wi-Fi networks are not readable: %(why)s", why=str(exc))) from None
    except ValueError as exc:
        raise Rejected(str(exc)) from None
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "wifi_survey")
    ctx.db.conn.execute(
        "INSERT INTO wifi_surveys (id, order_id, source, format, country, own_ssid, networks, recommendation, findings,"
        " created_by, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [survey_id, order["id"], source, result["format"], result["country"], own,
         json.dumps(result["networks"], ensure_ascii=False), json.dumps(result["recommendation"], ensure_ascii=False),
         json.dumps(result["findings"], ensure_ascii=False), ctx.user.id, evidence["device_time"], to_text(ctx.received)])
    summary = "；".join(f"{band} GHz → {rec['channel']}" for band, rec in result["recommendation"].items() if rec)
    store.record_event(ctx.db, order["id"], ctx.user.id, "wifi_survey", order["state"], order["state"], when,
                       reason=summary, details={"survey_id": survey_id, **evidence}, version=order["version"])
    return {"row_version": order["version"]}


def sign_off(ctx, args, base_version, occurred_at):
    """order.sign_off {order_id, signoff_id, report, report_hash, signature_sha256, signer_name, survey, …}.

    The report is what the customer read and signed on the phone; its hash must match its
    canonical bytes, and it must be about this order. It is stored as signed, as the order's
    next sign-off version.
    """
    order = _load(ctx, _order_id(args))
    signoff_id = _text(args, "signoff_id", 64, required=True)
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM signoffs WHERE id = ?", [signoff_id]):
        return {"row_version": order["version"]}
    if order["state"] not in ("restored", "returned"):
        raise Rejected(_("The customer signs after the service is restored."))
    signer = _text(args, "signer_name", 40, required=True)
    try:
        survey = signoff_report.check_survey(args.get("survey"))
    except ValueError:
        raise Rejected(_("The customer's answers are incomplete: solved, attitude, charged and a score from 1 to 10."))
    report, claimed = args.get("report"), args.get("report_hash")
    signature = args.get("signature_sha256")
    if not isinstance(report, dict) or not all(key in report for key in signoff_report.REPORT_KEYS):
        raise Rejected(_("The signed report is incomplete."))
    if (report["order_no"] != order["order_no"] or report["customer"] != order["customer_name"] or report["signer"] != signer
            or report["signature_sha256"] != signature or report["survey"] != survey):
        raise Rejected(_("The signed report does not match this order or its signature."))
    if signoff_report.digest(report) != claimed:
        raise Rejected(_("The signed report's hash does not match its content."))
    tester = args.get("tester_signature_sha256")
    if order["access_type"] == "enterprise":
        test_report = report.get("test_report")
        if not tester or not isinstance(test_report, dict) or not test_report.get("indicators") or test_report.get("tester_signature_sha256") != tester:
            raise Rejected(_("An enterprise line needs the end-to-end test report with its indicators, signed by the tester."))
    for sha in [signature] + ([tester] if tester else []):
        if not isinstance(sha, str) or not one(ctx.db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
            raise Rejected(_("A signature never reached the server; sign again."))
        if not signature_ink.stored_signature_has_ink(ctx.db, sha):
            raise Rejected(_("The signature is blank (no ink): the customer has not signed yet; sign again."))
    version = one(ctx.db, "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM signoffs WHERE order_id = ?", [order["id"]])["v"]
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "sign_off")
    ctx.db.conn.execute(
        "INSERT INTO signoffs (id, order_id, version, channel, report, report_hash, signature_sha256, tester_signature_sha256,"
        " signer_name, survey, signed_at, created_by, created_at) VALUES (?, ?, ?, 'onsite', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [signoff_id, order["id"], version, signoff_report.canonical(report).decode(), claimed, signature, tester, signer,
         json.dumps(survey, ensure_ascii=False), to_text(when), ctx.user.id, to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "sign_off", order["state"], order["state"], when, reason=signer,
                       details={"signoff_id": signoff_id, "version": version, "report_hash": claimed, **evidence},
                       version=order["version"])
    return {"row_version": order["version"]}


def led_check(ctx, args, base_version, occurred_at):
    """order.led_check {order_id, check_id, model_id | labels, model_kind?, capture, sha256, frames, seconds?, tapped?}.

    The photo (or the burst, its frames stacked in one image) must be uploaded first. A
    background job reads it after the push, so the reading reaches the phone with a later
    pull; what the technician tapped meanwhile is kept beside it.
    """
    from ..background import tasks
    from ..led import checks
    order = _load(ctx, _order_id(args))
    check_id = _text(args, "check_id", 64, required=True)
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM led_checks WHERE id = ?", [check_id]):
        return {"row_version": order["version"]}
    try:
        model = checks.resolve_model(args.get("model_id"), args.get("labels"), args.get("model_kind"))
    except ValueError:
        raise Rejected(_("Choose the device model, or name its lights left to right (at most 16)."))
    capture, frames = args.get("capture"), args.get("frames", 1)
    if capture not in ("photo", "burst"):
        raise Rejected(_("Say whether this is one photo or a burst."))
    if isinstance(frames, bool) or not isinstance(frames, int) or not (
            frames == 1 if capture == "photo" else checks.MIN_BURST_FRAMES <= frames <= checks.reader.MAX_FRAMES):
        raise Rejected(_("A burst has %(low)d to %(high)d frames.", low=checks.MIN_BURST_FRAMES, high=checks.reader.MAX_FRAMES))
    seconds = args.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 60):
        raise Rejected(_("The burst's length is not valid."))
    labels = [led["label"] for led in model["leds"]]
    tapped = None
    if args.get("tapped") is not None:
        try:
            tapped = checks.check_states(args["tapped"], labels)
        except ValueError:
            raise Rejected(_("The lights you tapped do not match the model's lights.")) from None
    sha = args.get("sha256")
    if not isinstance(sha, str) or not SHA256.match(sha):
        raise Rejected(_("The photo reference is not valid."))
    if not one(ctx.db, "SELECT 1 AS yes FROM blobs WHERE sha256 = ?", [sha]):
        raise Rejected(_("The photo itself never reached the server (or could not be read as an image); take it again."))
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "led_check")
    ctx.db.conn.execute(
        "INSERT INTO led_checks (id, order_id, model_id, model_kind, labels, capture, sha256, frames, seconds, thumb_sha256,"
        " reading, tapped, confirmed, confirmed_at, created_by, occurred_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
        [check_id, order["id"], model["id"], model["kind"], json.dumps(labels, ensure_ascii=False), capture, sha, frames,
         seconds, json.dumps(checks.PENDING_READING), json.dumps(tapped) if tapped else None,
         json.dumps(tapped) if tapped else None, to_text(when) if tapped else None, ctx.user.id, evidence["device_time"],
         to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "led_check", order["state"], order["state"], when,
                       reason="", details={"check_id": check_id, "model": model["id"], **evidence},
                       version=order["version"])
    # Reading the photo is slow (a burst is a dozen frames): a job does it once this push has committed.
    ctx.after_commit.append((tasks.read_led_check, check_id))
    return {"row_version": order["version"]}


def led_confirm(ctx, args, base_version, occurred_at):
    """order.led_confirm {order_id, confirm_id, check_id, states}: the technician's word on each LED.

    Every confirmation is kept with where it differs from the reader; the latest one counts.
    """
    from ..led import checks
    order = _load(ctx, _order_id(args))
    confirm_id = _text(args, "confirm_id", 64, required=True)
    check_id = _text(args, "check_id", 64, required=True)
    _writable(ctx, order)
    if one(ctx.db, "SELECT 1 AS yes FROM led_confirmations WHERE id = ?", [confirm_id]):
        return {"row_version": order["version"]}
    check = one(ctx.db, "SELECT * FROM led_checks WHERE id = ? AND order_id = ?", [check_id, order["id"]])
    if check is None:
        raise Rejected(_("This LED check is not on the order; take the photo again."))
    try:
        states = checks.check_states(args.get("states"), json.loads(check["labels"]))
    except ValueError:
        raise Rejected(_("The lights you confirmed do not match the model's lights.")) from None
    found = checks.corrections(json.loads(check["reading"]), states)
    when, evidence = judge_time(ctx.db, order, occurred_at, ctx.received, "led_confirm")
    ctx.db.conn.execute("INSERT INTO led_confirmations (id, check_id, states, corrections, created_by, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)", [confirm_id, check_id, json.dumps(states), json.dumps(found),
                                                        ctx.user.id, to_text(ctx.received)])
    ctx.db.conn.execute("UPDATE led_checks SET confirmed = ?, confirmed_at = ? WHERE id = ?",
                        [json.dumps(states), to_text(when), check_id])
    store.record_event(ctx.db, order["id"], ctx.user.id, "led_confirm", order["state"], order["state"], when,
                       reason=" ".join(f"{s['label']}:{s['state']}" for s in states)[:500],
                       details={"check_id": check_id, "corrections": len(found), **evidence}, version=order["version"])
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
}
