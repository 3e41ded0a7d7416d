"""The words people see for coded values (states, types, actions, SLA policies), translatable."""
from flask_babel import get_locale, lazy_gettext as _l, ngettext

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
    "closed": _l("Closed"), "cancelled": _l("Cancelled"),
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
    "reply_group_fault": _l("Answered with the group-fault reply"),
    "cancel": _l("Cancelled"), "update_fields": _l("Details changed by the raising system"),
    "fault_report": _l("Fault report filed"), "extension": _l("Extension request"),
    "participant": _l("Participant recorded"), "loop_test": _l("Loop test"),
    "tool_check": _l("Tool checklist"), "attach_capture": _l("Capture attached"),
    "cancel_duplicate": _l("Cancel as a duplicate"), "close_remotely": _l("Close: solved without a visit"),
    "return_to_queue": _l("Send back to the queue (misdispatched)"), "edit": _l("Details corrected"),
    "classification": _l("Complaint classified"), "slow_speed_reply": _l("Slow-speed reply saved"),
    "group_fault_intercepted": _l("Intercepted by group fault: dispatch held"),
    "group_fault_flagged": _l("Area under group fault"), "group_fault_released": _l("Group-fault hold lifted"),
}
# Group faults (domain reference §5.2, §5.4; webapp/groupfaults/rules.json holds the codes).
GF_CLASSES = {"onu": _l("ONU terminal fault"), "line": _l("Transmission line fault"), "olt": _l("OLT hardware fault")}
GF_TYPES = {
    "onu_signal_interruption": _l("ONU signal interruption"), "onu_power_loss": _l("ONU power loss"),
    "rogue_ont": _l("Rogue ONT under the port"), "nms_communication_failure": _l("NMS-to-device communication failure"),
    "onu_offline": _l("ONU offline"), "olt_pon_signal_loss": _l("OLT PON signal loss"),
    "trunk_fibre_break": _l("Trunk fibre break"), "olt_los": _l("OLT detects no optical signal (LOS)"),
    "ne_link_down": _l("Network-element link down"), "olt_pon_rx_power_out_of_range": _l("OLT PON receive power out of range"),
    "pon_signal_loss": _l("PON signal loss"), "tx_power_low": _l("Transmit optical power too low"),
    "olt_optical_module_absent": _l("OLT optical module not present"),
    "olt_pon_tx_power_out_of_range": _l("OLT PON port transmit power out of range"),
    "pon_optical_module_absent": _l("PON port optical module not present"),
    "gpon_optical_module_fault": _l("GPON port optical module hardware fault"),
    "board_status_abnormal": _l("Board status abnormal"),
}
GF_SERVICES = {"personal_broadband": _l("personal broadband"), "wlan": _l("WLAN"), "private_line": _l("private line")}
GF_STATUSES = {
    "alarm": _l("Alarm"), "raised": _l("Group-fault order, awaiting acceptance"), "accepted": _l("Accepted"),
    "published": _l("Published: intercepting"), "recovered": _l("Recovered: cancel the interception"),
    "cancelled": _l("Interception cancelled"), "expired": _l("Expired"),
}
GF_TIMERS = {
    "notify_company": _l("Outsourced company notified (15 min)"), "follow_up": _l("Progress follow-up (every 30 min)"),
    "desk_review": _l("Desk review (every 15 min)"), "cancel_interception": _l("Interception cancelled after recovery (10 min)"),
    "validity": _l("End of validity period"),
}
GF_COMPANIES = {"home_customer": _l("home-customer maintenance company"), "line_maintenance": _l("line maintenance company"),
                "olt_hardware": _l("OLT hardware maintenance company")}
