"""The complaint desk's rules as plain data and functions (no Flask).

Sources: the slow-speed complaint reply (网速慢类工单模板) and the fault reply template in
domain reference §6.4 (seed 002_773505b4e61b5741.txt); the complaint classifications of §6.8
(seeds 002_773505b4e61b5741.txt and 004_90cb35396d5b5103.txt); §9.1 item 7 and §9.2 items 15, 20.

Messages are English msgids marked with `N_`; the view translates them (zh-CN first). Every
check returns a list of (field, message, params) problems instead of raising, so a form can show
all of them at once next to the field they concern.
"""
import ipaddress
import re


def N_(message):
    """Mark a message for translation without translating it here."""
    return message


# ---- §6.4 slow-speed complaint reply ------------------------------------------------------------

AFFECTED_SERVICES = ("web", "game", "video", "download")          # 网页/游戏/视频/下载
SCOPES = ("all", "most", "individual")                              # 所有/大部分/个别
OBSERVATIONS = ("web_slow", "web_will_not_open", "game_slow_drops", "game_cannot_log_in")
RESOURCE_ATTRIBUTES = (
    "in_province_idc",         # 省内IDC资源
    "provincial_cache",        # 本省CACHE网站
    "other_province_mobile",   # 他省移动资源
    "third_party_egress",      # 第三方出口
    "in_province_backbone",    # 省内大网出口
)
# Fixed by the template: ping the NE5000E of the customer's machine room with 2000-byte packets, 20 in a row.
PING_PACKET_BYTES = 2000
PING_COUNT = 20
# Completeness of the domain + IP rows by scope; "individual" needs every complained domain instead.
MIN_ROWS = {"all": 5, "most": 3}
MAX_ROWS = 30
MAX_LATENCY_MS = 60_000  # a ping of 20 packets that waited over a minute each is a typo, not a reading

