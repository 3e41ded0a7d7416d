"""The API's request and response shapes (marshmallow); flask-smorest turns them into the OpenAPI document.

Field names are the order's own (domain reference §6, §9.2); limits are the desk form's
(webapp/orders/forms.py), so an order raised by another system is as clean as a typed one.
"""
import datetime
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .. import labels
from . import clients

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
PHONE = r"^\+?[0-9][0-9 \-]{4,19}$"
TIME = "RFC 3339 date-time; stored in UTC, e.g. 2026-11-30T08:00:00Z"


def _clean(text):
    if _CONTROL.search(text):
        raise ValidationError("Remove the invisible control characters.")


def _implausible():
    raise ValidationError("Give a time between 1970 and 2999.")


def _not_blank(text):
    if not text.strip():
        raise ValidationError("Must not be blank.")


def text(max_length, required=False, description=None, blank=None, **kwargs):
    """A trimmed-by-the-caller text field of at most `max_length` characters, no control characters.

    A required field (and one with blank=False: the update schema's copy of a required field) must
    hold more than spaces, as the desk form's DataRequired demands (review r19)."""
    checks = [validate.Length(max=max_length), _clean]
    if required or blank is False:
        checks.append(_not_blank)
    return fields.String(required=required, validate=checks, metadata={"description": description} if description else {},
                         **kwargs)


def choice(table, required=False, description=None, **kwargs):
    """One of a label table's codes (labels.py)."""
    return fields.String(required=required, validate=validate.OneOf(list(table)),
                         metadata={"description": description} if description else {}, **kwargs)


class Strict(Schema):
    """Unknown fields are an error, not silently dropped (a misspelt field would be lost data)."""

    class Meta:
        unknown = RAISE


class OrderFieldsSchema(Strict):
    """The intake fields an order is raised with (the caller owns them)."""

    order_type = choice(labels.ORDER_TYPES, required=True, description="installation, repair or complaint")
    access_type = choice(labels.ACCESS_TYPES, required=True, description="ftth, fttb or enterprise")
    symptom = choice(labels.SYMPTOMS, required=True)
    dialup_error = fields.String(allow_none=True, validate=validate.OneOf(labels.DIALUP_ERRORS),
                                 metadata={"description": "the dial-up error code, when symptom is dialup_error"})
    priority = choice(labels.PRIORITIES, load_default="normal")
    customer_name = text(80, required=True)
    contact_name = text(80, load_default="")
    contact_phone = fields.String(required=True, validate=validate.Regexp(PHONE))
    holder_phone = fields.String(load_default="", validate=validate.Regexp(PHONE + "|^$"),
                                 metadata={"description": "the account holder's phone, told when the repair is done (§6.2 item 4)"})
    broadband_account = text(40, load_default="")
    district = text(80, required=True, description="one of the districts set up in ONTrack")
    community = text(80, load_default="")
    building = text(20, load_default="")
    unit = text(20, load_default="")
    address_detail = text(200, load_default="")
    ont_model = text(40, load_default="")
    ont_serial = text(40, load_default="")
    olt = text(60, load_default="")
    pon_port = text(30, load_default="")
    splitter = text(60, load_default="")
    description = text(2000, load_default="")

    @validates_schema
    def _dialup_code(self, data, **kwargs):
        if data.get("symptom") == "dialup_error" and not data.get("dialup_error"):
            raise ValidationError("Give the dial-up error code the customer sees.", "dialup_error")


def _plausible_day(day):
    if not 1970 <= day.year < 3000:
        raise ValidationError("Give a date between 1970 and 2999.")