GF_EVENTS = {
    "alarm": _l("Alarm registered"), "raised": _l("Group-fault order raised"), "accepted": _l("Acceptance confirmed"),
    "announcement": _l("Announcement saved"), "published": _l("Published"), "linked": _l("Orders in the area linked"),
    "company_notified": _l("Company notified"), "follow_up": _l("Follow-up"), "review": _l("Desk review"),
    "recovered": _l("Recovered"), "cancelled": _l("Interception cancelled"), "expired": _l("Expired"),
    "links_ended": _l("Linked orders closed or released"),
}
GF_OUTCOMES = {"closed": _l("closed with the reply"), "released": _l("released to dispatch"), "unflagged": _l("flag removed")}
GF_MATCHED_ON = {"account": _l("broadband account"), "olt": _l("OLT"), "pon_port": _l("PON port"), "onu": _l("ONU"),
                 "address": _l("address")}
ROLES = {"dispatcher": _l("Dispatcher"), "technician": _l("Technician"), "supervisor": _l("Supervisor")}
# A title with %(limit)s shows the policy's current amount (sla_policies.amount, edited on the admin page),
# filled in by policy_title; the seeded amounts are in webapp/sla/policies.json.
POLICIES = {
    "arrival_appointment": _l("Appointment within %(limit)s of arrival"),
    "first_appointment": _l("First appointment response (%(limit)s)"),
    "complaint_same_day": _l("Complaint cleared the same day"),
    "enterprise_sign": _l("Enterprise ticket signed (%(limit)s)"),
    "enterprise_contact": _l("Enterprise contact result (%(limit)s)"),
    "enterprise_progress": _l("Enterprise progress note (every %(limit)s)"),
    "enterprise_escalation_120": _l("Enterprise escalation at %(limit)s"),
    "enterprise_escalation_180": _l("Enterprise escalation at %(limit)s"),
    "complaint_acknowledge": _l("Complaint acknowledged (%(limit)s)"),
    "complaint_investigation": _l("Complaint investigated (%(limit)s)"),
    "complaint_solution": _l("Complaint solution (%(limit)s)"),
    "installation_due": _l("Installation due (warned 1 week before, 3 days if urgent)"),
    "installation_progress": _l("Circuit warning (%(limit)s before the due date)"),
    "enterprise_fault_report": _l("Enterprise fault report (%(limit)s)"),
    "followup_supervisor_fix": _l("Follow-up for you: supervise a time-limited fix"),
    "followup_revisit": _l("Follow-up for you: see the revisit through"),
    "followup_marketing": _l("Follow-up for you: the business question (marketing)"),
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
    "approver_id": _l("Approver"), "closure": _l("Closure reply"), "duplicate_of": _l("Order it duplicates"),
}
# "lit": on in a single photo, which cannot show steady from flashing (offline/led.js confirmedLeds).
LED_STATES = {"off": _l("off"), "on": _l("steady on"), "blinking": _l("flashing"), "unsure": _l("unsure"),
              "lit": _l("lit (steady or flashing)")}
LED_COLORS = {"green": _l("green"), "red": _l("red"), "orange": _l("orange"), "blue": _l("blue"), "white": _l("white"),
              "other": _l("other colour")}
LED_PROBLEMS = {
    "too_dark": _l("too dark"), "blurry": _l("blurred"), "over_exposed": _l("too bright or glare"),
    "too_far": _l("too far"), "no_panel": _l("no panel found"), "unreadable": _l("not a readable photo"),
    "check_model": _l("is this the model?"),
    "moved": _l("moved during the burst"), "small_photo": _l("photo too small"),
    "unsure": _l("lights could not be read for sure"), "not_read": _l("could not be read automatically"),
    "cut_off": _l("part of the row outside the photo"),
    "turned": _l("photo perhaps upside down or on its side, some lights unsure"),
    "read_turned": _l("read from the row's other end (photo turned or mirrored, or names in the other order)"),
    "colour_misfit": _l("a light's colour does not fit this model: check the model, the names or the photo"),
    "cut_out": _l("part of the picture see-through (edited)"),
    "no_colour": _l("black-and-white photo"),
}

# Administration (issue 22): what the audit log names, and the notices' kinds.
AUDIT_ENTITIES = {"user": _l("Person"), "holiday_year": _l("Holiday calendar"), "sla_policy": _l("SLA policy"),
                  "classification": _l("Classification list"), "device": _l("Device catalog"),
                  "api_client": _l("API client")}
