"""The enterprise fault report form."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..db import get_db
from ..orders import store as orders
from ..orders.forms import LOCAL_INPUT, LONG, MEDIUM, PHONE, options, no_control_characters, plausible_date, text
from ..orders.routes import _rerender, dispatcher_required
from ..orders.views import explain, form_errors, local_zone
from ..timeutil import utcnow
from . import bp, store


class FaultReportForm(FlaskForm):
    """The enterprise fault report (故障报告, §7.4 #8, #10): a clear cause, what was done, every participant."""

    cause = TextAreaField(_l("Cause"), validators=[DataRequired(), Length(min=4, max=MEDIUM), no_control_characters])
    handling_process = TextAreaField(_l("Handling process"), validators=[DataRequired(), Length(max=LONG), no_control_characters])
    participants = TextAreaField(_l("Participants (duty, outsourced, helpers, leaders informed, customer staff)"),
                                 validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])


@bp.route("/orders/<int:order_id>/fault-report", methods=["POST"])
@login_required
def fault_report(order_id):
    """File an enterprise order's fault report; its 2-working-day clock stops."""
    dispatcher_required()
    try:
        orders.get_order(get_db(), order_id, current_user)
    except orders.NotFound:
        abort(404)
    form = FaultReportForm()
    if not form.validate_on_submit():
        return _rerender(order_id, form_errors(form), 422, ("fault_report", form))
    report = {"cause": form.cause.data.strip(), "process": form.handling_process.data.strip(),
              "participants": form.participants.data.strip()}
    try:
        store.file_report(get_db(), order_id, current_user, report, utcnow(), local_zone())
    except orders.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409, ("fault_report", form))
    flash(_("Fault report filed."), "ok")
    return redirect(url_for("orders.show", order_id=order_id), code=303)


PARTICIPANT_ROLES = {"duty": _l("Duty officer"), "outsourced": _l("Outsourced maintainer"), "helper": _l("Helper"),
                     "leader": _l("Leader informed or escalated to"), "customer": _l("Customer staff")}


class ParticipantForm(FlaskForm):
    """One participant of the fault (§7.4 #8)."""

    role = SelectField(_l("Took part as"), choices=options(PARTICIPANT_ROLES.items()))
    name = text(_l("Name"), 80, required=True)
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE])


class LoopTestForm(FlaskForm):
    """One loop test (打环): where, result, when (§9.5 item 29)."""

    loop_point = text(_l("Loop point"), 120, required=True)
    result = SelectField(_l("Result"), choices=options([("passed", _l("Loop passes: this segment is good")),
                                                        ("failed", _l("Loop fails: the fault is before this point"))]))
    tested_at = DateTimeLocalField(_l("Tested at"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])


def _enterprise_action(order_id, form, name, apply):
    dispatcher_required()
    try:
        orders.get_order(get_db(), order_id, current_user)
    except orders.NotFound:
        abort(404)
    if not form.validate_on_submit():
        return _rerender(order_id, form_errors(form), 422, (name, form))
    try:
        apply()
    except orders.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409, (name, form))
    return redirect(url_for("orders.show", order_id=order_id) + "#enterprise", code=303)


@bp.route("/orders/<int:order_id>/participants", methods=["POST"])
@login_required
def add_participant(order_id):
    """Record a participant of the enterprise fault."""
    form = ParticipantForm()
    return _enterprise_action(order_id, form, "participant", lambda: store.add_participant(
        get_db(), order_id, current_user, form.role.data, form.name.data, (form.phone.data or "").strip(), utcnow()))


@bp.route("/orders/<int:order_id>/loop-tests", methods=["POST"])
@login_required
def add_loop_test(order_id):
    """Append a loop test to the enterprise ticket."""
    form = LoopTestForm()
    return _enterprise_action(order_id, form, "loop_test", lambda: store.add_loop_test(
        get_db(), order_id, current_user, form.loop_point.data, form.result.data,
        form.tested_at.data.replace(tzinfo=local_zone()), (form.note.data or "").strip(), utcnow()))
