"""The work-order state machine (domain reference §6.12 and §9.2 #11), as plain data.

No Flask here: views call `check()` and show the refusal it raises. Messages are English
msgids marked with `N_` so the view translates them (zh-CN first).
"""
from dataclasses import dataclass, field


def N_(message):
    """Mark a message for translation without translating it here."""
    return message


STATES = (
    "created",     # 受理
    "dispatched",  # 派单
    "accepted",    # 签收
    "appointed",   # 已预约
    "en_route",    # 出发
    "on_site",     # 到场
    "suspended",   # 挂起
    "restored",    # 已修复, awaiting confirmation
    "returned",    # 返单 / 回单
    "rejected",    # 驳回 (back to dispatch)
    "unsolved",    # 问题遗留库
    "closed",      # 归档
    "cancelled",   # 撤单: withdrawn by the system that raised it before the visit, or a duplicate (issue 21 item 4)
)

OPEN_STATES = frozenset(STATES) - {"returned", "closed", "unsolved", "cancelled"}
# Open and in a technician's hands: what counts as their load and their job list.
ACTIVE_STATES = ("dispatched", "accepted", "appointed", "en_route", "on_site", "suspended", "restored")
DISPATCHER_ROLES = frozenset({"dispatcher", "supervisor"})
TECHNICIAN = frozenset({"technician"})
ANY_ROLE = DISPATCHER_ROLES | TECHNICIAN
API = frozenset({"api"})  # another system, through /api/v1 (webapp/api)


@dataclass(frozen=True)
class Action:
    """One thing a person can do to an order: where it may start, where it goes, who may."""

    name: str
    sources: frozenset
    target: str | None  # None: decided by the order (resume goes back where it was)
    roles: frozenset
    required: tuple = ()
    assignee_only: bool = True  # a technician may act only on an order assigned to them
    notes: dict = field(default_factory=dict)
    offered: bool = True  # shown on the order page; False: only another feature's workflow applies it
    order_types: frozenset | None = None  # the order types it is for (None: every type)
    wrong_type: str = ""  # why another order type may not (a msgid)


ACTIONS = {
    a.name: a
    for a in (
        Action("dispatch", frozenset({"created", "rejected", "unsolved"}), "dispatched",
               DISPATCHER_ROLES, ("technician_id",)),
        Action("reassign", frozenset({"dispatched", "accepted", "appointed", "en_route"}),
               "dispatched", DISPATCHER_ROLES, ("technician_id",)),
        Action("accept", frozenset({"dispatched"}), "accepted", TECHNICIAN),
        Action("reject", frozenset({"dispatched", "accepted", "appointed"}), "rejected",
               TECHNICIAN, ("reason",)),
        Action("make_appointment", frozenset({"accepted", "appointed"}), "appointed",
               TECHNICIAN, ("appointment_start", "appointment_end")),
        Action("depart", frozenset({"appointed"}), "en_route", TECHNICIAN),
        Action("arrive", frozenset({"appointed", "en_route"}), "on_site", TECHNICIAN),
        Action("suspend", frozenset({"accepted", "appointed", "en_route", "on_site"}),
               "suspended", DISPATCHER_ROLES, ("customer_consent", "approver_id", "reason")),
        Action("resume", frozenset({"suspended"}), None, ANY_ROLE),
        Action("restore", frozenset({"on_site"}), "restored", TECHNICIAN),
        Action("return", frozenset({"restored"}), "returned", TECHNICIAN, ("closure",)),
        Action("mark_unsolved", frozenset({"on_site", "restored"}), "unsolved", ANY_ROLE,
               ("reason",)),
        Action("close", frozenset({"returned", "unsolved"}), "closed", DISPATCHER_ROLES),
        Action("reopen", frozenset({"returned", "closed"}), "closed", DISPATCHER_ROLES,
               ("reason",)),
        # The desk finishes orders nobody needs to visit (issue 21 item 4): a duplicate is cancelled and
        # linked to the order it repeats; an order solved remotely or by pre-processing is returned with
        # its reply (§6.12, §2.10); an order sent to the wrong place goes back to the queue with the
        # reason (派单驳回, §6.3).
        Action("cancel_duplicate", frozenset({"created", "rejected", "dispatched", "accepted", "appointed"}),
               "cancelled", DISPATCHER_ROLES, ("duplicate_of",)),
        # Not an installation: §2.10's remote handling answers complaints and faults; an installation is a visit —
        # the survey at the address (§7.3 step 2), the line installed and tested, the customer's acceptance
        # (§6.2, §7.3 steps 6–7) — and for a late one the desk urges the technician (催单, §2.10 D3).
        Action("close_remotely", frozenset({"created", "rejected", "dispatched", "accepted", "appointed"}),
               "returned", DISPATCHER_ROLES, ("closure",), order_types=frozenset({"repair", "complaint"}),
               wrong_type=N_("An installation cannot be closed without a visit: the line is installed and tested at the "
                             "customer's address and the customer accepts it there. If it repeats another order, cancel "
                             "it as a duplicate; if it is late, urge the technician.")),
        Action("return_to_queue", frozenset({"dispatched", "accepted", "appointed"}), "rejected",
               DISPATCHER_ROLES, ("reason",)),
        # An order intercepted by a group fault is answered with the reply template when the
        # fault is over (domain reference §5.3, §6.4): no visit, straight to returned.
        Action("reply_group_fault", frozenset({"created", "rejected"}), "returned", DISPATCHER_ROLES,
               ("closure",), offered=False),
        # The system that raised an order withdraws it (the customer called it off) before the
        # technician is on site; from then on the desk decides (issue 19).
        Action("cancel", frozenset({"created", "rejected", "dispatched", "accepted", "appointed", "en_route",
                                    "suspended"}), "cancelled", DISPATCHER_ROLES | API, ("reason",), offered=False),
    )
}

