"""The complaint desk page of an order: classification and the slow-speed reply."""
import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_db, one
from ..orders import store as orders
from ..orders.routes import dispatcher_required
from ..orders.views import form_errors, local_zone
from ..timeutil import utcnow
from . import bp, forms, rules, store


def machine_rooms():
    """Return {room: ping target} from ONTRACK_MACHINE_ROOMS ("room=IP;room=IP"); bad entries are skipped."""
    rooms = {}
    for entry in current_app.config.get("MACHINE_ROOMS", "").split(";"):
        name, _sep, target = entry.partition("=")
        if name.strip() and target.strip():
            rooms[name.strip()] = target.strip()
    return rooms


def _order(order_id):
    dispatcher_required()
    try:
        return orders.get_order(get_db(), order_id, current_user)
    except orders.NotFound:
        abort(404)


def _reply_form(saved=None, formdata=None):
    form = forms.SlowSpeedReplyForm(formdata=formdata, data=None if formdata is not None else _reply_defaults(saved))
    rooms = machine_rooms()
    form.machine_room.choices = forms.options([("", _("— type the target —"))] + [(r, f"{r} · {ip}") for r, ip in rooms.items()])
    return form


def _reply_defaults(saved):
    """Start the reply from what was saved, or from the person filling it in now."""
    if saved:
        data = dict(saved)
        data["test_time"] = datetime.datetime.fromisoformat(saved["test_time"]).replace(tzinfo=None)
        data["rows"] = saved["rows"] + [{}] * max(0, 6 - len(saved["rows"]))
        return data
    return {"tester": current_user.display_name, "tester_phone": current_user.phone,
            "test_time": datetime.datetime.now(local_zone()).replace(tzinfo=None, second=0, microsecond=0)}


def _page(order, reply_form=None, class_form=None, status=200, problems=()):
    db = get_db()
    record = store.record_of(db, order["id"])
    if class_form is None:
        class_form = forms.ClassificationForm(formdata=None, data=record["classification"])
    major = rules.is_major(record["classification"]) if record["classification"] else None
    return render_template("complaints/desk.html", order=order, record=record, reply_form=reply_form or _reply_form(
        record["slow_speed_reply"]), class_form=class_form, major=major, problems=list(problems), rules=rules,
        words=forms), status


@bp.route("/orders/<int:order_id>/complaint")
@login_required
def desk(order_id):
    """The complaint desk page for one order."""
    return _page(_order(order_id))


def _attach(form, problems):
    """Put each rule's problem next to its field; return the ones that belong to no single field."""
    loose = []
    for name, message, params in problems:
        if "scope" in params:
            params = {**params, "scope": str(forms.SCOPES.get(params["scope"], params["scope"]))}
        text = _(message, **params)
        if name.startswith("rows-"):
            _rows, index, sub = name.split("-", 2)
            field = getattr(form.rows[int(index)], sub)
        else:
            field = getattr(form, name, None)
        if field is None or name == "rows":
            loose.append(text)
        else:
            field.errors = [*field.errors, text]
    return loose


@bp.route("/orders/<int:order_id>/complaint/slow-speed", methods=["POST"])
@login_required
def save_reply(order_id):
    """Save the slow-speed reply, or show it again with every problem next to its field (422)."""
    order = _order(order_id)
    form = _reply_form(formdata=request.form)
    if "more_rows" in request.form:
        for _n in range(5):
            if len(form.rows) < rules.MAX_ROWS:
                form.rows.append_entry()
        return _page(order, reply_form=form)
    if not form.validate():
        return _page(order, reply_form=form, status=422, problems=[_("Check the marked fields.")])
    reply = reply_of(form)
    problems = rules.check_slow_speed_reply(reply)
    if problems:
        return _page(order, reply_form=form, status=422, problems=_attach(form, problems) or [_("Check the marked fields.")])
    store.save(get_db(), order_id, current_user, "slow_speed_reply", reply, utcnow())
    flash(_("Slow-speed reply saved."), "ok")
    return redirect(url_for("complaints.desk", order_id=order_id), code=303)


