"""Forms for creating orders and for each action that needs more than a tap."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (SelectChoice, BooleanField, DateField, DateTimeLocalField, FieldList, FloatField, Form, FormField,
                     IntegerField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .. import labels
from ..textclean import half_width

PHONE = Regexp(r"^\+?[0-9][0-9 \-]{4,19}$", message=_l("Enter a phone number: digits, spaces or '-', 5 to 20 characters."))
# What <input type="datetime-local"> sends and shows (the first format is used to render).
LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
SHORT = 80
MEDIUM = 200
LONG = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def options(pairs):
    """Turn (value, label) pairs into WTForms select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def no_control_characters(form, field):
    """Refuse invisible control characters (pasted garbage, hostile input)."""
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError(_l("Remove the invisible control characters from this field."))


PLAUSIBLE_YEARS = range(1970, 3000)  # outside: a slip of the finger (and 0001 in Shanghai is before year 1 in UTC)


def plausible_date(form, field):
    """Refuse a date or time no visit could have: stored in UTC, year 1 or 9999 overflows."""
    if field.data is not None and field.data.year not in PLAUSIBLE_YEARS:
        raise ValidationError(_l("Enter a date between %(first)d and %(last)d.", first=PLAUSIBLE_YEARS[0],
                                 last=PLAUSIBLE_YEARS[-1]))


def _local_today():
    """Today's date in the service's time zone (Asia/Shanghai)."""
    import datetime
    from .views import local_zone
    return datetime.datetime.now(local_zone()).date()


def phone_digits(value):
    """A typed phone number trimmed, its full-width digits (Chinese input methods) made plain."""
    return half_width(value).strip() if isinstance(value, str) else value


def text(label, max_length=SHORT, required=False):
    """A trimmed text field with a length limit."""
    checks = [DataRequired() if required else Optional(), Length(max=max_length), no_control_characters]
    return StringField(label, validators=checks, filters=[lambda v: v.strip() if isinstance(v, str) else v])


