"""The fault desk's group-fault pages: registry, one fault's workflow, imports, and the caller check."""
import csv
import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import csrf, labels
from ..db import get_db, transaction
from ..orders.views import district_choices, explain as explain_order, form_errors, local_zone
from ..orders.lifecycle import Refused
from ..timeutil import from_text, utcnow
from . import alarms, bp, forms, interception, mapping, registry, rules, timers

STEPS = ("raise", "accept", "publish", "notify", "review", "follow_up", "recover", "cancel")


@bp.before_request
@login_required
def _desk_only():
    if not current_user.is_dispatcher:
        abort(403)
    if request.endpoint in ("groupfaults.upload_mapping", "groupfaults.import_alarms"):
        # A file upload: the multipart parser's buffer holds more than one 64 KB read at a time.
        request.max_form_memory_size = 1024 * 1024
    if request.endpoint == "groupfaults.upload_mapping":
        request.max_content_length = current_app.config["ACCOUNT_MAP_MAX_BYTES"]


def explain(refused):
    """A refusal in the desk's words: a fault's status and missing fields by their labels."""
    params = dict(refused.params)
    if "status" in params:
        params["status"] = labels.label(params["status"], "gf_status")
    if "missing" in params:
        words = {name: str(field.label.text) for name, field in forms.AnnouncementForm(formdata=None, meta={"csrf": False})._fields.items()}
        params["missing"] = "、".join(words.get(code, code) for code in params["missing"].split(", "))
    if params.keys() & {"status", "missing"}:
        return _(refused.message, **params)
    return explain_order(refused)


def _boundary():
    boundary = current_app.config["GROUP_FAULT_BOUNDARY"]
    return boundary if boundary in rules.BOUNDARIES else "more_than"


def _aware(naive):
    return naive.replace(tzinfo=local_zone()) if naive else None


@bp.get("/")
def index():
    """The registry: figures, what is overdue, active faults, recent ended ones, and the imports."""
    db, now = get_db(), utcnow()
    marks = ",".join("?" * len(rules.ACTIVE))
    active = list(db.query(f"SELECT * FROM group_faults WHERE status IN ({marks}) ORDER BY suggested DESC, created_at DESC"
                           " LIMIT 200", rules.ACTIVE))
    ended = list(db.query(f"SELECT * FROM group_faults WHERE status NOT IN ({marks}) ORDER BY updated_at DESC LIMIT 20",
                          rules.ACTIVE))
    form = forms.AlarmForm(formdata=None, data={"occurred_at": now.astimezone(local_zone()).replace(tzinfo=None)})
    form.district.choices = [("", "—")] + district_choices(db)
    return render_template("groupfaults/index.html", active=active, ended=ended, form=form, upload=forms.UploadForm(),
                           figures=registry.figures(db, now), overdue=timers.overdue(db, now), boundary=_boundary(),
                           accounts=db.execute("SELECT COUNT(*) FROM account_map").fetchone()[0])


@bp.post("/alarms")
def create_alarm():
    """Register an alarm typed in from the alarm platform."""
    db, now = get_db(), utcnow()
    form = forms.AlarmForm()
    form.district.choices = [("", "—")] + district_choices(db)
    if not form.validate_on_submit():
        for message in form_errors(form):
            flash(message, "error")
        return redirect(url_for("groupfaults.index"), code=303)
    fields = {name: getattr(form, name).data or "" for name in registry.ALARM_FIELDS if hasattr(form, name)}
    fields.update(occurred_at=_aware(form.occurred_at.data), services=["personal_broadband"])
    try:
        with transaction(db):
            fault_id = registry.create_alarm(db, fields, current_user.id, now, local_zone(), _boundary(),
                                             affected_users=form.affected_users.data)
    except Refused as refused:
        flash(explain(refused), "error")
        return redirect(url_for("groupfaults.index"), code=303)
    return redirect(url_for("groupfaults.show", fault_id=fault_id), code=303)


def _upload_refused(form):
    """Flash why an UploadForm was refused: an expired or foreign form (its CSRF token), else no CSV file chosen
    (review r11: a post without the token was told to choose a file)."""
    if "csrf_token" in form.errors:
        flash(_("Your form expired or was sent from elsewhere. Reload the page and try again."), "error")
    else:
        flash(_("Choose a CSV file to import."), "error")
    return redirect(url_for("groupfaults.index"), code=303)


@bp.post("/alarms/import")
@csrf.exempt  # read under this route's own form limits; UploadForm checks the token itself
def import_alarms():
    """Import alarms from the platform's CSV export."""
    form = forms.UploadForm()
    if not form.validate_on_submit():
        return _upload_refused(form)
    db = get_db()
    try:
        with transaction(db):
            result = alarms.import_csv(db, form.file.data.stream, current_user.id, utcnow(), local_zone(), _boundary())
    except alarms.AlarmFileError as exc:
        flash(_("The alarm file could not be read (%(why)s). Export it again as UTF-8 CSV with a header row.", why=str(exc)),
              "error")
        return redirect(url_for("groupfaults.index"), code=303)
    flash(_("%(n)d alarm(s) imported, %(d)d already known.", n=len(result["created"]), d=result["duplicates"]), "ok")
    for line, why in result["skipped"][:20]:
        flash(_("Line %(line)d not imported: %(why)s", line=line, why=why), "error")
    return redirect(url_for("groupfaults.index"), code=303)


