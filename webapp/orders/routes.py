"""Order pages: create, show, act on, add a note."""
import datetime
import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_db, transaction
from ..timeutil import utcnow
from . import bp, forms, store
from .views import action_forms, explain, fill_choices, form_errors, local_zone


def dispatcher_required():
    """Refuse technicians on dispatcher pages."""
    if not current_user.is_dispatcher:
        abort(403)


def desk_only():
    """A technician's writes all go through the phone's outbox and /api/sync/push: one write path."""
    if current_user.role == "technician":
        abort(403)


@bp.route("/orders/new", methods=["GET", "POST"])
@login_required
def new_order():
    """Create a work order, optionally assigning it at once."""
    dispatcher_required()
    form = fill_choices(forms.OrderForm())
    if form.validate_on_submit():
        db, now, tz = get_db(), utcnow(), local_zone()
        fields = {name: getattr(form, name).data for name in store.ORDER_FIELDS}
        fields["dialup_error"] = fields["dialup_error"] if form.symptom.data == "dialup_error" else None
        if form.order_type.data == "installation" and form.due_date.data:
            from ..installations.rules import due_from_date
            fields["due_at"] = due_from_date(form.due_date.data, tz)
        with transaction(db):
            order_id = store.create_order(db, fields, current_user.id, now, tz)
        held = group_fault_of(db, order_id)
        if held:
            flash(_("Area under group fault %(no)s: the order is linked to it and its dispatch is held. Tell the caller: %(wording)s",
                    no=held["fault_no"], wording=held["wording"]), "error")
        elif form.technician_id.data:
            try:
                store.apply_action(db, order_id, "dispatch", current_user,
                                   {"technician_id": int(form.technician_id.data)}, now, tz)
            except store.Refused as refused:
                flash(explain(refused), "error")
        flash(_("Order created."), "ok")
        return redirect(url_for("orders.show", order_id=order_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("orders/new.html", form=form, errors=form_errors(form)), status


@bp.route("/orders/<int:order_id>/edit", methods=["GET", "POST"])
@login_required
def edit_order(order_id):
    """Correct an open order's details (issue 21 item 4); each change is kept in the audit trail."""
    dispatcher_required()
    db = get_db()
    try:
        order = store.get_order(db, order_id, current_user)
    except store.NotFound:
        abort(404)
    form = fill_choices(forms.EditOrderForm(data=None if request.method == "POST" else order))
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in store.EDITABLE_FIELDS}
        fields["dialup_error"] = fields["dialup_error"] if form.symptom.data == "dialup_error" else None
        try:
            changed = store.edit_order(db, order_id, current_user, fields, utcnow())
        except store.Refused as refused:
            return render_template("orders/edit.html", form=form, order=order, errors=[explain(refused)]), 409
        flash(_("Order corrected: %(fields)s.", fields="、".join(str(form[name].label.text) for name in changed))
              if changed else _("Nothing was changed."), "ok")
        return redirect(url_for("orders.show", order_id=order_id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("orders/edit.html", form=form, order=order, errors=form_errors(form)), status


@bp.route("/orders/<int:order_id>")
@login_required
def show(order_id):
    """The order page: details, deadlines, timeline and what can be done next."""
    if not current_user.is_dispatcher:
        return redirect(url_for("jobs.job", order_id=order_id))
    return render_order(order_id)


def diagnosis_of(db, order_id):
    """Fault-finding runs on the order, readable, with the tasks and follow-ups they raised."""
    from ..playbooks import engine
    from ..playbooks.routes import lang
    data, language = engine.load(), lang()
    runs = []
    for run in db.query("SELECT r.*, u.display_name AS technician FROM diagnostic_runs r LEFT JOIN users u"
                        " ON u.id = r.created_by WHERE r.order_id = ? ORDER BY r.created_at, r.id", [order_id]):
        followed = engine.tree(run["playbook_version"])  # the tree the run followed, older versions too
        book = engine.playbook(followed, run["playbook"])
        runs.append({**run, "title": book["title"][language] if book else run["playbook"],
                     "older_version": run["playbook_version"] != data["version"],
                     "lines": engine.describe(followed, json.loads(run["steps"]), language),
                     "conclusion": followed["outcomes"].get(run["outcome"], {}).get("text", {}).get(language, run["outcome"])})
    tasks = list(db.query("SELECT * FROM desk_tasks WHERE order_id = ? ORDER BY created_at", [order_id]))
    followups = list(db.query("SELECT * FROM order_followups WHERE order_id = ? ORDER BY created_at", [order_id]))
    return {"runs": runs, "desk_tasks": tasks, "followups": followups, "current_version": data["version"],
            "task_words": data["tasks"], "followup_words": data["followups"], "lang": language}


def wifi_of(db, order_id):
    """Wi-Fi surveys saved on the order, with what the chart script needs."""
    from ..playbooks.routes import lang
    from ..sync.reference import wifi_reference
    from ..wifi import guidance as wifi_guidance
    surveys = []
    for row in db.query("SELECT s.*, u.display_name AS technician FROM wifi_surveys s LEFT JOIN users u ON u.id = s.created_by"
                        " WHERE s.order_id = ? ORDER BY s.created_at, s.id", [order_id]):
        row.update({key: json.loads(row[key]) for key in ("networks", "recommendation", "findings")})
        row["recommendation"], row["findings"] = wifi_guidance.worded(row["recommendation"], row["findings"], lang())
        # app.json never writes NaN or Infinity (a survey stored before issue 13 may hold one).
        row["analysis_json"] = current_app.json.dumps({key: row[key] for key in ("networks", "recommendation", "own_ssid", "country")})
        surveys.append(row)
    return {"surveys": surveys, "wifi_reference": wifi_reference() if surveys else None}


def group_fault_of(db, order_id):
    from ..groupfaults import interception
    return interception.active_link(db, order_id)


def signoffs_of(db, order_id):
    from ..signoff.routes import signoffs_for_desk
    return signoffs_for_desk(db, order_id)


def installation_of(db, order, submitted=None):
    """An installation order's due date, warnings, extensions and timeouts, with the extension form."""
    from ..installations import forms as installation_forms, store as installations
    summary = installations.summary(db, order, utcnow())
    form = submitted[1] if submitted and submitted[0] == "extension" else installation_forms.ExtensionForm(formdata=None)
    return {"installation": summary, "extension_form": form}


def enterprise_of(db, order, submitted=None):
    """An enterprise order's line, SLA row, serious-fault judgement and fault reports, with the report form."""
    from ..enterprise import routes as enterprise_routes, store as enterprise
    def form(name, form_class):
        return submitted[1] if submitted and submitted[0] == name else form_class(formdata=None)

    return {"enterprise": enterprise.summary(db, order, utcnow()),
            "fault_report_form": form("fault_report", enterprise_routes.FaultReportForm),
            "participant_form": form("participant", enterprise_routes.ParticipantForm),
            "loop_test_form": form("loop_test", enterprise_routes.LoopTestForm), "participant_roles": enterprise_routes.PARTICIPANT_ROLES}


def emos_reply_of(db, order):
    """The closure reply laid out as the complaint system's template, with the fault class's name."""
    from ..complaints import closure as emos, fault_classes
    closure = store.closure_of(order)
    if not closure or order["order_type"] == "installation":  # an installation's reply has no fault template
        return {"closure_class": "", "emos_reply": ""}
    name = fault_classes.name_of(db, closure.get("classification"))
    return {"closure_class": name, "emos_reply": emos.reply_text(closure, name)}


def measurements_of(db, order_id):
    """The tool checklist at the visit's start and the captures on slow-speed runs (issue 21 item 6)."""
    from ..measurements import mutations as measurements, tools
    from ..playbooks.routes import lang
    found = measurements.for_order(db, order_id)
    check = found["tool_check"]
    if check:
        check = {**check, "carried_words": tools.words(check["carried"], lang()), "missing_words": tools.words(check["missing"], lang())}
    return {"tool_check": check, "run_captures": found["captures"]}


def led_checks_of(db, order_id):
    from ..led import checks
    return checks.for_order(db, order_id)


def render_order(order_id, errors=(), status=200, template="orders/show.html", submitted=None):
    """Render an order page (dispatcher or job view) with any errors from the last action.

    `submitted` is (action, form) of a refused action: its form is shown again with what the
    person typed, so a technician on site never has to enter it twice.
    """
    db = get_db()
    try:
        order = store.get_order(db, order_id, current_user)
    except store.NotFound:
        abort(404)
    context = {
        "order": order, "events": store.timeline(db, order_id), "clocks": store.clocks(db, order_id),
        "notes": list(db.query("SELECT n.*, u.display_name AS author FROM order_notes n LEFT JOIN users u"
                               " ON u.id = n.author_id WHERE n.order_id = ? ORDER BY n.at DESC", [order_id])),
        "technician": next(iter(db.query("SELECT * FROM users WHERE id = ?", [order["technician_id"]])), None),
        "forms": action_forms(order, current_user, submitted),
        "note_form": submitted[1] if submitted and submitted[0] == "add_note" else forms.NoteForm(formdata=None),
        "errors": list(errors), "closure": store.closure_of(order), **emos_reply_of(db, order),
        "installed_on_site": store.on_site_equipment(db, order),
        "attachments": list(db.query("SELECT * FROM attachments WHERE order_id = ? ORDER BY created_at, rowid", [order_id])),
        **diagnosis_of(db, order_id), **wifi_of(db, order_id), "led_checks": led_checks_of(db, order_id),
        **installation_of(db, order, submitted), **enterprise_of(db, order, submitted),
        "failed_action": submitted[0] if submitted else None, "group_fault": group_fault_of(db, order_id),
        "signoffs": signoffs_of(db, order_id), **measurements_of(db, order_id),
    }
    return render_template(template, **context), status


@bp.route("/orders/<int:order_id>/act/<action>", methods=["POST"])
@login_required
def act(order_id, action):
    """Apply one action; on refusal show the same page with the reason."""
    if not store.is_action(action):
        abort(404)
    db = get_db()
    try:
        order = store.get_order(db, order_id, current_user)
    except store.NotFound:
        abort(404)
    desk_only()
    form = fill_choices((forms.form_for(action, order["order_type"]) or forms.FlaskForm)())
    wrong_type = store.wrong_order_type(action, order)
    if wrong_type:  # say so before the form's fields: they are not this order type's (a remote close's fault cause)
        return _rerender(order_id, [explain(wrong_type)], 409)
    if not form.validate_on_submit():
        return _rerender(order_id, form_errors(form) or [_("Check the form and try again.")], 422, (action, form))
    try:
        result_id = store.apply_action(db, order_id, action, current_user, fields_from(form, action),
                                       utcnow(), local_zone())
    except store.NotFound:
        abort(404)
    except store.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409, (action, form))
    if action == "reopen":
        flash(_("Reopened as a new linked order."), "ok")
        return redirect(url_for("orders.show", order_id=result_id), code=303)
    return redirect(_back_to(order_id), code=303)


@bp.route("/orders/<int:order_id>/approve-suspension", methods=["POST"])
@login_required
def approve_suspension(order_id):
    """A supervisor approves suspending this order, so a dispatcher can then record the suspension."""
    if current_user.role != "supervisor":
        abort(403)
    form = forms.FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        store.approve_suspension(get_db(), order_id, current_user, utcnow())
    except store.NotFound:
        abort(404)
    except store.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409)
    flash(_("Your approval is recorded: a dispatcher may now suspend this order in your name."), "ok")
    return redirect(_back_to(order_id), code=303)


@bp.route("/orders/<int:order_id>/notes", methods=["POST"])
@login_required
def add_note(order_id):
    """Add a progress note to an order."""
    try:
        store.get_order(get_db(), order_id, current_user)
    except store.NotFound:
        abort(404)
    desk_only()
    form = forms.NoteForm()
    if not form.validate_on_submit():
        return _rerender(order_id, form_errors(form), 422, ("add_note", form))
    try:
        store.add_note(get_db(), order_id, current_user, form.text.data.strip(), utcnow(), local_zone())
    except store.NotFound:
        abort(404)
    except store.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409, ("add_note", form))
    return redirect(_back_to(order_id), code=303)


