"""The desk's group-fault forms: an alarm by hand, the announcement, and the small steps."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField,
                     widgets)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import labels
from ..textclean import half_width
from ..orders.forms import LOCAL_INPUT, LONG, MEDIUM, PHONE, no_control_characters, options, plausible_date, text
from . import rules


def _type_choices():
    return [(code, f"{labels.GF_CLASSES[cls]} · {labels.GF_TYPES[code]}") for cls in rules.classes() for code in rules.types_of(cls)]


class TypedIntegerField(IntegerField):
    """A whole number as typed on a Chinese keyboard too: full-width digits and signs are read ("３０")."""

    def process_formdata(self, valuelist):
        super().process_formdata([half_width(v) for v in valuelist])

class Checkboxes(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def long_text(label, required=False):
    checks = [DataRequired() if required else Optional(), Length(max=LONG), no_control_characters]
    return TextAreaField(label, validators=checks, filters=[lambda v: v.strip() if isinstance(v, str) else v])


class AlarmForm(FlaskForm):
    """An alarm entered by hand from the alarm platform (§5.1, §5.2)."""

    alarm_class = SelectField(_l("Alarm class"), choices=options(labels.choices(labels.GF_CLASSES)), validators=[DataRequired()])
    alarm_type = SelectField(_l("Alarm type"), validators=[DataRequired()])
    alarm_ref = text(_l("Alarm number on the platform"), 60)
    olt = text(_l("OLT"), 60)
    pon_port = text(_l("PON port"), 30)
    onu = text(_l("ONU"), 60)
    affected_users = TypedIntegerField(_l("Affected users shown by the platform"), validators=[Optional(), NumberRange(min=0, max=1000000)])
    district = SelectField(_l("County / district"), validators=[Optional()])
    community = text(_l("Community or school"))
    building = text(_l("Building"), 20)
    occurred_at = DateTimeLocalField(_l("Fault occurred at"), format=LOCAL_INPUT, validators=[DataRequired(), plausible_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.alarm_type.choices = options(_type_choices())


class AnnouncementForm(FlaskForm):
    """The fault announcement (§5.3 step 3, §5.4): cause, wording and validity are mandatory."""

    district = SelectField(_l("County / district"), validators=[Optional()])
    community = text(_l("Community or school"))
    building = text(_l("Building"), 20)
    services = Checkboxes(_l("Services affected"), choices=options(labels.choices(labels.GF_SERVICES)), validators=[Optional()])
    cause = text(_l("Fault cause"), MEDIUM, required=True)
    wording = long_text(_l("Explanation wording for callers (解释口径)"), required=True)
    valid_until = DateTimeLocalField(_l("Valid until"), format=LOCAL_INPUT, validators=[DataRequired(), plausible_date])
    expected_recovery_at = DateTimeLocalField(_l("Expected recovery"), format=LOCAL_INPUT,
                                               validators=[Optional(), plausible_date])
    announcer = text(_l("Announcer"))
    announcer_phone = StringField(_l("Announcer's phone"), validators=[Optional(), PHONE])
    department = text(_l("Announcing department"))
    city = text(_l("Announcing city"))
    announcement = long_text(_l("Announcement text"))


class NoteForm(FlaskForm):
    """A short note: who was notified, what the follow-up found, what the review decided."""

    note = text(_l("Note"), MEDIUM)


class RecoveryForm(FlaskForm):
    """When the service came back."""

    recovered_at = DateTimeLocalField(_l("Recovered at"), format=LOCAL_INPUT, validators=[DataRequired(), plausible_date])


class CancelForm(FlaskForm):
    """Cancel the interception: the reply the held orders are closed with; who is still down."""

    reply = long_text(_l("Reply to the intercepted orders"), required=True)
    still_down = SelectMultipleField(_l("Customers still down (released to dispatch)"), choices=[], validate_choice=False,
                                     validators=[Optional()], coerce=int)


class UploadForm(FlaskForm):
    """A CSV file: alarms, or the account mapping."""

    file = FileField(_l("CSV file"), validators=[FileRequired()])
