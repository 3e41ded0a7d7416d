"""The desk's extension request for an installation order."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_db
from ..orders import store as orders
from ..orders.routes import _rerender, dispatcher_required
from ..orders.views import explain, form_errors, local_zone
from ..timeutil import utcnow
from . import bp, forms, rules, store


@bp.route("/orders/<int:order_id>/extension", methods=["POST"])
@login_required
def extend(order_id):
    """File an extension request; a late or non-customer one is recorded and said to count as a timeout."""
    dispatcher_required()
    try:
        orders.get_order(get_db(), order_id, current_user)
    except orders.NotFound:
        abort(404)
    form = forms.ExtensionForm()
    if not form.validate_on_submit():
        return _rerender(order_id, form_errors(form), 422, ("extension", form))
    new_due = rules.due_from_date(form.new_due_date.data, local_zone())
    try:
        judged = store.file_extension(get_db(), order_id, current_user, new_due, form.cause.data,
                                      form.reason.data.strip(), utcnow())
    except orders.NotFound:
        abort(404)
    except orders.Refused as refused:
        return _rerender(order_id, [explain(refused)], 409, ("extension", form))
    if judged == "late":
        flash(_("Extension recorded, but it was filed after the deadline: it counts as a timeout."), "error")
    elif judged == "not_customer":
        flash(_("Extension recorded; a delay not caused by the customer still counts as a timeout."), "error")
    else:
        flash(_("Extension recorded: the new due date applies."), "ok")
    return redirect(url_for("orders.show", order_id=order_id), code=303)
