"""The administration pages (supervisors only): thin views over people, calendar, policies, lists and audit."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_db, one
from ..timeutil import utcnow, zone
from . import audit, bp, calendar, lists, people, policies
from .people import Invalid


@bp.before_request
@login_required
def _supervisors_only():
    if current_user.role != "supervisor":
        abort(403)


def _say(error):
    """An Invalid or NoticeError in the reader's language (a parameter that is itself a msgid is translated too)."""
    return _(error.message, **{name: _(value) if isinstance(value, str) else value for name, value in error.params.items()})


def _tz():
    return zone(current_app.config["TIMEZONE"])


@bp.get("/")
def index():
    """Start at the people page."""
    return redirect(url_for("admin.people_list"))


@bp.get("/people")
def people_list(errors=(), status=200, submitted=None):
    """Everyone, with role, district, grid, company, skills and open orders; the form to add someone."""
    db = get_db()
    return render_template("admin/people.html", people=people.list_people(db), districts=people.districts(db),
                           skills=lists.entries(db, "skill", active_only=True), roles=people.ROLES,
                           companies=_companies(db), errors=errors, submitted=submitted or {}), status


def _companies(db):
    return [row["company"] for row in db.query("SELECT DISTINCT company FROM users WHERE company != '' ORDER BY company")]


def _person_fields(form):
    fields = {name: form.get(name, "") for name in people.EDITABLE if name in form}
    if form.get("skills_shown"):  # unticking every skill clears them; a form without the boxes leaves them alone
        fields["skills"] = ",".join(form.getlist("skills"))
    return fields


@bp.post("/people")
def create_person():
    """Add a person with a first password."""
    try:
        people.create_person(get_db(), current_user.id, request.form.get("username"), request.form.get("password"),
                             _person_fields(request.form), utcnow())
    except Invalid as error:
        return people_list(errors=[_say(error)], status=422, submitted=request.form)
    flash(_("%(name)s was added.", name=request.form.get("display_name") or request.form.get("username")), "ok")
    return redirect(url_for("admin.people_list"), code=303)


@bp.get("/people/<int:user_id>")
def person(user_id, errors=(), status=200):
    """One person: their details to change, password reset, (de)activation, and their audit lines."""
    db = get_db()
    row = one(db, "SELECT * FROM users WHERE id = ?", [user_id])
    if row is None:
        abort(404)
    held = list(db.query("SELECT id, order_no, state FROM orders WHERE technician_id = ? ORDER BY created_at DESC LIMIT 50",
                         [user_id]))
    return render_template("admin/person.html", person=row, districts=people.districts(db), roles=people.ROLES,
                           skills=lists.entries(db, "skill"), companies=_companies(db), held=held,
                           history=audit.entries(db, "user", str(user_id), limit=50), errors=errors), status


@bp.post("/people/<int:user_id>")
def update_person(user_id):
    """Change a person's role, district, grid, skills, company, name or phone."""
    try:
        changed = people.update_person(get_db(), current_user.id, user_id, _person_fields(request.form), utcnow())
    except Invalid as error:
        return person(user_id, errors=[_say(error)], status=422)
    flash(_("Saved.") if changed else _("Nothing changed."), "ok")
    return redirect(url_for("admin.person", user_id=user_id), code=303)


@bp.post("/people/<int:user_id>/active")
def set_active(user_id):
    """Deactivate (every session ends, history stays) or reactivate a person."""
    active = request.form.get("active") == "1"
    try:
        people.set_active(get_db(), current_user.id, user_id, active, utcnow())
    except Invalid as error:
        return person(user_id, errors=[_say(error)], status=422)
    flash(_("Reactivated.") if active else _("Deactivated: their sessions have ended; their orders keep their history."), "ok")
    held = people.open_orders(get_db(), user_id)
    if held and not active:
        flash(_("They still hold %(n)d open orders: reassign them from the console.", n=held), "warn")
    return redirect(url_for("admin.person", user_id=user_id), code=303)


@bp.post("/people/<int:user_id>/password")
def reset_password(user_id):
    """Set a new password for a person (they log in again everywhere)."""
    try:
        people.reset_password(get_db(), current_user.id, user_id, request.form.get("password"), utcnow())
    except Invalid as error:
        return person(user_id, errors=[_say(error)], status=422)
    flash(_("Password reset: their sessions have ended. Tell them the new password in person."), "ok")
    return redirect(url_for("admin.person", user_id=user_id), code=303)