@bp.post("/mapping")
@csrf.exempt  # the app-wide check would read the body under the 2 MB limit; UploadForm checks the token itself
def upload_mapping():
    """Replace the account ↔ OLT ↔ PON port ↔ ONU mapping with the day's file (§5.5)."""
    form = forms.UploadForm()
    if not form.validate_on_submit():
        return _upload_refused(form)
    db = get_db()
    try:
        result = mapping.import_csv(db, form.file.data.stream)
    except (mapping.MappingError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        flash(_("The mapping file was not used (%(why)s); the previous mapping is kept. It needs a header with"
                " account, olt and pon_port (or 宽带账号, OLT, PON口) and UTF-8 text.", why=str(exc)[:200]), "error")
        return redirect(url_for("groupfaults.index"), code=303)
    flash(_("Mapping replaced: %(n)d accounts.", n=result["accounts"]), "ok")
    for line, why in result["skipped"][:20]:
        flash(_("Line %(line)d not imported: %(why)s", line=line, why=why), "error")
    return redirect(url_for("groupfaults.index"), code=303)


def _fault_or_404(db, fault_id):
    fault = registry.get(db, fault_id)
    if fault is None:
        abort(404)
    return fault


def _announcement_form(db, fault, formdata=None):
    tz = local_zone()
    data = {name: fault[name] for name in ("district", "community", "building", "cause", "wording", "announcer",
                                           "announcer_phone", "department", "city", "announcement")}
    data["services"] = json.loads(fault["services"])
    for name in ("valid_until", "expected_recovery_at"):
        data[name] = from_text(fault[name]).astimezone(tz).replace(tzinfo=None) if fault[name] else None
    if not data["announcer"]:
        data.update(announcer=current_user.display_name, announcer_phone=current_user.phone)
    form = forms.AnnouncementForm(formdata=formdata, data=data) if formdata is None else forms.AnnouncementForm()
    form.district.choices = [("", "—")] + district_choices(db)
    return form


@bp.get("/<int:fault_id>")
def show(fault_id, errors=(), form=None, status=200):
    """One fault: its fields, the rules' advice, its clocks, the next step, and the linked orders."""
    db = get_db()
    fault = _fault_or_404(db, fault_id)
    links = list(db.query("SELECT l.*, o.order_no, o.state, o.customer_name, o.contact_phone, o.district, o.community,"
                          " o.building FROM group_fault_links l JOIN orders o ON o.id = l.order_id WHERE l.fault_id = ?"
                          " ORDER BY l.released_at IS NOT NULL, l.id", [fault_id]))
    events = list(db.query("SELECT e.*, u.display_name AS actor FROM group_fault_events e LEFT JOIN users u"
                           " ON u.id = e.actor_id WHERE e.fault_id = ? ORDER BY e.at, e.id", [fault_id]))
    cancel = forms.CancelForm(formdata=None, data={"reply": reply_template(fault)})
    return render_template("groupfaults/show.html", fault=fault, services=json.loads(fault["services"]), links=links,
                           events=events, clocks=timers.clocks_of(db, fault_id), errors=list(errors),
                           advice=rules.advice(fault["alarm_class"], fault["affected_users"], _boundary()),
                           company=rules.company_of(fault["alarm_class"]), note=forms.NoteForm(formdata=None),
                           recovery=forms.RecoveryForm(formdata=None), cancel=cancel,
                           announcement=form or _announcement_form(db, fault)), status


@bp.post("/<int:fault_id>/announcement")
def save_announcement(fault_id):
    """Save the announcement ("保存"); with `draft` set, fill in the §5.4 text first ("获取内容")."""
    db = get_db()
    fault = _fault_or_404(db, fault_id)
    form = _announcement_form(db, fault, formdata=request.form)
    if request.form.get("draft"):
        if form.validate():
            form.announcement.data = announcement_text(fault, form)
        return show(fault_id, form=form, errors=form_errors(form), status=200 if not form.errors else 422)
    if not form.validate_on_submit():
        return show(fault_id, form=form, errors=form_errors(form), status=422)
    values = {name: getattr(form, name).data for name in registry.ANNOUNCEMENT_FIELDS}
    values.update(valid_until=_aware(form.valid_until.data), expected_recovery_at=_aware(form.expected_recovery_at.data))
    if not values["announcement"]:
        values["announcement"] = announcement_text(fault, form)
    try:
        with transaction(db):
            registry.save_announcement(db, registry.get(db, fault_id), values, current_user.id, utcnow())
    except Refused as refused:
        return show(fault_id, form=form, errors=[explain(refused)], status=409)
    flash(_("Announcement saved."), "ok")
    return redirect(url_for("groupfaults.show", fault_id=fault_id), code=303)


@bp.post("/<int:fault_id>/<step>")
def step(fault_id, step):
    """One step of the workflow or one timer's record; a refusal is shown on the fault's page."""
    if step not in STEPS:
        abort(404)
    db, now = get_db(), utcnow()
    _fault_or_404(db, fault_id)
    form = {"recover": forms.RecoveryForm, "cancel": forms.CancelForm}.get(step, forms.NoteForm)()
    if not form.validate_on_submit():
        return show(fault_id, errors=form_errors(form) or [_("Check the form and try again.")], status=422)
    try:
        with transaction(db):
            message = _apply_step(db, registry.get(db, fault_id), step, form, now)
    except Refused as refused:
        return show(fault_id, errors=[explain(refused)], status=409)
    flash(message, "ok")
    return redirect(url_for("groupfaults.show", fault_id=fault_id), code=303)


def _apply_step(db, fault, step, form, now):
    """Do one step inside the transaction; return what to tell the desk."""
    note = getattr(form, "note", None) and form.note.data or ""
    if step == "raise":
        registry.raise_fault(db, fault, current_user.id, now)
        return _("Raised as a group-fault order.")
    if step == "accept":
        registry.accept(db, fault, current_user.id, now)
        return _("Acceptance confirmed. Fill in the announcement.")
    if step == "publish":
        counts = registry.publish(db, fault, current_user.id, now)
        return _("Published: %(held)d order(s) held, %(flagged)d flagged.", held=counts["intercepted"], flagged=counts["flagged"])
    if step == "notify":
        registry.notify_company(db, fault, note, current_user.id, now)
        return _("Company notification recorded.")
    if step == "review":
        registry.record_review(db, fault, note, current_user.id, now)
        return _("Review recorded; the next one is due in 15 minutes.")
    if step == "follow_up":
        registry.record_follow_up(db, fault, note, current_user.id, now)
        return _("Follow-up recorded; the next one is due in 30 minutes.")
    if step == "recover":
        registry.recover(db, fault, _aware(form.recovered_at.data), current_user.id, now)
        return _("Recovery recorded. Cancel the interception within 10 minutes.")
    counts = registry.cancel(db, fault, current_user, now, local_zone(), reply_closure(fault, form.reply.data),
                             still_down=form.still_down.data or ())
    return _("Interception cancelled: %(closed)d order(s) closed with the reply, %(released)d released to dispatch.",
             closed=counts["closed"], released=counts["released"])


def _local(text, fmt="%Y-%m-%d %H:%M"):
    moment = from_text(text) if isinstance(text, str) else text
    return moment.astimezone(local_zone()).strftime(fmt) if moment else ""


def announcement_text(fault, form):
    """The §5.4 announcement (seed 002 EMOS template) from the form's fields, in the desk's language."""
    place = "".join(part for part in (form.district.data, form.community.data,
                                      form.building.data and _("building %(b)s", b=form.building.data)) if part)
    services = "、".join(labels.label(code, "gf_service") for code in (form.services.data or ["personal_broadband"]))
    expected = form.expected_recovery_at.data
    text = _("%(place)s %(services)s is interrupted because of %(cause)s; affected users: %(n)d; maintenance staff have"
             " been notified; expected recovery at %(time)s; please explain to users.", place=place or fault["olt"],
             services=services, cause=form.cause.data, n=fault["affected_users"],
             time=expected.strftime("%Y-%m-%d %H:%M") if expected else _("not yet known"))
    return "\n".join([text, _("Fault occurred at: %(time)s", time=_local(fault["occurred_at"])),
                      _("Announced by: %(name)s %(phone)s · %(department)s · %(city)s", name=form.announcer.data or "",
                        phone=form.announcer_phone.data or "", department=form.department.data or "",
                        city=form.city.data or "")])


def reply_template(fault):
    """The reply the held orders are closed with after recovery (§6.4 fields, editable on the form)."""
    return _("The area's group fault %(no)s (%(cause)s) was repaired at %(time)s; the service is back. No visit was"
             " needed; the customer was told.", no=fault["fault_no"], cause=fault["cause"] or "—",
             time=_local(fault["recovered_at"]) or "—")


def reply_closure(fault, reply):
    """The closure reply (EMOS fields, §6.4) of an order answered by the group fault."""
    recovered = _local(fault["recovered_at"])
    return {"phenomenon": _("Service interrupted by group fault %(no)s", no=fault["fault_no"]), "arrival_time": "",
            "cause": fault["cause"], "process": reply, "equipment_replaced": "", "result": "recovered",
            "recovery_time": recovered, "classification": "group_fault", "handler": current_user.display_name,
            "group_fault": fault["fault_no"]}


@bp.get("/check")
def check():
    """For the new-order form: is the caller under a published group fault? (the wording to tell them)"""
    values = {name: (request.args.get(name) or "").strip()[:80] for name in
              ("broadband_account", "olt", "pon_port", "district", "community", "building")}
    found = interception.match(get_db(), values) if any(values.values()) else None
    return render_template("groupfaults/_check.html", found=found)