class OrderForm(FlaskForm):
    """A new work order (§6, §9.2): who, where, what line, what is wrong."""

    order_type = SelectField(_l("Order type"), choices=options(labels.choices(labels.ORDER_TYPES)), validators=[DataRequired()])
    access_type = SelectField(_l("Access type"), choices=options(labels.choices(labels.ACCESS_TYPES)), validators=[DataRequired()])
    symptom = SelectField(_l("Symptom"), choices=options(labels.choices(labels.SYMPTOMS)), validators=[DataRequired()])
    dialup_error = SelectField(_l("Dial-up error code"), choices=options([("", "—")] + [(c, c) for c in labels.DIALUP_ERRORS]),
                               validators=[Optional()])
    priority = SelectField(_l("Priority"), choices=options(labels.choices(labels.PRIORITIES)), default="normal")
    customer_name = text(_l("Customer"), required=True)
    contact_name = text(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), PHONE], filters=[phone_digits])
    holder_phone = StringField(_l("Account holder's phone"), validators=[Optional(), PHONE], filters=[phone_digits])
    broadband_account = text(_l("Broadband account"), 40)
    district = SelectField(_l("District"), choices=[], validators=[DataRequired()])
    community = text(_l("Community or school"))
    building = text(_l("Building"), 20)
    unit = text(_l("Unit / room"), 20)
    address_detail = text(_l("Address details"), MEDIUM)
    ont_model = text(_l("ONT model"), 40)
    ont_serial = text(_l("ONT serial"), 40)
    olt = text(_l("OLT"), 60)
    pon_port = text(_l("PON port"), 30)
    splitter = text(_l("Splitter"), 60)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=LONG), no_control_characters])
    technician_id = SelectField(_l("Assign to"), choices=[], validators=[Optional()])
    # Enterprise lines (§7.6, §9.5 item 28): who the customer is, how far the line reaches, what it carries.
    customer_grade = SelectField(_l("Customer grade"), choices=options([("", "—"), ("provincial", _l("Provincial group customer")),
                                 ("diamond", _l("City-level diamond customer")), ("city", _l("City-level customer")),
                                 ("ordinary", _l("Ordinary group customer"))]), validators=[Optional()])
    line_scope = SelectField(_l("Line reaches"), choices=options([("", "—"), ("local", _l("Within the city")),
                             ("cross_city", _l("Across cities")), ("cross_province", _l("Across provinces"))]), validators=[Optional()])
    enterprise_service = SelectField(_l("Enterprise service"), choices=options([
        ("", "—"), ("group_sms", _l("Group SMS")), ("gprs_apn", _l("GPRS enterprise APN")), ("internet_access", _l("Internet access")),
        ("voice_line", _l("Voice private line")), ("circuit_rental", _l("Circuit rental")), ("other", _l("Other"))]), validators=[Optional()])
    circuit_id = text(_l("Circuit id"), 60)
    service_level = SelectField(_l("Service level (SLA table)"), choices=[], validators=[Optional()])
    # Installation orders (§7.3): the required completion date; warnings start 1 week before (3 days if urgent).
    due_date = DateField(_l("Due date (installation)"), validators=[Optional(), plausible_date])

    def validate(self, extra_validators=None):
        """Check the fields, then that a dial-up error symptom names its code and an installation its due date.

        An installation's symptom is always "new_install" (新装; labels.SYMPTOMS, as webapp/demo.py makes them): the
        list opens on a fault's symptom, which the technician would otherwise read on an installation. "new_install"
        on a repair or complaint is refused.
        """
        if self.order_type is not None and self.order_type.data == "installation":
            self.symptom.data = "new_install"
        valid = super().validate(extra_validators)
        if self.order_type is not None and self.order_type.data != "installation" and self.symptom.data == "new_install":
            self.symptom.errors = [*self.symptom.errors,
                                   _l("“New installation” is the symptom of an installation order: choose the order type "
                                      "“Installation”, or the symptom the customer reports.")]
            return False
        if self.symptom.data == "dialup_error" and not self.dialup_error.data:
            self.dialup_error.errors = [*self.dialup_error.errors, _l("Choose the dial-up error code the customer sees.")]
            return False
        if self.order_type is not None and self.access_type.data == "enterprise" and not (
                self.customer_grade.data and self.line_scope.data and self.enterprise_service.data and self.circuit_id.data):
            self.circuit_id.errors = [*self.circuit_id.errors,
                                      _l("An enterprise order needs the customer grade, the line's reach, the service and the circuit id.")]
            return False
        if self.order_type is not None and self.order_type.data == "installation" and self.due_date.data is None \
                and not self.due_date.errors:
            self.due_date.errors = [_l("An installation order needs its due date.")]
            return False
        if self.order_type is not None and self.order_type.data == "installation" and self.due_date.data is not None \
                and not self.due_date.errors:
            from ..installations.rules import due_date_mistake  # one rule with the API (webapp/api/schemas.py)
            mistake = due_date_mistake(self.due_date.data, _local_today())
            if mistake:
                self.due_date.errors = [_l(mistake)]
                return False
        return valid


class AssignForm(FlaskForm):
    """Give one order to a technician."""

    technician_id = SelectField(_l("Technician"), choices=[], validators=[DataRequired()])


class ReasonForm(FlaskForm):
    """A reason, required (reject, reopen)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])


class AppointmentForm(FlaskForm):
    """The time window agreed with the customer; a change needs a reason."""

    appointment_start = DateTimeLocalField(_l("From"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    appointment_end = DateTimeLocalField(_l("Until"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    reason = TextAreaField(_l("Reason for the change"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])


class SuspendForm(FlaskForm):
    """Suspension: the customer's recorded consent and the approving supervisor (§7.4 #6)."""

    customer_consent = TextAreaField(_l("How and when the customer agreed"),
                                     validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])
    approver_id = SelectField(_l("Approved by"), choices=[], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])


class UnsolvedForm(FlaskForm):
    """Unsolved into the legacy backlog, with an expected date unless none can be given (§6.3)."""

    reason = TextAreaField(_l("Why it cannot be solved now"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])
    legacy_expected_date = DateField(_l("Expected resolution date"), validators=[Optional(), plausible_date])
    no_expected_date = BooleanField(_l("No expected resolution date"))

    def validate(self, extra_validators=None):
        """Check the fields, then that there is a date or an explicit 'no date'."""
        valid = super().validate(extra_validators)
        if valid and not self.legacy_expected_date.data and not self.no_expected_date.data:
            self.legacy_expected_date.errors = [_l("Give an expected date, or tick “no expected resolution date”.")]
            return False
        return valid