class OrderCreateSchema(OrderFieldsSchema):
    """A new order; `external_id` is the caller's own id for it and the idempotency key.

    An installation names its due date, as on the desk's form (webapp/orders/forms.py OrderForm): the seeds give
    no installation time limit to take instead (domain reference §6.2), and the date starts the §7.3 warnings.
    """

    external_id = fields.String(required=True, validate=[validate.Length(min=1, max=80), validate.Regexp(r"^[\x21-\x7e]+$")],
                                metadata={"description": "your system's order id (printable ASCII, no spaces): "
                                                         "sending the same create again returns the same order"})
    due_date = fields.Date(format="%Y-%m-%d", allow_none=True, validate=_plausible_day, metadata={"description": (
        "installation orders only, and required for them: the last day (YYYY-MM-DD, China time) the line must be "
        "installed by; due at the end of that day, not in the past. It starts the warning 1 week before (3 days when "
        "urgent) and, on an enterprise line, the circuit warning 10 working days before (domain reference §7.3). "
        "Moved later only by the desk's extension request")})

    @validates_schema
    def _installation_due_date(self, data, **kwargs):
        """The desk form's rule: an installation has a due date, not in the past; another order type has none."""
        if data.get("order_type") != "installation":
            if data.get("due_date") is not None:
                raise ValidationError("Only an installation order has a due date.", "due_date")
            return
        if data.get("due_date") is None:
            raise ValidationError("An installation order needs its due date: the last day (YYYY-MM-DD) it must be "
                                  "installed by.", "due_date")
        from ..installations.rules import due_date_mistake
        from ..orders.views import local_zone
        mistake = due_date_mistake(data["due_date"], datetime.datetime.now(local_zone()).date())
        if mistake:
            raise ValidationError(mistake, "due_date")


class OrderBatchSchema(Strict):
    """Up to 100 creates in one call (one write transaction on the server)."""

    orders = fields.List(fields.Nested(OrderCreateSchema), required=True, validate=validate.Length(min=1, max=100))


class BatchItemSchema(Schema):
    external_id = fields.String(required=True)
    status = fields.Integer(required=True, metadata={"description": "201 created, 200 created before, 409 or 422 refused"})
    order = fields.Nested(lambda: OrderSummarySchema(), allow_none=True)
    problem = fields.Nested(lambda: ProblemSchema(), allow_none=True)


class OrderSummarySchema(Schema):
    id = fields.Integer(required=True)
    order_no = fields.String(required=True)
    state = fields.String(required=True)


class BatchResultSchema(Schema):
    results = fields.List(fields.Nested(BatchItemSchema), required=True)


class OrderUpdateSchema(Strict):
    """Intake fields to change (any subset), optionally guarded by the version you read."""

    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=2 ** 31),  # 1.5 is no version (review r67)
                             metadata={"description": "the order's version you last read; refused with 409 if it moved on"})
    access_type = choice(labels.ACCESS_TYPES)
    symptom = choice(labels.SYMPTOMS)
    dialup_error = fields.String(allow_none=True, validate=validate.OneOf(labels.DIALUP_ERRORS))
    priority = choice(labels.PRIORITIES)
    customer_name = text(80, blank=False)
    contact_name = text(80)
    contact_phone = fields.String(validate=validate.Regexp(PHONE))
    holder_phone = fields.String(validate=validate.Regexp(PHONE + "|^$"))
    broadband_account = text(40)
    district = text(80, blank=False)
    community = text(80)
    building = text(20)
    unit = text(20)
    address_detail = text(200)
    ont_model = text(40)
    ont_serial = text(40)
    olt = text(60)
    pon_port = text(30)
    splitter = text(60)
    description = text(2000)


class CancelSchema(Strict):
    """Why the order is withdrawn (kept in its timeline)."""

    reason = text(500, required=True)