def reply_of(form):
    """The reply as stored: the form's values, the fixed ping parameters, blank rows dropped."""
    target = (form.ping_target.data or "").strip() or machine_rooms().get(form.machine_room.data, "")
    return {
        "services": form.services.data or [], "scope": form.scope.data, "machine_room": form.machine_room.data or "",
        "ping_target": target, "ping_packet_bytes": rules.PING_PACKET_BYTES, "ping_count": rules.PING_COUNT,
        "ping_loss_percent": form.ping_loss_percent.data, "ping_latency_ms": form.ping_latency_ms.data,
        "observations": form.observations.data or [], "complained_domains": form.complained_domains.data or "",
        "rows": [{key: (row.get(key) or "").strip() for key in ("domain", "ip", "resource_attribute")}
                 for row in rules.filled_rows(form.rows.data)],
        "test_time": form.test_time.data.replace(tzinfo=local_zone()).isoformat(timespec="minutes"),
        "tester": form.tester.data, "tester_phone": form.tester_phone.data.strip(),
    }


@bp.route("/orders/<int:order_id>/complaint/classification", methods=["POST"])
@login_required
def save_classification(order_id):
    """Save the complaint's classification; major or general follows from the checklist."""
    order = _order(order_id)
    form = forms.ClassificationForm()
    if not form.validate():
        return _page(order, class_form=form, status=422, problems=form_errors(form))
    value = {name: form[name].data for name in (
        "focus_area", "kind", "validity", "explanation", "people_count", "media", "loss_yuan", *rules.MAJOR_FLAGS)}
    problems = rules.check_classification(value)
    if problems:
        return _page(order, class_form=form, status=422, problems=_attach(form, problems) or [_("Check the marked fields.")])
    value["major"], value["major_criteria"] = rules.is_major(value)
    store.save(get_db(), order_id, current_user, "classification", value, utcnow())
    flash(_("Classification saved: %(importance)s.", importance=_("major complaint") if value["major"] else _("general complaint")), "ok")
    return redirect(url_for("complaints.desk", order_id=order_id), code=303)


@bp.route("/complaints/fault-classes", methods=["GET", "POST"])
@login_required
def fault_classes_page():
    """The supervisor's fault classification list: add a class, rename, reorder or retire one (never delete:
    old replies keep their class)."""
    if current_user.role != "supervisor":
        abort(403)
    from ..db import transaction
    from .fault_classes import all_classes
    db = get_db()
    form = forms.FaultClassForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("complaints/fault_classes.html", classes=all_classes(db), form=form,
                                   errors=form_errors(form)), 422
        from ..admin import audit
        with transaction(db):
            before = one(db, "SELECT code, name_zh, name_en, position, active FROM fault_classifications WHERE code = ?",
                         [form.code.data])
            after = {"code": form.code.data, "name_zh": form.name_zh.data, "name_en": form.name_en.data,
                     "position": form.position.data or 0, "active": int(form.active.data)}
            if before != after:  # every administrative change is in the audit log (issue 22)
                audit.record(db, current_user.id, "classification", f"fault_class:{form.code.data}",
                             "update" if before else "create", before, after, utcnow())
            db.conn.execute(
                "INSERT INTO fault_classifications (code, name_zh, name_en, position, active) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,"
                " position = excluded.position, active = excluded.active",
                [form.code.data, form.name_zh.data, form.name_en.data, form.position.data or 0, int(form.active.data)])
        flash(_("Fault class %(code)s saved.", code=form.code.data), "ok")
        return redirect(url_for("complaints.fault_classes_page"), code=303)
    return render_template("complaints/fault_classes.html", classes=all_classes(db), form=forms.FaultClassForm(formdata=None))


@bp.route("/followups", methods=["GET"])
@login_required
def followup_list():
    """The follow-ups list: mine (a supervisor: everyone's), open ones first by due time."""
    dispatcher_required()
    from . import followups
    show_done = request.args.get("done") == "1"
    return render_template("complaints/followups.html", rows=followups.listing(get_db(), current_user, show_done),
                           form=forms.FollowupDoneForm(formdata=None), show_done=show_done, now=utcnow())


@bp.route("/followups/<path:followup_id>/done", methods=["POST"])
@login_required
def followup_done(followup_id):
    """Mark a follow-up done with what was done (its owner or a supervisor)."""
    dispatcher_required()
    from ..db import transaction
    from . import followups
    form = forms.FollowupDoneForm()
    if not form.validate():
        flash(_("Say what was done."), "error")
        return redirect(url_for("complaints.followup_list"), code=303)
    db = get_db()
    with transaction(db):
        done = followups.mark_done(db, followup_id, current_user, form.outcome.data.strip(), utcnow())
    if not done:
        abort(404)
    flash(_("Follow-up done."), "ok")
    return redirect(url_for("complaints.followup_list"), code=303)
