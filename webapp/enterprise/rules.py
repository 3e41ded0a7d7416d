"""Enterprise-line rules, plain Python (no Flask).

Guangdong Mobile group-customer fault rules V2.2 (domain reference §7.6, seed 003_80ad9b14419477b7.txt): a
fault affecting an important group customer (every provincial group customer, city-level diamond customers,
cross-province and cross-city private-line customers) is a serious fault when it lasts more than 30 minutes;
for city-level cross-city private lines (circuit rental) of non-diamond customers, more than 8 hours; and,
for group-customer complaints, when 3 or more ordinary group customers report the same within 30 minutes and
it lasts more than 30 minutes counted from the 3rd report. §9.5 item 28.
"""
import datetime

GRADES = ("provincial", "diamond", "city", "ordinary")          # 省级集团客户 / 钻石级 / 地市级 / 普通
SCOPES = ("local", "cross_city", "cross_province")                # 本地 / 跨地市 / 跨省
SERVICES = ("group_sms", "gprs_apn", "internet_access", "voice_line", "circuit_rental", "other")

SERIOUS_AFTER = datetime.timedelta(minutes=30)
CROSS_CITY_NON_DIAMOND_AFTER = datetime.timedelta(hours=8)
ORDINARY_REPORTS = 3
ORDINARY_WINDOW = datetime.timedelta(minutes=30)


def is_important(grade, scope):
    """Say whether the customer is an important group customer in the Guangdong sense."""
    return grade in ("provincial", "diamond") or scope in ("cross_city", "cross_province")


def serious_after(service, grade, scope):
    """Return how long an interruption may last before it is a serious fault, or None if it never is one alone.

    The threshold is exceeded only strictly ("more than 30 minutes"): see `is_serious`.
    """
    if not is_important(grade, scope) or service not in SERVICES or service == "other":
        return None
    if service == "circuit_rental" and scope == "cross_city" and grade not in ("diamond", "provincial"):
        return CROSS_CITY_NON_DIAMOND_AFTER
    return SERIOUS_AFTER


def is_serious(service, grade, scope, interrupted_for):
    """Say whether an interruption of `interrupted_for` (timedelta) on this line is a serious fault."""
    limit = serious_after(service, grade, scope)
    return limit is not None and interrupted_for > limit


def ordinary_cluster_start(reports):
    """Return the time of the 3rd report when 3 or more distinct ordinary customers reported within 30 minutes.

    `reports` is an iterable of (customer, reported_at). The serious-fault clock starts at that 3rd report;
    None when no such cluster exists.
    """
    firsts = {}
    for customer, at in sorted(reports, key=lambda r: r[1]):
        firsts.setdefault(customer, at)
    times = sorted(firsts.values())
    for index in range(ORDINARY_REPORTS - 1, len(times)):
        if times[index] - times[index - ORDINARY_REPORTS + 1] <= ORDINARY_WINDOW:
            return times[index]
    return None


def cluster_is_serious(reports, now):
    """Say whether ordinary customers' reports make a serious fault at `now` (lasting > 30 min after the 3rd)."""
    start = ordinary_cluster_start(reports)
    return start is not None and now - start > SERIOUS_AFTER
