"""Group-fault rules as data: alarm classes and types, publication thresholds, timers, the announcement.

Plain Python, no Flask: the registry, the timers and the benchmark share it. The numbers live in
rules.json with their sources (domain reference §5.2–§5.4, §9.3 items 21–24).
"""
import datetime
import functools
import json
import pathlib

RULES_FILE = pathlib.Path(__file__).with_name("rules.json")
# The seed says "超过10户以上" (more than 10) and "超过50" — ambiguous between "> n" and "≥ n"
# (§9.3 item 22), so the boundary is a setting: "more_than" (> n, the default) or "or_more" (≥ n).
BOUNDARIES = ("more_than", "or_more")
STATUSES = ("alarm", "raised", "accepted", "published", "recovered", "cancelled", "expired")
# Interception runs while a fault is published; after recovery it runs until the desk cancels it
# (the seed gives the desk 10 minutes, §5.3 step 7).
INTERCEPTING = ("published", "recovered")
ACTIVE = ("alarm", "raised", "accepted", "published", "recovered")


@functools.lru_cache(maxsize=1)
def load():
    """Return the rules file as a dict (classes, types, thresholds, timer minutes)."""
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def classes():
    """The alarm class codes: onu (ONU terminal), line (transmission line), olt (OLT hardware)."""
    return tuple(load()["classes"])


def types_of(alarm_class):
    """The alarm type codes of one class (§5.2 lists plus Jiangsu's four types, 004)."""
    return tuple(load()["classes"][alarm_class]["types"])


def class_of_type(alarm_type):
    """The class an alarm type belongs to, or None for an unknown type."""
    for code, spec in load()["classes"].items():
        if alarm_type in spec["types"]:
            return code
    return None


def _exceeds(count, limit, boundary):
    if boundary not in BOUNDARIES:
        raise ValueError(f"boundary must be one of {BOUNDARIES}, not {boundary!r}")
    return count >= limit if boundary == "or_more" else count > limit


def advice(alarm_class, affected_users, boundary="more_than"):
    """Say what the publication rules ask for an alarm.

    Returns {"suggest": bool, "auto_order": bool, "threshold": int}: `suggest` when the alarm's
    class threshold is passed (ONU class: more than 10 households, published manually; line and
    OLT classes: more than 50 users), `auto_order` when any PON alarm passes 50 users and the
    platform forms the group-fault order itself (000, §5.2 and §5.3 step 1). `boundary` is
    "more_than" (> n) or "or_more" (≥ n). Raises ValueError for an unknown class or boundary.
    """
    spec = load()["classes"].get(alarm_class)
    if spec is None:
        raise ValueError(f"unknown alarm class {alarm_class!r}")
    auto = _exceeds(affected_users, load()["auto_order_above"], boundary)
    return {"suggest": auto or _exceeds(affected_users, spec["publish_above"], boundary), "auto_order": auto,
            "threshold": spec["publish_above"]}


def minutes(timer):
    """Minutes of one group-fault timer: notify_company 15, follow_up 30, desk_review 15, cancel_interception 10 (000, §5.2–§5.3)."""
    return load()["timers_minutes"][timer]


def due(timer, start):
    """When a timer started at `start` (aware datetime) falls due."""
    return start + datetime.timedelta(minutes=minutes(timer))


def company_of(alarm_class):
    """Which outsourced company a class of fault goes to (§5.2): home_customer, line_maintenance, olt_hardware."""
    return load()["classes"][alarm_class]["company"]


def code_of(name):
    """The code of a class, type or service given as its code or its Chinese name in the seeds (None if unknown)."""
    name = (name or "").strip()
    names = load()["names_zh"]
    if name in names:
        return name
    for code, chinese in names.items():
        if chinese == name or chinese.replace(" ", "") == name.replace(" ", ""):
            return code
    return None