def _back_to(order_id):
    return url_for("orders.show", order_id=order_id)


def _rerender(order_id, errors, status, submitted=None):
    return render_order(order_id, errors, status, "orders/show.html", submitted)


def fields_from(form, action):
    """Turn a validated action form into the fields the store expects."""
    tz = local_zone()

    def aware(naive):
        return naive.replace(tzinfo=tz) if isinstance(naive, datetime.datetime) else naive

    if isinstance(form, forms.AssignForm):
        return {"technician_id": int(form.technician_id.data)}
    if isinstance(form, forms.ReasonForm):
        return {"reason": form.reason.data.strip()}
    if isinstance(form, forms.AppointmentForm):
        return {"appointment_start": aware(form.appointment_start.data),
                "appointment_end": aware(form.appointment_end.data), "reason": (form.reason.data or "").strip()}
    if isinstance(form, forms.SuspendForm):
        return {"customer_consent": form.customer_consent.data.strip(), "approver_id": int(form.approver_id.data),
                "reason": form.reason.data.strip()}
    if isinstance(form, forms.UnsolvedForm):
        return {"reason": form.reason.data.strip(),
                "legacy_expected_date": None if form.no_expected_date.data else form.legacy_expected_date.data}
    if isinstance(form, forms.RestoreForm):
        return {name: (getattr(form, name).data or "").strip() for name in ("found", "done")}
    if isinstance(form, forms.ClosureForm):
        return {"closure": closure_from(form)}
    if isinstance(form, forms.InstallationReplyForm):
        return {"closure": installation_reply_from(form)}
    if isinstance(form, forms.DuplicateForm):
        return {"duplicate_of": form.duplicate_of.data.strip(), "reason": (form.reason.data or "").strip()}
    if isinstance(form, forms.MisdispatchForm):
        words = str(forms.MISDISPATCH_REASONS[form.reason_code.data])
        details = (form.reason.data or "").strip()
        return {"reason": f"{words}：{details}" if details else words, "reason_code": form.reason_code.data}
    if isinstance(form, forms.RemoteCloseForm):
        return {"closure": remote_closure_from(form)}
    return {}