AUDIT_ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "deactivate": _l("Deactivated"),
                 "reactivate": _l("Reactivated"), "reset_password": _l("Password reset"), "replace": _l("Year replaced"),
                 "issue_token": _l("Token issued"), "revoke_token": _l("Token revoked"),
                 "rotate_secret": _l("Webhook signing secret replaced")}
AUDIT_FIELDS = {"display_name": _l("Name"), "role": _l("Role"), "phone": _l("Phone"), "district": _l("District"),
                "grid": _l("Grid"), "skills": _l("Skills"), "company": _l("Outsourced company"), "username": _l("Username"),
                "active": _l("Active"), "password": _l("Password"), "holidays": _l("Holidays"),
                "workdays": _l("Make-up workdays"), "amount": _l("Limit"), "warn_minutes": _l("Warn before (min)"),
                "escalate_role": _l("Escalates to"), "code": _l("Code"), "label": _l("Label"), "model": _l("Model"),
                "vendor": _l("Vendor"), "kind": _l("Kind"), "access_types": _l("Access types"),
                "name": _l("System name"), "scopes": _l("Scopes"), "all_orders": _l("Sees every order"),
                "webhook_url": _l("Webhook address"), "token": _l("Token (first characters)")}
API_SCOPES = {"orders:read": _l("Read orders"), "orders:write": _l("Create and change orders"),
              "alarms:write": _l("Send alarms and the account mapping")}
NOTICE_KINDS = {"warning": _l("Warning"), "breach": _l("Breach"), "assigned": _l("New order for you"),
                "reassigned": _l("Order taken off you"), "changed": _l("Order changed")}
LISTS = {"complaint_focus": _l("Complaint focus area"), "handling_result": _l("Handling result"),
         "complaint_validity": _l("Complaint validity"), "skill": _l("Skills")}
DEVICE_KINDS = {"ont": _l("ONT (optical modem)"), "router": _l("Router"), "switch": _l("Switch"),
                "transceiver": _l("Fibre transceiver"), "other": _l("Other")}
SLA_KINDS = {"minutes": _l("minutes"), "working_days": _l("working days"), "same_day": _l("same day")}
# The closure reply's coded answers (ClosureForm's choices and every page that shows a reply).
CLOSURE_RESULTS = {"recovered": _l("Recovered"), "not_recovered": _l("Not recovered")}
CLOSURE_CLASSES = {
    "drop_cable": _l("Drop cable / fibre"), "ont": _l("ONT / modem"), "router": _l("Customer router"),
    "account": _l("Account or authentication"), "network": _l("Network side"), "customer": _l("Customer side"),
    "other": _l("Other"),
}
CLOSURE_CONFIRMATIONS = {"customer": _l("Customer, through customer service"),
                         "nms": _l("NMS alarm cleared (night or unreachable)")}
# What a technician is trained for (users.skills, comma-separated codes).
SKILLS = {"FTTH": "FTTH", "FTTB": "FTTB", "enterprise": _l("Enterprise lines")}
# Follow-ups a callback opens (webapp/signoff/callbacks.py FOLLOWUP_BY_CAUSE); the guides' own are in playbooks.json.
CALLBACK_FOLLOWUPS = {"supervisor_fix": _l("supervisor to correct the technician"), "revisit": _l("revisit the customer"),
                      "marketing": _l("marketing to contact the customer")}
# Why an order needs no callback (webapp/signoff/callbacks.py exemption).
CALLBACK_EXEMPTIONS = {"no_contact": _l("no contact phone"), "confirmed_on_site": _l("satisfied on the signed report")}

