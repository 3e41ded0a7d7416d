"""Helpers the order, dispatch and job views share: choices, refusals in words, action forms."""
from flask import current_app
from flask_babel import gettext as _

from .. import labels
from ..db import get_db
from ..timeutil import from_text, zone
from . import forms
from .lifecycle import allowed_actions


def local_zone():
    """Return the configured local time zone."""
    return zone(current_app.config["TIMEZONE"])


def explain(refused):
    """Turn a Refused into a sentence in the person's language."""
    params = dict(refused.params)
    for key, kind in (("state", "state"), ("action", "action"), ("field", "field")):
        if key in params:
            params[key] = str(labels.label(params[key], kind))
    for key, kind in (("sources", "state"), ("roles", "role"), ("fields", "closure")):
        if key in params:
            params[key] = "、".join(str(labels.label(code, kind)) for code in params[key].split(", "))
    return _(refused.message, **params)


def form_errors(form):
    """Flatten a form's errors into one readable sentence per field."""
    messages = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        title = str(field.label.text) if field is not None else name
        messages.extend(f"{title}: {error}" for error in errors)
    return messages


def technician_choices(db=None):
    """Technicians as select options showing area, skills and current load."""
    from ..dispatch.queue import technician_load
    rows = sorted(technician_load(db or get_db(), limit=None)["rows"], key=lambda r: (r["district"], r["display_name"]))
    return [(str(r["id"]), _("%(name)s · %(district)s · %(skills)s · %(load)d open",
                             name=r["display_name"], district=r["district"] or "—",
                             skills=labels.skills_words(r["skills"]) or "—", load=r["load"])) for r in rows]


def supervisor_choices(db=None):
    """Supervisors who may approve a suspension."""
    db = db or get_db()
    return [(str(r["id"]), r["display_name"]) for r in
            db.query("SELECT id, display_name FROM users WHERE role = 'supervisor' AND active = 1 ORDER BY display_name")]


def district_choices(db=None):
    """Districts of the city, for the order form and the console filter."""
    db = db or get_db()
    return [(r["name"], r["name"]) for r in db.query("SELECT name FROM districts ORDER BY name")]


def fill_choices(form):
    """Load the select options a form needs from the database."""
    if getattr(form, "technician_id", None) is not None:
        options = technician_choices()
        blank = _("— not yet —") if isinstance(form, forms.OrderForm) else _("— choose a technician —")
        form.technician_id.choices = forms.options([("", blank)] + options)
    if getattr(form, "approver_id", None) is not None:
        form.approver_id.choices = forms.options(supervisor_choices())
    if getattr(form, "service_level", None) is not None:
        db = get_db()
        form.service_level.choices = forms.options([("", "—")] + [(r["code"], r["name"]) for r in
                                                    db.query("SELECT code, name FROM enterprise_sla ORDER BY name")])
    if getattr(form, "district", None) is not None:
        form.district.choices = forms.options(district_choices())
    return form


def _current_values(order, action):
    """Start a form from what the order already holds (the agreed window, when it is moved)."""
    if action != "make_appointment" or not order["appointment_start"]:
        return None
    tz = local_zone()
    return {name: from_text(order[name]).astimezone(tz).replace(tzinfo=None)
            for name in ("appointment_start", "appointment_end")}


def action_forms(order, user, submitted=None):
    """Return {action: form} for what this person can do to this order now.

    A refused action's own `submitted` (action, form) pair replaces the empty form.
    """
    names = allowed_actions(order["state"], user.role, is_assignee=order["technician_id"] == user.id,
                            order_type=order["order_type"])
    result = {}
    for name in names:
        form_class = forms.form_for(name, order["order_type"]) or forms.FlaskForm
        result[name] = fill_choices(form_class(formdata=None, data=_current_values(order, name)))
    if submitted and submitted[0] in result:
        result[submitted[0]] = submitted[1]
    return result