class RestoreForm(FlaskForm):
    """Service restored: what the technician found and did, in their own words (issue 15 items 2, 3).

    The phone asks for both before it offers "restored"; the visit report the customer signs
    says these words, not the guide's instruction text. Optional here, so an older phone's
    queued "restored" still applies.
    """

    found = TextAreaField(_l("What you found"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])
    done = TextAreaField(_l("What you did"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])


class EquipmentRow(Form):
    """One replaced item: faulty model × quantity → replacement model × quantity (§6.4)."""

    faulty_model = text(_l("Faulty model"), 60)
    faulty_qty = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, 999)])
    new_model = text(_l("Replacement model"), 60)
    new_qty = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, 999)])


class SpecialtyRow(Form):
    """Another specialty involved (transmission, power, OLT…), with its arrival and recovery times (§6.4)."""

    specialty = text(_l("Other specialty involved"), 60)
    arrival_time = DateTimeLocalField(_l("Arrived"), format=LOCAL_INPUT, validators=[Optional(), plausible_date])
    recovery_time = DateTimeLocalField(_l("Recovered"), format=LOCAL_INPUT, validators=[Optional(), plausible_date])


class ReplyForm(FlaskForm):
    """What every closure reply (回单) ends with: who handled it and their phone (§6.4), who confirmed it and when, or
    that the account holder and the contact-phone holder were told (§9.2 item 16, §7.4 #9, §6.2 rule 4), why the
    customer did not sign, and the equipment left on site (issue 21 item 10).

    Labelled in a repair's words; a reply of another order type gives its own in WORDS ({field name: label}).
    """

    WORDS = {}

    handler = text(_l("Handled by"), SHORT)
    handler_phone = StringField(_l("Handler's phone"), validators=[Optional(), PHONE])
    confirmation = SelectField(_l("Restoration confirmed by"), choices=options(labels.CLOSURE_CONFIRMATIONS.items()),
                               validators=[Optional()])
    holder_informed = BooleanField(_l("The account holder and contact-phone holder were told the service is repaired"))
    unsigned_reason = TextAreaField(_l("Why the customer did not sign"),
                                    validators=[Optional(), Length(max=MEDIUM), no_control_characters])
    # Who confirmed the restoration (or was told of it) and when (§9.2 item 16, §7.4 #9).
    confirmed_by = text(_l("Confirmed by (name)"), SHORT)
    confirmed_at = DateTimeLocalField(_l("Confirmed at"), format=LOCAL_INPUT, validators=[Optional(), plausible_date])
    # What an installation leaves on site (issue 21 item 10), so a later repair visit sees it.
    installed_ont_model = text(_l("ONT model installed"), 40)
    installed_ont_serial = text(_l("ONT serial number"), 40)
    loid = text(_l("LOID used for registration"), 40)
    registration_sn = text(_l("SN used for registration"), 40)
    router_model = text(_l("Router model"), 40)
    router_serial = text(_l("Router serial number"), 40)

    def __init__(self, *args, **kwargs):
        """Label the fields in this reply's words."""
        super().__init__(*args, **kwargs)
        for name, words in self.WORDS.items():
            self[name].label.text = words