_TABLES = {"order_type": ORDER_TYPES, "access_type": ACCESS_TYPES, "symptom": SYMPTOMS, "priority": PRIORITIES,
           "state": STATES, "action": ACTIONS, "role": ROLES, "policy": POLICIES, "field": FIELDS,
           "closure": CLOSURE_FIELDS, "title": ESCALATION_TITLES, "led_state": LED_STATES, "led_color": LED_COLORS,
           "led_problem": LED_PROBLEMS, "gf_class": GF_CLASSES, "gf_type": GF_TYPES, "gf_service": GF_SERVICES,
           "gf_status": GF_STATUSES, "gf_timer": GF_TIMERS, "gf_company": GF_COMPANIES, "gf_matched": GF_MATCHED_ON, "gf_event": GF_EVENTS, "gf_outcome": GF_OUTCOMES,
           "audit_entity": AUDIT_ENTITIES, "audit_action": AUDIT_ACTIONS, "audit_field": AUDIT_FIELDS, "api_scope": API_SCOPES,
           "notice_kind": NOTICE_KINDS, "list": LISTS, "device_kind": DEVICE_KINDS, "sla_kind": SLA_KINDS,
           "closure_result": CLOSURE_RESULTS, "closure_class": CLOSURE_CLASSES, "closure_confirmation": CLOSURE_CONFIRMATIONS,
           "skill": SKILLS, "callback_exemption": CALLBACK_EXEMPTIONS, "followup": CALLBACK_FOLLOWUPS}


def skills_words(skills):
    """A technician's comma-separated skill codes in words ("FTTH,enterprise" → "FTTH、政企专线")."""
    # A city has a handful of skill sets and the console shows one per technician, three times
    # over: each set is put in words once per process and language, as label() does.
    locale = str(get_locale())
    key = (locale, "skills", skills or "")
    text = _translated.get(key)
    if text is None:
        words = [label(code.strip(), "skill") for code in (skills or "").split(",") if code.strip()]
        text = _translated[key] = "、".join(words) if locale != "en" else ", ".join(words)
    return text


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
    if kind == "policy" and "%(limit)s" in text:
        return text % {"limit": policy_limit(value)}
    return text


# An installation is not repaired but installed and working (§6.2 rule 4, §7.3 step 7): its "restore" step and
# "restored" state have their own words, as on the phone (offline/ui.js stateChip, offline/screens/job.js).
INSTALLATION_WORDS = {("action", "restore"): _l("Installed and working"),
                      ("state", "restored"): _l("Installed, awaiting confirmation")}


def order_label(value, kind, order_type=None):
    """label(value, kind) in the words of an order of `order_type`: an installation's step says 已装通, not 已修复."""
    if order_type == "installation" and (kind, value) in INSTALLATION_WORDS:
        return str(INSTALLATION_WORDS[(kind, value)])
    return label(value, kind)


def policy_limit(code):
    """The policy's current limit in words ("7 个工作日", "30 分钟", "24 小时"), read once per request.

    From sla_policies (the admin page edits it), so a title follows an edited amount; outside a request,
    or for a code not in the table, the seeded amount of webapp/sla/policies.json.
    """
    kind, amount = policy_amount(code)
    return limit_words(kind, amount) if kind else ""


def policy_amount(code):
    """The policy's current (kind, amount), (None, None) for an unknown code; read once per request as policy_limit says."""
    from flask import g, has_app_context
    amounts = g.get("policy_amounts") if has_app_context() else None
    if amounts is None:
        amounts = _policy_amounts()
        if has_app_context():
            g.policy_amounts = amounts
    return amounts.get(code, (None, None))


def _policy_amounts():
    from flask import has_app_context
    if has_app_context():
        from .db import get_db
        return {row["code"]: (row["kind"], row["amount"]) for row in get_db().query("SELECT code, kind, amount FROM sla_policies")}
    import json
    from .sla.engine import POLICY_FILE
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    return {p["code"]: (p["kind"], p["amount"]) for p in (data if isinstance(data, list) else data["policies"])}


def limit_words(kind, amount):
    """An SLA limit in words: a day or more of whole hours as hours, other minutes as minutes, working days as such."""
    if kind == "working_days":
        return ngettext("%(num)d working day", "%(num)d working days", amount)
    if kind == "minutes" and amount >= 1440 and amount % 60 == 0:  # a day or more reads as hours (24 小时), as the seeds word it
        return ngettext("%(num)d h", "%(num)d h", amount // 60)
    if kind == "minutes":
        return ngettext("%(num)d min", "%(num)d min", amount)
    return ""


def choices(table):
    """Return (value, label) pairs for a select."""
    return list(table.items())