def _year_arg():
    try:
        year = int(request.values.get("year") or utcnow().astimezone(_tz()).year)
    except ValueError:
        abort(404)
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/holidays")
def holidays(errors=(), status=200, submitted=None):
    """One year's holidays and make-up workdays as notice lines to edit in one go."""
    db, year = get_db(), _year_arg()
    days_off, workdays = calendar.year_entries(db, year)
    text = submitted or {"holidays": calendar.as_notice_text(days_off), "workdays": calendar.as_notice_text(workdays)}
    return render_template("admin/holidays.html", year=year, text=text, days_off=days_off, workdays=workdays,
                           errors=errors, history=audit.entries(db, "holiday_year", str(year), limit=20)), status


@bp.post("/holidays")
def save_holidays():
    """Replace a year's calendar from the State Council notice; running working-day deadlines move."""
    db, year = get_db(), _year_arg()
    form = {"holidays": request.form.get("holidays", ""), "workdays": request.form.get("workdays", "")}
    try:
        days_off = calendar.parse_notice(form["holidays"], year)
        workdays = calendar.parse_notice(form["workdays"], year)
        moved = calendar.save_year(db, current_user.id, year, days_off, workdays, utcnow(), _tz())
    except calendar.NoticeError as error:
        return holidays(errors=[_say(error)], status=422, submitted=form)
    flash(_("%(year)d saved: %(holidays)d holidays, %(workdays)d make-up workdays; %(moved)d running deadlines moved.",
            year=year, holidays=len(days_off), workdays=len(workdays), moved=moved), "ok")
    return redirect(url_for("admin.holidays", year=year), code=303)


@bp.get("/policies")
def policy_list(errors=(), status=200, failed=None):
    """The SLA policies with their seeded values and sources."""
    return render_template("admin/policies.html", policies=policies.policies(get_db()), roles=("dispatcher", "supervisor"),
                           errors=errors, failed=failed, history=audit.entries(get_db(), "sla_policy", limit=20)), status


@bp.post("/policies/<code>")
def update_policy(code):
    """Change one policy's amount, warning, escalation or on/off, within sense."""
    try:
        changed = policies.update_policy(get_db(), current_user.id, code, request.form, utcnow())
    except Invalid as error:
        return policy_list(errors=[_say(error)], status=422, failed=code)
    flash(_("Saved: clocks started from now on use it.") if changed else _("Nothing changed."), "ok")
    return redirect(url_for("admin.policy_list") + f"#policy-{code}", code=303)


@bp.get("/lists")
def list_page(errors=(), status=200):
    """The classification lists."""
    db = get_db()
    return render_template("admin/lists.html", lists={name: lists.entries(db, name) for name in lists.SEED_LISTS},
                           errors=errors), status


@bp.post("/lists/<name>")
def save_list_entry(name):
    """Add an entry to a list, or change one's label or active flag."""
    try:
        lists.save_entry(get_db(), current_user.id, name, request.form.get("code"), request.form.get("label"),
                         request.form.get("active") == "1", utcnow())
    except Invalid as error:
        return list_page(errors=[_say(error)], status=422)
    flash(_("Saved."), "ok")
    return redirect(url_for("admin.list_page") + f"#list-{name}", code=303)


@bp.get("/devices")
def device_list(errors=(), status=200):
    """The device catalog."""
    return render_template("admin/devices.html", devices=lists.devices(get_db()), kinds=lists.DEVICE_KINDS,
                           errors=errors), status


@bp.post("/devices")
def save_device():
    """Add a device model or change one."""
    form = request.form
    try:
        lists.save_device(get_db(), current_user.id, form.get("model"), form.get("vendor"), form.get("kind"),
                          form.getlist("access_types"), form.get("active") == "1", utcnow())
    except Invalid as error:
        return device_list(errors=[_say(error)], status=422)
    flash(_("Saved."), "ok")
    return redirect(url_for("admin.device_list"), code=303)


@bp.get("/audit")
def audit_log():
    """Every administrative change, newest first, filtered by kind of thing."""
    entity = request.args.get("entity") if request.args.get("entity") in audit.ENTITIES else None
    return render_template("admin/audit.html", entries=audit.entries(get_db(), entity, limit=500),
                           entities=audit.ENTITIES, entity=entity)
