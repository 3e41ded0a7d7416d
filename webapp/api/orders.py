"""/api/v1/orders: create (one or a batch) (idempotent by external_id), read with timeline, change owned fields, cancel, list changes."""
import json

from flask import g, url_for
from flask_babel import gettext as _
from flask.views import MethodView

from ..db import get_db
from ..orders import store
from ..orders.lifecycle import Refused
from ..orders.views import local_zone
from ..timeutil import utcnow
from . import bp, intake, problems, requires, schemas


def refusal(exc):
    """A Refused (or Conflict) from the domain as a problem, its sentence in the caller's language."""
    detail = _(exc.message, **exc.params) if exc.params else _(exc.message)
    return problems.problem("conflict" if isinstance(exc, intake.Conflict) else "refused", detail)


def not_found():
    return problems.problem("not_found", _("No such order, or not one this client may see."))


@bp.route("/orders")
class Orders(MethodView):

    @requires("orders:read")
    @bp.arguments(schemas.ListArgsSchema, location="query")
    @bp.response(200, schemas.OrderPageSchema)
    def get(self, args):
        """List orders changed since a cursor

        Oldest change first. Store `next_cursor` and pass it as `since` next time: every change
        is seen at least once (an order changed again later appears again, as it is then).
        """
        db = get_db()
        changes = intake.changed_since(db, g.api_client, int(args["since"]), args["limit"] + 1)
        page = changes[:args["limit"]]
        cursor = page[-1][1] if page else int(args["since"])
        orders = [intake.describe(db, store.get_order_row(db, order_id), with_timeline=False) for order_id, _seq in page]
        return {"orders": orders, "next_cursor": str(cursor), "has_more": len(changes) > args["limit"]}

    @requires("orders:write")
    @bp.arguments(schemas.OrderCreateSchema)
    @bp.response(201, schemas.OrderSchema, description="Created")
    @bp.alt_response(200, schema=schemas.OrderSchema, description="Already created by an earlier call with this external_id")
    def post(self, fields):
        """Create an order (idempotent)

        `external_id` is your system's id for the order. The same create sent again, even many
        times at once, returns the one order (200 instead of 201); the same id with other
        fields is refused with 409.
        """
        db = get_db()
        try:
            order_id, created = intake.create(db, g.api_client, fields, utcnow(), local_zone())
        except Refused as exc:
            return refusal(exc)
        body = intake.describe(db, store.get_order_row(db, order_id))
        return body, 201 if created else 200, {"Location": url_for("api_v1.Order", order_id=order_id)}


@bp.route("/orders/batch", methods=["POST"])
@requires("orders:write")
@bp.arguments(schemas.OrderBatchSchema)
@bp.response(200, schemas.BatchResultSchema)
def create_batch(args):
    """Create up to 100 orders in one call

    Each is idempotent by its `external_id` as a single create is; a refused one (unknown
    district, an external id used with other fields) is reported in its place and the others
    are created.
    """
    db = get_db()
    outcomes = intake.create_batch(db, g.api_client, args["orders"], utcnow(), local_zone())
    results = []
    for fields, (order_id, created, refused) in zip(args["orders"], outcomes):
        if refused is not None:
            problem = json.loads(refusal(refused).get_data())
            results.append({"external_id": fields["external_id"], "status": problem["status"], "order": None, "problem": problem})
            continue
        order = store.get_order_row(db, order_id)
        results.append({"external_id": fields["external_id"], "status": 201 if created else 200, "problem": None,
                        "order": {"id": order["id"], "order_no": order["order_no"], "state": order["state"]}})
    return {"results": results}


@bp.route("/orders/<int:order_id>")
class Order(MethodView):

    @requires("orders:read")
    @bp.response(200, schemas.OrderSchema)
    def get(self, order_id):
        """Read an order with its timeline"""
        db = get_db()
        try:
            order = intake.visible(db, g.api_client, order_id)
        except store.NotFound:
            return not_found()
        return intake.describe(db, order)

    @requires("orders:write")
    @bp.arguments(schemas.OrderUpdateSchema)
    @bp.response(200, schemas.OrderSchema)
    def patch(self, changes, order_id):
        """Change the fields your system owns

        Any subset of the intake fields, while the order is open. Give `version` to be told
        (409) when the order changed since you read it.
        """
        db = get_db()
        version = changes.pop("version", None)
        try:
            intake.update(db, g.api_client, order_id, changes, version, utcnow())
        except store.NotFound:
            return not_found()
        except Refused as exc:
            return refusal(exc)
        return intake.describe(db, store.get_order_row(db, order_id))


@bp.route("/orders/<int:order_id>/cancel", methods=["POST"])
@requires("orders:write")
@bp.arguments(schemas.CancelSchema)
@bp.response(200, schemas.OrderSchema)
def cancel(args, order_id):
    """Cancel an order

    Allowed until the technician is on site; the reason goes into the timeline and the
    technician's phone drops the order at its next sync.
    """
    db = get_db()
    try:
        intake.cancel(db, g.api_client, order_id, args["reason"], utcnow(), local_zone())
    except store.NotFound:
        return not_found()
    except Refused as exc:
        return refusal(exc)
    return intake.describe(db, store.get_order_row(db, order_id))
