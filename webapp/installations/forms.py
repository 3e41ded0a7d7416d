"""The extension request form (§7.4: filed before the deadline; customer-caused delays only are clean)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..orders.forms import MEDIUM, no_control_characters, options, plausible_date

CAUSES = {"customer": _l("Caused by the customer"), "other": _l("Another cause (still counts as overdue)")}


class ExtensionForm(FlaskForm):
    """Move an installation order's due date, with the cause and the reason."""

    new_due_date = DateField(_l("New due date"), validators=[InputRequired(), plausible_date])
    cause = SelectField(_l("Cause of the delay"), choices=options(CAUSES.items()))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MEDIUM), no_control_characters])
