"""The enterprise fault report form."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..db import get_db
from ..orders import store as orders
from ..orders.forms import LONG, MEDIUM, no_control_characters
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
