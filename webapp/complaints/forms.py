"""Forms of the complaint desk: the classification (§6.8) and the slow-speed reply (§6.4)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FieldList, FloatField, Form, FormField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, widgets)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from ..orders.forms import LOCAL_INPUT, PHONE, SHORT, MEDIUM, no_control_characters, options, plausible_date, text
from . import rules

SERVICES = {"web": _l("Web pages"), "game": _l("Games"), "video": _l("Video"), "download": _l("Downloads")}
SCOPES = {"all": _l("All of them"), "most": _l("Most of them"), "individual": _l("Individual ones")}
OBSERVATIONS = {"web_slow": _l("Web pages slow"), "web_will_not_open": _l("Web pages will not open"),
                "game_slow_drops": _l("Game slow, drops often"), "game_cannot_log_in": _l("Game cannot log in")}
RESOURCE_ATTRIBUTES = {
    "in_province_idc": _l("In-province IDC"), "provincial_cache": _l("Provincial cache site"),
    "other_province_mobile": _l("Other-province Mobile resource"), "third_party_egress": _l("Third-party egress"),
    "in_province_backbone": _l("In-province backbone egress")}
FOCUS_AREAS = {"network_quality": _l("Network quality"), "service_content_quality": _l("Service-content quality"),
               "service_quality": _l("Service quality"), "customer_cause": _l("Customer cause")}
KINDS = {"complaint": _l("Complaint: the customer asks for a result"), "grievance": _l("Grievance: venting, no follow-up asked")}
VALIDITY = {"valid": _l("Valid: caused by us"), "invalid": _l("Invalid: outside our responsibility")}
MAJOR_CRITERIA = {
    "group_with_media": _l("Group complaint by 5 or more people with media involved or likely"),
    "loss": _l("Property loss or compensation of 50,000 yuan or more"),
    "petition": _l("Petition to any level of government"), "personal_safety": _l("Personal safety or injury"),
    "vip_customer": _l("VIP customer"), "top_management": _l("Complaint to group or company top management")}


class MultiCheckbox(SelectMultipleField):
    """Several choices ticked from a list."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class DomainRow(Form):
    """One slow domain: its name, the IP it resolved to, where the resource is (§6.4)."""

    domain = StringField(_l("Domain"), validators=[Optional(), Length(max=253), no_control_characters])
    ip = StringField(_l("IP address"), validators=[Optional(), Length(max=45), no_control_characters])
    resource_attribute = SelectField(_l("Resource attribute"),
                                     choices=options([("", "—")] + list(RESOURCE_ATTRIBUTES.items())), validate_choice=False)


class SlowSpeedReplyForm(FlaskForm):
    """The slow-speed complaint reply (网速慢类工单模板, §6.4; §9.1 item 7)."""

    services = MultiCheckbox(_l("Affected services"), choices=options(SERVICES.items()), validate_choice=False)
    scope = RadioField(_l("How many of them are affected"), choices=options(SCOPES.items()), validate_choice=False)
    machine_room = SelectField(_l("Machine room"), choices=[], validate_choice=False)
    ping_target = text(_l("Ping target (the machine room's NE5000E)"), 45)
    ping_loss_percent = FloatField(_l("Packet loss (%)"), validators=[InputRequired()])
    ping_latency_ms = FloatField(_l("Latency (ms)"), validators=[InputRequired()])
    observations = MultiCheckbox(_l("Seen on site"), choices=options(OBSERVATIONS.items()), validate_choice=False)
    complained_domains = TextAreaField(_l("Domains the customer complained about (one per line)"),
                                       validators=[Optional(), Length(max=4000), no_control_characters])
    rows = FieldList(FormField(DomainRow), min_entries=6, max_entries=rules.MAX_ROWS)
    test_time = DateTimeLocalField(_l("Test time"), format=LOCAL_INPUT, validators=[InputRequired(), plausible_date])
    tester = text(_l("Tester"), SHORT, required=True)
    tester_phone = StringField(_l("Tester's phone"), validators=[InputRequired(), PHONE])


class ClassificationForm(FlaskForm):
    """How a complaint is classified (§6.8; §9.2 item 20)."""

    focus_area = RadioField(_l("Focus area"), choices=options(FOCUS_AREAS.items()), validate_choice=False)
    kind = RadioField(_l("Grievance or complaint"), choices=options(KINDS.items()), validate_choice=False)
    validity = RadioField(_l("Validity"), choices=options(VALIDITY.items()), validate_choice=False)
    explanation = TextAreaField(_l("Explanation given to the customer"),
                                validators=[Optional(), Length(max=MEDIUM), no_control_characters])
    people_count = IntegerField(_l("People complaining together"), validators=[Optional(), NumberRange(0, 100_000)])
    media = BooleanField(_l("Media involved or likely"))
    loss_yuan = IntegerField(_l("Property loss or compensation claimed (yuan)"), validators=[Optional(), NumberRange(0, 10**10)])
    petition = BooleanField(MAJOR_CRITERIA["petition"])
    personal_safety = BooleanField(MAJOR_CRITERIA["personal_safety"])
    vip_customer = BooleanField(MAJOR_CRITERIA["vip_customer"])
    top_management = BooleanField(MAJOR_CRITERIA["top_management"])


class FaultClassForm(FlaskForm):
    """One fault class of the closure reply's list (the operator's own list, §9.2 item 15)."""

    code = StringField(_l("Code"), validators=[InputRequired(), Regexp(r"^[a-z][a-z0-9_]{1,39}$", message=_l(
        "A code is 2 to 40 lower-case letters, digits or '_', starting with a letter."))])
    name_zh = text(_l("Name (Chinese)"), SHORT, required=True)
    name_en = text(_l("Name (English)"), SHORT, required=True)
    position = IntegerField(_l("Position in the list"), default=100, validators=[Optional(), NumberRange(0, 10_000)])
    active = BooleanField(_l("Offered in closure replies"), default=True)


class FollowupDoneForm(FlaskForm):
    """What was done about a follow-up (§6.2 #6)."""

    outcome = TextAreaField(_l("What was done"), validators=[InputRequired(), Length(max=500), no_control_characters])