# Closure reply of the EMOS template (§9.2 #15); all required, cause must be specific.
CLOSURE_FIELDS = (
    "phenomenon", "arrival_time", "cause", "process", "equipment_replaced",
    "result", "recovery_time",
)
# An installation's closure reply (装机回单): what was installed and opened, the port, the tests, the acceptance
# (§6.2, §7.3 steps 6–7; webapp/orders/forms.py InstallationReplyForm); no fault fields.
INSTALLATION_REPLY_FIELDS = ("arrival_time", "process", "port", "tests", "recovery_time")


class Refused(Exception):
    """An action that may not happen now; `message % params` says why, for a person."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def check(action_name, state, role, *, is_assignee=False, fields=None):
    """Return the state the order moves to, or raise Refused with the reason."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise Refused(N_("Unknown action."))
    if role not in action.roles:
        raise Refused(N_("Your role may not do this: “%(action)s” is for %(roles)s."),
                      action=action_name, roles=", ".join(sorted(action.roles)))
    if role == "technician" and action.assignee_only and not is_assignee:
        raise Refused(N_("This order is not assigned to you."))
    if state not in action.sources:
        raise Refused(N_("An order that is “%(state)s” cannot be “%(action)s”; allowed from: %(sources)s."),
                      state=state, action=action_name, sources=", ".join(sorted(action.sources)))
    fields = fields or {}
    if not for_order_type(action, fields.get("order_type")):
        raise Refused(action.wrong_type)
    for name in action.required:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise Refused(N_("“%(field)s” is required to %(action)s."),
                          field=name, action=action_name)
    if action_name == "make_appointment" and state == "appointed" and not (fields.get("reason") or "").strip():
        raise Refused(N_("Changing an appointment needs a reason."))
    if action_name == "return":
        _check_reply(fields)
    if action_name == "resume":
        return fields.get("resume_state") or "accepted"
    return action.target


def for_order_type(action, order_type):
    """Say whether `action` is for an order of `order_type` (None: not known here, so not refused for it)."""
    return action.order_types is None or order_type is None or order_type in action.order_types


def allowed_actions(state, role, *, is_assignee=False, order_type=None):
    """List the actions this person could take on an order in `state` of `order_type` (fields aside)."""
    names = []
    for action in ACTIONS.values():
        if state in action.sources and role in action.roles and action.offered and for_order_type(action, order_type):
            if role == "technician" and action.assignee_only and not is_assignee:
                continue
            names.append(action.name)
    return names


def _check_reply(fields):
    """Refuse a closure reply that misses what its order type reports (§9.2 #15, #16; §6.2 rule 4; §7.4 #9).

    A repair reports the fault (CLOSURE_FIELDS); an installation what was installed, tested and accepted
    (INSTALLATION_REPLY_FIELDS, the ONT's serial and its LOID or SN), in its own words: installed, not repaired.
    """
    closure = fields["closure"]
    installation = fields.get("order_type") == "installation"
    required = INSTALLATION_REPLY_FIELDS if installation else CLOSURE_FIELDS
    missing = [name for name in required if not str(closure.get(name) or "").strip()]
    if missing:
        raise Refused(N_("The closure reply is missing: %(fields)s."), fields=", ".join(missing))
    # §9.2 #16: an enterprise line is confirmed by the customer or the NMS before the
    # technician leaves; a home line records that the account holder was told.
    if fields.get("access_type") == "enterprise":
        if closure.get("confirmation") not in ("customer", "nms"):
            raise Refused(N_("An enterprise installation needs the service confirmed by the customer or by the NMS.")
                          if installation else
                          N_("An enterprise order needs the restoration confirmed by the customer or by the NMS alarm clearing."))
        # §7.4 #9: by whom (the customer-service agent or the NMS duty officer) and when, not before recovery.
        if not (closure.get("confirmed_by") or "").strip() or not closure.get("confirmed_at"):
            raise Refused(N_("Say who confirmed the installation (customer service or the NMS duty officer) and when.")
                          if installation else
                          N_("Say who confirmed the restoration (customer service or the NMS duty officer) and when."))
    elif not closure.get("holder_informed"):
        raise Refused(N_("Tell the account holder and the contact-phone holder that the service is installed and working, then tick it.")
                      if installation else
                      N_("Tell the account holder and the contact-phone holder that the service is repaired, then tick it."))
    if installation:
        installed = closure.get("installed") or {}
        if not installed.get("ont_serial") or not (installed.get("loid") or installed.get("registration_sn")):
            raise Refused(N_("An installation is returned with the ONT's serial number and the LOID or SN it registered with."))
        if not closure.get("customer_accepted"):
            raise Refused(N_("The customer tests the service and accepts it; then tick it."))
    if closure.get("confirmed_at") and closure["confirmed_at"] < str(closure.get("recovery_time") or ""):
        raise Refused(N_("The installation cannot be confirmed before it was installed and working.") if installation
                      else N_("The restoration cannot be confirmed before the recovery time."))