class ClosureForm(ReplyForm):
    """The closure reply of the EMOS template (§6.4; §9.2 #15, #16).

    Replaced equipment is listed in rows or declared none. `unsigned_reason` is why the
    customer did not sign (the order stays on the phone until signed or this is given).
    """

    phenomenon = TextAreaField(_l("Fault phenomenon"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])
    arrival_time = DateTimeLocalField(_l("Arrival time"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    cause = TextAreaField(_l("Cause"), validators=[DataRequired(), Length(min=4, max=MEDIUM), no_control_characters])
    # Not `process`: that name is WTForms' own Form.process method.
    handling_process = TextAreaField(_l("Handling process"), validators=[DataRequired(), Length(max=LONG), no_control_characters])
    specialties = FieldList(FormField(SpecialtyRow), min_entries=1, max_entries=10)
    equipment = FieldList(FormField(EquipmentRow), min_entries=2, max_entries=10)
    no_equipment_replaced = BooleanField(_l("No equipment was replaced"))
    # Free text, as phones before issue 21 sent it; new forms use the rows above.
    equipment_replaced = TextAreaField(_l("Equipment replaced (faulty model × qty → new model × qty, or “none”)"),
                                       validators=[Optional(), Length(max=MEDIUM), no_control_characters])
    result = SelectField(_l("Result"), choices=options(labels.CLOSURE_RESULTS.items()))
    recovery_time = DateTimeLocalField(_l("Recovery time"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    classification = SelectField(_l("Fault classification"), choices=[])

    def __init__(self, *args, **kwargs):
        """Offer the operator's active fault classes (webapp/complaints/fault_classes.py)."""
        super().__init__(*args, **kwargs)
        from ..complaints.fault_classes import active_choices
        from ..db import get_db
        self.classification.choices = options(active_choices(get_db()))

    def validate_cause(self, field):
        if field.data and field.data.strip().lower() in {"unknown", "none", "n/a", "不详", "未知", "无"}:
            raise ValidationError(_l("The cause must be specific: say what was wrong."))

    def validate(self, extra_validators=None):
        """Check the fields, then every equipment and specialty row, and that equipment is listed or declared none."""
        from ..complaints import closure
        valid = super().validate(extra_validators)
        for rows, check in ((self.equipment, closure.check_equipment_row), (self.specialties, closure.check_specialty_row)):
            for entry in rows:
                for key, message in check(entry.form.data):
                    entry.form[key].errors = [*entry.form[key].errors, _l(message)]
                    valid = False
        listed = any(not closure._blank(e.form.data, closure.EQUIPMENT_KEYS) for e in self.equipment)
        if not (listed or self.no_equipment_replaced.data or (self.equipment_replaced.data or "").strip()):
            self.no_equipment_replaced.errors = [_l("List the replaced equipment, or tick “no equipment was replaced”.")]
            valid = False
        return valid


class TypedFloatField(FloatField):
    """A decimal number as typed on a Chinese keyboard too ("－２１．５" → -21.5), with a sentence when it is none."""

    def process_formdata(self, valuelist):
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = float(half_width(str(valuelist[0])).strip().replace(",", "."))
            except ValueError:
                self.data = None
                raise ValueError(_l("Type a number, for example -21.5.")) from None
        else:
            self.data = None


# ONT received optical power (domain reference §4.1, seed 000): -8 to -28 dBm is the standard range.
RX_POWER_RANGE = (-28.0, -8.0)


class InstallationReplyForm(ReplyForm):
    """The closure reply (回单) of an installation order: what was installed and opened, not a fault.

    An installation reports the equipment left on site (issue 21 item 10), the port the line is on,
    the commissioning tests (业务调试, §7.3 step 6: the ONT's received optical power in dBm, which must
    be in the standard range -28 to -8 dBm of §4.1, and the download speed measured in Mbit/s) and the
    acceptance (竣工交付, §7.3 step 7): the customer tested it, and the account holder and the
    contact-phone holder were told it is installed and working (§6.2 rule 4). No fault phenomenon,
    cause or fault classification. Stored by routes.installation_reply_from.
    """

    WORDS = {"handler": _l("Installed by"), "handler_phone": _l("Installer's phone"),
             "confirmation": _l("Installation confirmed by"),
             "holder_informed": _l("The account holder and contact-phone holder were told the service is installed and working")}

    arrival_time = DateTimeLocalField(_l("Arrival time"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    handling_process = TextAreaField(_l("What was installed and opened"),
                                     validators=[DataRequired(), Length(max=LONG), no_control_characters])
    installed_ont_serial = text(_l("ONT serial number"), 40, required=True)
    port = text(_l("Access port (splitter / OBD port)"), 60, required=True)
    rx_power = TypedFloatField(_l("Received optical power (dBm)"), validators=[InputRequired(_l("Give the received optical power in dBm."))])
    download_mbps = TypedFloatField(_l("Download speed measured (Mbit/s)"),
                                    validators=[InputRequired(_l("Give the download speed measured, in Mbit/s.")),
                                                NumberRange(0, 100000)])
    other_tests = TextAreaField(_l("Other services tested (IPTV, voice …)"),
                                validators=[Optional(), Length(max=MEDIUM), no_control_characters])
    recovery_time = DateTimeLocalField(_l("Installed and working at"), format=LOCAL_INPUT,
                                       validators=[InputRequired(), plausible_date])
    customer_accepted = BooleanField(_l("The customer tested the service and accepted it"),
                                     validators=[DataRequired(_l("The customer tests the service and accepts it; then tick it."))])

    def validate_rx_power(self, field):
        low, high = RX_POWER_RANGE
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(_l("A received optical power of %(value)s dBm is outside the standard range of -28 to "
                                     "-8 dBm: fix the line before the installation is accepted.") % {"value": f"{field.data:g}"})

    def validate(self, extra_validators=None):
        """Check the fields, then that the ONT's LOID or SN is given (issue 21 item 10)."""
        valid = super().validate(extra_validators)
        if not ((self.loid.data or "").strip() or (self.registration_sn.data or "").strip()):
            self.loid.errors = [*self.loid.errors, _l("Give the LOID or the SN the ONT registered with.")]
            valid = False
        return valid


class DuplicateForm(FlaskForm):
    """Cancel an order that repeats another one: the other order's number (issue 21 item 4)."""

    duplicate_of = StringField(_l("Order it duplicates (order number)"), validators=[DataRequired(), Length(max=40),
                                                                                    no_control_characters])
    reason = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])


REMOTE_METHODS = {"remote": _l("Solved remotely by the desk"), "preprocessing": _l("Solved by customer-service pre-processing")}


class RemoteCloseForm(FlaskForm):
    """Close an order solved without a visit (§6.12's remote-handling path, §2.10): what was wrong, what was done."""

    method = SelectField(_l("How it was solved"), choices=options(REMOTE_METHODS.items()))
    phenomenon = TextAreaField(_l("Fault phenomenon"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])
    cause = TextAreaField(_l("Cause"), validators=[DataRequired(), Length(min=4, max=MEDIUM), no_control_characters])
    handling_process = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=LONG), no_control_characters])
    classification = SelectField(_l("Fault classification"), choices=[])
    customer_confirmed = BooleanField(_l("The customer confirmed the service works again"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        """Offer the operator's active fault classes."""
        super().__init__(*args, **kwargs)
        from ..complaints.fault_classes import active_choices
        from ..db import get_db
        self.classification.choices = options(active_choices(get_db()))

    validate_cause = ClosureForm.validate_cause


MISDISPATCH_REASONS = {
    "not_our_department": _l("Not our department's order"), "wrong_area": _l("Wrong area or team"),
    "duplicate_dispatch": _l("Dispatched twice"), "broadband_complaint": _l("A broadband complaint for the complaint desk"),
    "other": _l("Other (say which)")}


class MisdispatchForm(FlaskForm):
    """Send a misdispatched order back to the queue with the reason (派单驳回, §6.3)."""

    reason_code = SelectField(_l("Why it is sent back"), choices=options(MISDISPATCH_REASONS.items()))
    reason = TextAreaField(_l("Details"), validators=[Optional(), Length(max=MEDIUM), no_control_characters])

    def validate(self, extra_validators=None):
        """Check the fields, then that "other" says which."""
        valid = super().validate(extra_validators)
        if self.reason_code.data == "other" and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, _l("Say why the order is sent back.")]
            return False
        return valid


class EditOrderForm(OrderForm):
    """Correct an open order's details. Type and access type stay: the order's clocks were started for them."""

    order_type = None
    access_type = None
    technician_id = None
    due_date = None  # moved only by an extension request (§7.4)

    def validate(self, extra_validators=None):
        """Check the fields, then the dial-up code as a new order would."""
        return OrderForm.validate(self, extra_validators)


class NoteForm(FlaskForm):
    """A progress note."""

    text = TextAreaField(_l("Progress note"), validators=[DataRequired(), Length(max=LONG), no_control_characters])


ACTION_FORMS = {
    "dispatch": AssignForm, "reassign": AssignForm, "reject": ReasonForm, "reopen": ReasonForm,
    "make_appointment": AppointmentForm, "suspend": SuspendForm, "mark_unsolved": UnsolvedForm,
    "return": ClosureForm, "restore": RestoreForm, "cancel_duplicate": DuplicateForm, "close_remotely": RemoteCloseForm,
    "return_to_queue": MisdispatchForm,
}


def form_for(action, order_type=None):
    """The form class of `action` on an order of `order_type` (None when the action takes no fields).

    An installation's closure reply reports what was installed (InstallationReplyForm), a repair's the fault.
    """
    if action == "return" and order_type == "installation":
        return InstallationReplyForm
    return ACTION_FORMS.get(action)