_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normal_domain(text):
    """Return a domain name lower-cased without scheme, path or trailing dot, or None if it is not one.

    "https://WWW.Example.cn/path" → "www.example.cn". Internationalised names are turned into
    their ASCII (punycode) form so 例子.中国 and xn--fsqu00a.xn--fiqs8s compare equal.
    """
    text = (text or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text).split("/", 1)[0].split(":", 1)[0].rstrip(".")
    if not text or "." not in text:
        return None
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = text.split(".")
    if len(text) > 253 or not all(_HOST_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return None
    return text


def complained_domains(text):
    """Split the complained domains typed one per line (or separated by spaces/commas) into normal names.

    Returns (domains in order without repeats, entries that are not domain names).
    """
    domains, bad = [], []
    for entry in re.split(r"[\s,，;；、]+", text or ""):
        if not entry:
            continue
        name = normal_domain(entry)
        if name is None:
            bad.append(entry)
        elif name not in domains:
            domains.append(name)
    return domains, bad


def check_row(row):
    """Check one domain + IP row; return its problems. An all-blank row is no row and has none."""
    domain, ip, attribute = (row.get(key) or "" for key in ("domain", "ip", "resource_attribute"))
    if not (domain.strip() or ip.strip() or attribute.strip()):
        return []
    problems = []
    if not domain.strip():
        problems.append(("domain", N_("Fill in the domain name."), {}))
    elif normal_domain(domain) is None:
        problems.append(("domain", N_("“%(value)s” is not a domain name: write it like www.example.cn."), {"value": domain}))
    if not ip.strip():
        problems.append(("ip", N_("Fill in the IP address the domain resolved to."), {}))
    else:
        try:
            ipaddress.ip_address(ip.strip())
        except ValueError:
                problems.append(("ip", N_("“%(value)s” is not an IP address: write the address the domain resolved to, "
                                      "like 120.232.1.10."), {"value": ip}))
    if attribute not in RESOURCE_ATTRIBUTES:
        problems.append(("resource_attribute", N_("Choose where the resource is (its resource attribute)."), {}))
    return problems


def filled_rows(rows):
    """Return the rows that have anything typed in them."""
    return [row for row in rows if any((row.get(key) or "").strip() for key in ("domain", "ip", "resource_attribute"))]


def check_slow_speed_reply(reply):
    """Check a slow-speed complaint reply; return a list of (field, message, params) problems.

    `reply` is a dict: services (list of AFFECTED_SERVICES), scope (one of SCOPES), ping_target
    (IP of the machine room's NE5000E), ping_loss_percent (0–100), ping_latency_ms (≥ 0),
    observations (list of OBSERVATIONS), complained_domains (text), rows (list of dicts with domain,
    ip, resource_attribute), test_time, tester, tester_phone. Completeness (§6.4): scope "all" needs
    at least 5 complete rows, "most" at least 3, "individual" a row for every complained domain.
    """
    problems = []
    services = reply.get("services") or []
    if not services or any(s not in AFFECTED_SERVICES for s in services):
        problems.append(("services", N_("Tick the services the customer finds slow (web, game, video, download)."), {}))
    scope = reply.get("scope")
    if scope not in SCOPES:
        problems.append(("scope", N_("Choose whether all, most or individual services are affected."), {}))
    try:
        ipaddress.ip_address((reply.get("ping_target") or "").strip())
    except ValueError:
        problems.append(("ping_target", N_("Give the IP address of the machine room's NE5000E that was pinged."), {}))
    loss, latency = reply.get("ping_loss_percent"), reply.get("ping_latency_ms")
    if loss is None or not 0 <= loss <= 100:
        problems.append(("ping_loss_percent", N_("Packet loss is a percentage from 0 to 100."), {}))
    if latency is None or not 0 <= latency <= MAX_LATENCY_MS:
        problems.append(("ping_latency_ms", N_("Latency is in milliseconds, from 0 to %(max)d."), {"max": MAX_LATENCY_MS}))
    if any(o not in OBSERVATIONS for o in reply.get("observations") or []):
        problems.append(("observations", N_("Choose what was seen on site from the list."), {}))
    rows = reply.get("rows") or []
    for index, row in enumerate(rows):
        problems.extend((f"rows-{index}-{name}", message, params) for name, message, params in check_row(row))
    complete = [row for row in filled_rows(rows) if not check_row(row)]
    problems.extend(_completeness(scope, complete, reply.get("complained_domains") or ""))
    if not reply.get("test_time"):
        problems.append(("test_time", N_("Give the date and time of the test."), {}))
    if not (reply.get("tester") or "").strip() or not (reply.get("tester_phone") or "").strip():
        problems.append(("tester", N_("Give the tester's name and phone."), {}))
    return problems


def _completeness(scope, complete_rows, complained_text):
    """The §6.4 row-count rule for a scope, given the rows that are complete.

    The count is of DIFFERENT domains (§6.4 "at least 5 domains + IPs"): the same domain typed five times is one.
    """
    distinct = len({normal_domain(row["domain"]) for row in complete_rows})
    if scope in MIN_ROWS and distinct < MIN_ROWS[scope]:
        return [("rows", N_("Scope “%(scope)s” needs at least %(needed)d different domains with their IPs; %(count)d given."),
                 {"scope": scope, "needed": MIN_ROWS[scope], "count": distinct})]
    if scope != "individual":
        return []
    domains, bad = complained_domains(complained_text)
    if bad:
        return [("complained_domains", N_("These are not domain names: %(entries)s."), {"entries": ", ".join(bad)})]
    if not domains:
        return [("complained_domains", N_("Scope “individual”: list the domains the customer complained about."), {})]
    tested = {normal_domain(row["domain"]) for row in complete_rows}
    missing = [d for d in domains if d not in tested]
    if missing:
        return [("rows", N_("Scope “individual” needs a row for every complained domain; missing: %(domains)s."),
                 {"domains": ", ".join(missing)})]
    return []


# ---- §6.8 complaint classification ---------------------------------------------------------------

FOCUS_AREAS = ("network_quality", "service_content_quality", "service_quality", "customer_cause")
KINDS = ("complaint", "grievance")      # 投诉 (result must be replied) / 抱怨 (venting, no follow-up asked)
VALIDITY = ("valid", "invalid")         # 有效 / 无效
MAJOR_GROUP_PEOPLE = 5                  # group complaint by ≥ 5 people with media involved or likely
MAJOR_LOSS_YUAN = 50_000                # property loss / compensation ≥ 50,000
MAJOR_FLAGS = ("petition", "personal_safety", "vip_customer", "top_management")


def is_major(classification):
    """Say whether a complaint is major (重大投诉) and list the §6.8 criteria it meets.

    `classification` holds people_count (int, people complaining together), media (bool: media
    involved or likely), loss_yuan (number: property loss or compensation claimed, yuan) and the
    booleans of MAJOR_FLAGS. Any one criterion makes it major; otherwise it is general (一般投诉).
    Returns (bool, [criterion codes]).
    """
    met = []
    if (classification.get("people_count") or 0) >= MAJOR_GROUP_PEOPLE and classification.get("media"):
        met.append("group_with_media")
    if (classification.get("loss_yuan") or 0) >= MAJOR_LOSS_YUAN:
        met.append("loss")
    met.extend(flag for flag in MAJOR_FLAGS if classification.get(flag))
    return bool(met), met


def check_classification(classification):
    """Check a classification; return (field, message, params) problems (§6.8, §9.2 item 20)."""
    problems = []
    for name, allowed, message in (
            ("focus_area", FOCUS_AREAS, N_("Choose the focus area of the complaint.")),
            ("kind", KINDS, N_("Choose grievance or complaint.")),
            ("validity", VALIDITY, N_("Choose valid or invalid."))):
        if classification.get(name) not in allowed:
            problems.append((name, message, {}))
    people, loss = classification.get("people_count"), classification.get("loss_yuan")
    if people is not None and not 0 <= people <= 100_000:
        problems.append(("people_count", N_("The number of people is between 0 and 100,000."), {}))
    if loss is not None and not 0 <= loss <= 10**10:
        problems.append(("loss_yuan", N_("The loss is an amount in yuan, 0 or more."), {}))
    if classification.get("validity") == "invalid" and not (classification.get("explanation") or "").strip():
        problems.append(("explanation", N_("An invalid complaint is still explained to the customer: write the explanation given."), {}))
    return problems