class ListArgsSchema(Strict):
    """Paging through changed orders."""

    since = fields.String(load_default="0", validate=validate.Regexp(r"^[0-9]{1,18}$"),
                          metadata={"description": "the next_cursor of your previous call (0 or absent: from the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class TechnicianSchema(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)


class AppointmentSchema(Schema):
    start = fields.String(required=True, metadata={"description": TIME})
    end = fields.String(required=True, metadata={"description": TIME})
    made_at = fields.String(allow_none=True, metadata={"description": TIME})


class GroupFaultLinkSchema(Schema):
    fault_no = fields.String(required=True)
    held = fields.Boolean(required=True, metadata={"description": "dispatch is held while the group fault lasts (§9.3 item 23)"})
    wording = fields.String(required=True, metadata={"description": "the published explanation to give the customer"})


class TimelineEntrySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": TIME})
    action = fields.String(required=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    reason = fields.String(required=True)
    actor = fields.String(required=True)


class OrderSchema(Schema):
    """An order as ONTrack holds it: the caller's fields, where it stands, and (when read alone) its timeline."""

    id = fields.Integer(required=True)
    order_no = fields.String(required=True)
    external_id = fields.String(allow_none=True)
    state = fields.String(required=True, metadata={"description": "created, dispatched, accepted, appointed, en_route, "
                                                                  "on_site, suspended, restored, returned, rejected, "
                                                                  "unsolved, closed or cancelled (§6.12)"})
    version = fields.Integer(required=True)
    created_at = fields.String(required=True, metadata={"description": TIME})
    updated_at = fields.String(required=True, metadata={"description": TIME})
    parent_order_id = fields.Integer(allow_none=True)
    order_type = fields.String(required=True)
    access_type = fields.String(required=True)
    symptom = fields.String(required=True)
    dialup_error = fields.String(allow_none=True)
    priority = fields.String(required=True)
    customer_name = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    holder_phone = fields.String(required=True)
    broadband_account = fields.String(required=True)
    district = fields.String(required=True)
    community = fields.String(required=True)
    building = fields.String(required=True)
    unit = fields.String(required=True)
    address_detail = fields.String(required=True)
    ont_model = fields.String(required=True)
    ont_serial = fields.String(required=True)
    olt = fields.String(required=True)
    pon_port = fields.String(required=True)
    splitter = fields.String(required=True)
    description = fields.String(required=True)
    technician = fields.Nested(TechnicianSchema, allow_none=True)
    appointment = fields.Nested(AppointmentSchema, allow_none=True)
    due_at = fields.String(allow_none=True, metadata={"description": "an installation's required completion time (the end "
                                                                    "of its due date, China time), " + TIME})
    closure = fields.Dict(allow_none=True, metadata={"description": "the closure reply (回单, §9.2 item 15) once returned; an installation's reports what was installed (port, tests, installed, customer_accepted), not a fault"})
    group_fault = fields.Nested(GroupFaultLinkSchema, allow_none=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class OrderPageSchema(Schema):
    orders = fields.List(fields.Nested(OrderSchema), required=True)
    next_cursor = fields.String(required=True, metadata={"description": "pass as `since` next time"})
    has_more = fields.Boolean(required=True)


class AlarmSchema(Strict):
    """One alarm from the network management system (domain reference §5.2)."""

    alarm_ref = fields.String(required=True, validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[\x21-\x7e]+$")],
                              metadata={"description": "the NMS's alarm id: sending it again returns the same fault"})
    alarm_class = fields.String(validate=validate.OneOf(["onu", "line", "olt"]),
                                metadata={"description": "onu (ONU terminal), line (transmission line) or olt (OLT hardware); "
                                                         "derived from alarm_type when absent"})
    alarm_type = text(60, required=True, description="a §5.2 alarm type code (e.g. olt_pon_signal_loss) or its Chinese name")
    olt = text(60, load_default="")
    pon_port = text(30, load_default="")
    onu = text(60, load_default="")
    occurred_at = fields.AwareDateTime(required=True, format="iso", metadata={"description": TIME},
                                       validate=lambda moment: 1970 <= moment.year < 3000 or _implausible())
    affected_users = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=1000000),
                                    metadata={"description": "when the NMS knows it; the account mapping's count wins"})
    district = text(80, load_default="")
    community = text(80, load_default="")
    building = text(20, load_default="")


class FaultSchema(Schema):
    """The group fault an alarm fed (webapp/groupfaults)."""

    id = fields.Integer(required=True)
    fault_no = fields.String(required=True)
    alarm_ref = fields.String(required=True)
    alarm_class = fields.String(required=True)
    alarm_type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "alarm, raised, accepted, published, recovered, cancelled or expired"})
    affected_users = fields.Integer(required=True)
    affected_source = fields.String(required=True, metadata={"description": "mapping (counted from the accounts) or alarm"})
    publication_suggested = fields.Boolean(required=True)
    auto_order = fields.Boolean(required=True)


class MappingResultSchema(Schema):
    accounts = fields.Integer(required=True)
    skipped = fields.List(fields.Dict(), required=True, metadata={"description": "[{line, reason}] of rows not used (first 50)"})


class ProblemSchema(Schema):
    """RFC 9457 problem details, titled in Chinese and English."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    code = fields.String(required=True)
    titles = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict()


SCOPES = clients.SCOPES