INSTALLED_FIELDS = ("ont_model", "ont_serial", "loid", "registration_sn", "router_model", "router_serial")


def closure_from(form):
    """The closure reply as stored: the EMOS fields, the specialty and equipment rows (blank ones dropped)."""
    from ..complaints.closure import EQUIPMENT_KEYS, SPECIALTY_KEYS, _blank, equipment_text
    minute = "%Y-%m-%d %H:%M"
    closure = {name: getattr(form, name).data for name in (
        "phenomenon", "cause", "result", "classification", "confirmation", "handler", "handler_phone")}
    closure["process"] = form.handling_process.data
    closure["arrival_time"] = form.arrival_time.data.strftime(minute)
    closure["recovery_time"] = form.recovery_time.data.strftime(minute)
    closure["holder_informed"] = bool(form.holder_informed.data)
    if (form.unsigned_reason.data or "").strip():
        closure["unsigned_reason"] = form.unsigned_reason.data.strip()
    installed = {name: (form[f"installed_{name}" if name.startswith("ont_") else name].data or "").strip()
                 for name in INSTALLED_FIELDS}
    if any(installed.values()):
        closure["installed"] = installed
    closure["confirmed_by"] = (form.confirmed_by.data or "").strip()
    closure["confirmed_at"] = form.confirmed_at.data.strftime(minute) if form.confirmed_at.data else ""
    closure["specialties"] = [{"specialty": row["specialty"], "arrival_time": row["arrival_time"].strftime(minute),
                               "recovery_time": row["recovery_time"].strftime(minute)}
                              for row in form.specialties.data if not _blank(row, SPECIALTY_KEYS)]
    closure["equipment"] = [{key: row[key] for key in EQUIPMENT_KEYS}
                            for row in form.equipment.data if not _blank(row, EQUIPMENT_KEYS)]
    closure["equipment_replaced"] = (equipment_text(closure["equipment"]) or (form.equipment_replaced.data or "").strip()
                                     or "无")
    return closure


