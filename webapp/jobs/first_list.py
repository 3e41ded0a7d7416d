"""The technician's job list drawn by the server, for a phone's first load (issue 14).

A phone that has never pulled its jobs waited for the page, its scripts, /api/session and the
first pull (≈400 KB of JSON) before it could draw the list: Lighthouse's simulated LCP on slow
4G was 2.15–2.3 s. On that first load the server now draws the same list into the page
(templates/jobs/_first_list.html), so it paints with the HTML; the app starts as before, pulls,
and draws the list over it from what it pulled, to the same words and boxes (no layout shift,
no later and larger paint).

The rules here are the phone's, written once more in Python, and must stay equal to them:
- the groups and their order: offline/screens/joblist.js (jobListScreen);
- the state words: offline/ui.js (stateWords); the times: offline/time.js (local, when, today);
- the group-fault banner: offline/groupfault-banner.js.
tests/test_first_list_browser.py loads the page in Chromium and checks that the app's own
drawing matches this one (the same text, the same boxes).

When it is drawn (webapp/jobs/routes.py): a browser navigation (Sec-Fetch-Mode: navigate) to
/jobs/ by a technician whose phone does not say that it holds this person's briefcase (the
`ontrack_briefcase` cookie, set by the app once a pull is stored, offline/autosync.js). A phone
that holds its jobs draws them from IndexedDB at once, with its own queued changes over them,
which the server cannot know; the service worker's copy of the shell is never a drawn page.
"""
import datetime

from flask import current_app

from .. import labels
from ..db import one
from ..groupfaults import interception
from ..sync import briefcase
from ..timeutil import UTC, from_text, zone
from . import routes

BRIEFCASE_COOKIE = "ontrack_briefcase"
FINISHED = ("returned", "rejected", "unsolved", "closed")  # offline/screens/joblist.js FINISHED


class Clock:
    """Local dates and times in the configured zone, as offline/time.js gives them."""

    def __init__(self, tz_name, now):
        self.tz = zone(tz_name)
        self.today = now.astimezone(self.tz).strftime("%Y-%m-%d")

    def local(self, value):
        """{"date": "YYYY-MM-DD", "time": "HH:MM"} or None; a value without a zone is already local (typed on a phone)."""
        if not value:
            return None
        if not (value.endswith("Z") or (len(value) > 6 and value[-6] in "+-" and value[-3] == ":")):
            return {"date": value[:10], "time": value[11:16]}
        moment = from_text(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(self.tz)
        return {"date": moment.strftime("%Y-%m-%d"), "time": moment.strftime("%H:%M")}

    def when(self, value):
        """"HH:MM" today, else "MM-DD HH:MM" ("" for no value)."""
        found = self.local(value)
        if not found:
            return ""
        return found["time"] if found["date"] == self.today else f"{found['date'][5:]} {found['time']}"

    def local_input(self, value):
        found = self.local(value)
        return f"{found['date']}T{found['time']}" if found else ""


def words_of(strings):
    """t(msgid, **params) over the shell's words (offline/i18n.js t)."""
    def t(key, **params):
        text = strings.get(key) or key
        for name, value in params.items():
            text = text.replace(f"%({name})s", str(value)).replace(f"%({name})d", str(value))
        return text
    return t


def label(kind, value):
    """The catalogue's word for a code, the code itself when there is none (offline/i18n.js label)."""
    if not value:
        return ""
    return labels.label(value, kind) if value in labels._TABLES[kind] else value


def card(order, clock, t):
    """What one job card shows (offline/screens/joblist.js card)."""
    start, end = order["appointment_start"], order["appointment_end"]
    late = ""
    if start and clock.local(start)["date"] < clock.today:
        late = t("Late: appointment was %(date)s", date=clock.local(start)["date"][5:])
    state_words = (t("Installed, awaiting confirmation") if order["state"] == "restored" and order["order_type"] == "installation"
                   else label("state", order["state"]))
    return {"id": order["id"], "order_no": order["order_no"], "state": order["state"], "state_words": state_words,
            "slot": f"{clock.when(start)}–{(clock.local(end) or {}).get('time', '')}" if start else t("No appointment yet"),
            "late": late, "who": f"{order['customer_name']} · {label('order_type', order['order_type'])} · {label('symptom', order['symptom'])}",
            "address": routes.address_of(order), "tel": "tel:" + "".join((order["contact_phone"] or "").split()),
            "geo": routes.map_links(order)["geo"]}


def banner_item(order, fault, clock, t, colon, single):
    """One order's part of the "area under group fault" banner (offline/groupfault-banner.js faultItem)."""
    place = " ".join(part for part in (fault["district"], fault["community"], fault["building"]) if part)
    return {"order_id": order["id"], "single": single,
            "job": t("Your job %(no)s is in the area", no=order["order_no"]) + " · " + (order["customer_name"] or ""),
            "fault": t("Group fault %(no)s", no=fault["fault_no"]) + (" · " + place if place else ""),
            "tell": t("What to tell the customer") + colon, "wording": fault["wording"] or "",
            "recovery": t("Expected recovery") + colon + (clock.when(fault["expected_recovery_at"])
                                                          if fault["expected_recovery_at"] else t("not yet known"))}


def job_list(db, user_id, strings, lang, now=None):
    """The list as the phone would draw it from a first pull: {snapshot, banner: [item], to_appoint, today, later, done, t}.

    `strings` the shell's words ({msgid: text}, webapp/jobs/words.py), `lang` "zh" or "en"; each
    group a list of card dicts (see card()). Orders: the briefcase's open orders (the first pull's).
    `snapshot`: the top of the change log when it was read; a first pull whose cursor is the same
    number holds exactly these orders, and the app keeps this drawing instead of drawing it again.
    """
    clock = Clock(current_app.config["TIMEZONE"], now or datetime.datetime.now(UTC))
    t = words_of(strings)
    colon = ": " if lang == "en" else "："
    db.conn.execute("BEGIN")  # one snapshot, as the pull reads it: the list and the top of the change log agree
    try:
        snapshot = one(db, "SELECT COALESCE(MAX(sv), 0) AS sv FROM change_log")["sv"]
        orders = briefcase.open_orders(db, user_id)  # by id, as the first pull sends them
        faults = {order["id"]: interception.for_phone(db, order["id"]) for order in orders}
    finally:
        db.conn.execute("COMMIT")
    affected = [order for order in orders if faults[order["id"]]]
    active = [order for order in orders if order["state"] not in FINISHED]
    dated = sorted((order for order in active if order["appointment_start"]),
                   key=lambda order: clock.local_input(order["appointment_start"]))  # stable, as V8's sort
    return {
        "snapshot": snapshot,
        "banner": [banner_item(order, faults[order["id"]], clock, t, colon, len(orders) == 1) for order in affected],
        "to_appoint": [card(order, clock, t) for order in active if not order["appointment_start"]],
        "today": [card(order, clock, t) for order in dated if clock.local(order["appointment_start"])["date"] <= clock.today],
        "later": [card(order, clock, t) for order in dated if clock.local(order["appointment_start"])["date"] > clock.today],
        "done": [card(order, clock, t) for order in orders if order["state"] in FINISHED],
        "t": t,
    }
