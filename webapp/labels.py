"""The words people see for coded values (states, types, actions, SLA policies), translatable."""
from flask_babel import get_locale, lazy_gettext as _l

ORDER_TYPES = {"installation": _l("Installation"), "repair": _l("Repair"), "complaint": _l("Complaint")}
ACCESS_TYPES = {"ftth": _l("FTTH"), "fttb": _l("FTTB"), "enterprise": _l("Enterprise line")}
SYMPTOMS = {
    "no_service": _l("No service"), "slow": _l("Slow"), "wifi_slow": _l("Wi-Fi slow"),
    "one_site": _l("One site or app"), "game": _l("A game"), "dialup_error": _l("Dial-up error"),
    "new_install": _l("New installation"),
}
DIALUP_ERRORS = ("691", "678", "769")
PRIORITIES = {"urgent": _l("Urgent"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
STATES = {
    "created": _l("Created"), "dispatched": _l("Dispatched"), "accepted": _l("Accepted"),
    "appointed": _l("Appointment made"), "en_route": _l("En route"), "on_site": _l("On site"),
    "suspended": _l("Suspended"), "restored": _l("Restored, awaiting confirmation"),
    "returned": _l("Returned"), "rejected": _l("Rejected to dispatch"), "unsolved": _l("Unsolved (legacy)"),
    "closed": _l("Closed"),
}
ACTIONS = {
    "create": _l("Created"), "dispatch": _l("Assign"), "reassign": _l("Reassign"), "accept": _l("Accept"),
    "reject": _l("Reject to dispatch"), "make_appointment": _l("Make appointment"), "depart": _l("En route"),
    "arrive": _l("On site"), "suspend": _l("Suspend"), "resume": _l("Resume"),
    "restore": _l("Service restored"), "return": _l("Return with closure reply"),
    "mark_unsolved": _l("Unsolved: legacy backlog"), "close": _l("Close"), "reopen": _l("Reopen as new order"),
    "add_note": _l("Progress note"), "attach_photo": _l("Photo"),
    "record_run": _l("Fault-finding"), "wifi_survey": _l("Wi-Fi survey"),
    "sign_off": _l("Customer sign-off"), "led_check": _l("LED photo check"), "led_confirm": _l("LEDs confirmed"),
}
ROLES = {"dispatcher": _l("Dispatcher"), "technician": _l("Technician"), "supervisor": _l("Supervisor")}
POLICIES = {
    "first_appointment": _l("First appointment response (30 min)"),
    "complaint_same_day": _l("Complaint cleared the same day"),
    "enterprise_sign": _l("Enterprise ticket signed (10 min)"),
    "enterprise_contact": _l("Enterprise contact result (15 min)"),
    "enterprise_progress": _l("Enterprise progress note (every 30 min)"),
    "enterprise_escalation_120": _l("Enterprise escalation at 120 min"),
    "enterprise_escalation_180": _l("Enterprise escalation at 180 min"),
    "complaint_acknowledge": _l("Complaint acknowledged (24 h)"),
    "complaint_investigation": _l("Complaint investigated (5 working days)"),
    "complaint_solution": _l("Complaint solution (7 working days)"),
}
ESCALATION_TITLES = {
    "branch customer-response centre director": _l("branch customer-response centre director"),
    "branch vice-president for O&M": _l("branch vice-president for O&M"),
}
CLOSURE_FIELDS = {
    "phenomenon": _l("Fault phenomenon"), "arrival_time": _l("Arrival time"), "cause": _l("Cause"),
    "process": _l("Handling process"), "equipment_replaced": _l("Equipment replaced"),
    "result": _l("Result"), "recovery_time": _l("Recovery time"), "classification": _l("Fault classification"),
    "confirmation": _l("Restoration confirmed by"), "holder_informed": _l("Account holder informed"),
}
FIELDS = {
    "technician_id": _l("Technician"), "reason": _l("Reason"), "appointment_start": _l("Appointment start"),
    "appointment_end": _l("Appointment end"), "customer_consent": _l("Customer consent"),
    "approver_id": _l("Approver"), "closure": _l("Closure reply"),
}
LED_STATES = {"off": _l("off"), "on": _l("steady on"), "blinking": _l("flashing"), "unsure": _l("unsure")}
LED_COLORS = {"green": _l("green"), "red": _l("red"), "orange": _l("orange"), "blue": _l("blue"), "white": _l("white"),
              "other": _l("other colour")}
LED_PROBLEMS = {
    "too_dark": _l("too dark"), "blurry": _l("blurred"), "over_exposed": _l("too bright or glare"),
    "too_far": _l("too far"), "no_panel": _l("no panel found"), "unreadable": _l("not a readable photo"),
}

_TABLES = {"order_type": ORDER_TYPES, "access_type": ACCESS_TYPES, "symptom": SYMPTOMS, "priority": PRIORITIES,
           "state": STATES, "action": ACTIONS, "role": ROLES, "policy": POLICIES, "field": FIELDS,
           "closure": CLOSURE_FIELDS, "title": ESCALATION_TITLES, "led_state": LED_STATES, "led_color": LED_COLORS,
           "led_problem": LED_PROBLEMS}


_translated = {}


def label(value, kind):
    """Return the translated label of a coded value (the value itself when unknown).

    Labels are fixed per language, so each is translated once per process and language:
    the dispatcher queue shows hundreds of them per page.
    """
    if value is None:
        return ""
    key = (str(get_locale()), kind, value)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = str(_TABLES[kind].get(value, value))
    return text


def choices(table):
    """Return (value, label) pairs for a select."""
    return list(table.items())
