"""An enterprise fault on the technician's phone: what the phone holds, and the loop tests and participants it adds.

The desk records participants and loop tests with forms (routes.py); the technician on site adds them offline
through two sync mutations (issue 21 item 12, phone part; domain reference §7.4 #8, §2.8 P-C, §9.5 item 29),
validated by the same forms, allowed only to the order's holder, idempotent by the phone's UUID for each row
(design/sync-protocol.md principles 2 and 4: append-only, never a conflict with someone else's notes).
"""
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..orders.lifecycle import Refused
from ..orders.views import explain, form_errors
from . import store


def for_phone(db, order):
    """The enterprise part of an order's briefcase bundle; None for a home order.

    {service, circuit_id, customer_grade, line_scope, participants: [{uid, role, name, phone, added_at}],
    loop_tests: [{uid, loop_point, result, tested_at, note}]} — the service picks the test-report template.
    """
    if order["access_type"] != "enterprise":
        return None
    return {
        "service": order["enterprise_service"], "circuit_id": order["circuit_id"],
        "customer_grade": order["customer_grade"], "line_scope": order["line_scope"],
        "participants": list(db.query("SELECT uid, role, name, phone, added_at FROM enterprise_participants"
                                      " WHERE order_id = ? ORDER BY added_at, id", [order["id"]])),
        "loop_tests": list(db.query("SELECT uid, loop_point, result, tested_at, note FROM enterprise_loop_tests"
                                    " WHERE order_id = ? ORDER BY tested_at, id", [order["id"]])),
    }


def _form(form_class, args, names):
    """Validate the phone's fields with the desk's form; raise Rejected with the form's own messages."""
    from ..sync.mutations import Rejected
    data = MultiDict()
    for name in names:
        value = args.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise Rejected(_("The form that came with this change is not readable."))
        data[name] = value
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        raise Rejected(" ".join(form_errors(form)))
    return form


def _start(ctx, args, id_name, table):
    """(order, row key, already stored?) for a phone's add: the holder only, the phone's id made the row's."""
    from ..sync import mutations
    order = mutations._load(ctx, mutations._order_id(args))
    key, done = mutations.own_key(ctx, table, mutations._text(args, id_name, 64, required=True), column="uid",
                                  author="added_by")
    if not done:
        mutations._holder(ctx, order)
        if order["access_type"] != "enterprise":
            raise mutations.Rejected(_("Only an enterprise order has participants and loop tests."))
    return order, key, done


def add_loop_test(ctx, args, base_version, occurred_at):
    """order.add_loop_test {order_id, loop_test_id, loop_point, result: passed|failed, tested_at (local
    "YYYY-MM-DDTHH:MM"), note?}: append a loop test (打环, loop point, result, time) to the enterprise ticket."""
    from .routes import LoopTestForm
    from ..sync.mutations import Rejected, judge_time
    order, key, done = _start(ctx, args, "loop_test_id", "enterprise_loop_tests")
    if done:
        return {"row_version": order["version"]}
    form = _form(LoopTestForm, args, ("loop_point", "result", "tested_at", "note"))
    _when, evidence = judge_time(ctx, order, occurred_at)
    try:
        store.record_loop_test(ctx.db, order, ctx.user, form.loop_point.data.strip(), form.result.data,
                               form.tested_at.data.replace(tzinfo=ctx.tz), (form.note.data or "").strip(), ctx.received,
                               uid=key, evidence=evidence)
    except Refused as refused:
        raise Rejected(explain(refused)) from None
    return {"row_version": order["version"]}


def add_participant(ctx, args, base_version, occurred_at):
    """order.add_participant {order_id, participant_id, role: duty|outsourced|helper|leader|customer, name, phone?}:
    record someone who took part in the enterprise fault (§7.4 #8)."""
    from .routes import ParticipantForm
    from ..sync.mutations import Rejected, judge_time
    order, key, done = _start(ctx, args, "participant_id", "enterprise_participants")
    if done:
        return {"row_version": order["version"]}
    form = _form(ParticipantForm, args, ("role", "name", "phone"))
    when, evidence = judge_time(ctx, order, occurred_at)
    try:
        store.record_participant(ctx.db, order, ctx.user, form.role.data, form.name.data.strip(),
                                 (form.phone.data or "").strip(), when, uid=key, evidence=evidence)
    except Refused as refused:
        raise Rejected(explain(refused)) from None
    return {"row_version": order["version"]}


def indicator_problem(bad):
    """The technician's words for a test-report value that cannot be read (a test_report.IndicatorError `bad`), one wording
    for the on-phone sign-off (webapp/sync/mutations.py) and the customer's own-phone link (webapp/signoff/routes.py)."""
    indicator = bad.indicator if isinstance(bad.indicator, dict) else {"label": {"zh": str(bad.indicator)}}
    name = indicator["label"]["zh"]
    if bad.problem == "missing":
        return _("“%(name)s” is not filled in: the test report needs every indicator of its template.", name=name)
    if bad.problem == "not_a_number":
        return _("“%(name)s” must be a number.", name=name)
    if bad.problem == "not_whole":
        return _("“%(name)s” is a count: give a whole number.", name=name)
    if bad.problem == "out_of_range":
        low, high = indicator["range"]
        return _("“%(name)s”: that is not a possible reading (it lies between %(low)s and %(high)s %(unit)s); check the value.",
                 name=name, low=low, high=high, unit=indicator.get("unit", ""))
    if bad.problem == "not_yes_no":
        return _("Answer “%(name)s” with yes or no.", name=name)
    return _("The test report names an indicator its template does not have (%(name)s); update the app and sign again.",
             name=name)