def installation_reply_from(form):
    """An installation's closure reply as stored: what was installed and opened, the port, the tests, the acceptance.

    {"process": text, "arrival_time"/"recovery_time": "YYYY-MM-DD HH:MM" (local; recovery = installed and working),
    "installed": {INSTALLED_FIELDS}, "port": text, "tests": {"rx_power_dbm": float, "download_mbps": float,
    "other": text}, "customer_accepted": True, "result": "installed", holder_informed, confirmation, confirmed_by/at,
    handler, handler_phone, unsigned_reason?}. No fault fields (forms.InstallationReplyForm).
    """
    minute = "%Y-%m-%d %H:%M"
    reply = {name: getattr(form, name).data for name in ("confirmation", "handler", "handler_phone", "port")}
    reply.update(process=form.handling_process.data, arrival_time=form.arrival_time.data.strftime(minute),
                 recovery_time=form.recovery_time.data.strftime(minute), result="installed",
                 customer_accepted=bool(form.customer_accepted.data), holder_informed=bool(form.holder_informed.data))
    reply["installed"] = {name: (form[f"installed_{name}" if name.startswith("ont_") else name].data or "").strip()
                          for name in INSTALLED_FIELDS}
    reply["tests"] = {"rx_power_dbm": form.rx_power.data, "download_mbps": form.download_mbps.data,
                      "other": (form.other_tests.data or "").strip()}
    if (form.unsigned_reason.data or "").strip():
        reply["unsigned_reason"] = form.unsigned_reason.data.strip()
    reply["confirmed_by"] = (form.confirmed_by.data or "").strip()
    reply["confirmed_at"] = form.confirmed_at.data.strftime(minute) if form.confirmed_at.data else ""
    return reply


def remote_closure_from(form):
    """The reply of an order solved without a visit: the desk person handled it, no arrival, no equipment."""
    now = datetime.datetime.now(local_zone()).strftime("%Y-%m-%d %H:%M")
    return {"phenomenon": form.phenomenon.data, "cause": form.cause.data, "process": form.handling_process.data,
            "arrival_time": "", "recovery_time": now, "result": "recovered", "classification": form.classification.data,
            "handler": current_user.display_name, "handler_phone": current_user.phone, "equipment": [],
            "equipment_replaced": "无", "specialties": [], "remote_method": form.method.data,
            "customer_confirmed": True}
