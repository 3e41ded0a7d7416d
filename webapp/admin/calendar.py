"""The holiday calendar: a year's State Council notice (holidays and make-up workdays, 调休) entered in one go.

Each year the State Council publishes the next year's arrangement (国务院办公厅关于…部分节假日安排的通知):
ranges of days off and the weekend days that become working days. `parse_notice` reads what a
supervisor types or pastes — one line per holiday, a single date or a range, then its name:

    2027-01-01 元旦
    2027-02-06 ~ 2027-02-13 春节
    2027年10月1日至2027年10月7日 国庆节

Saving a year replaces that year's entries, then moves the deadline of every running working-day
SLA clock (domain reference §9.2 #12: "working-day calculations need a holiday calendar").
"""
import datetime
import re

from ..orders.lifecycle import N_
from ..db import transaction
from ..sla import engine
from ..sla.clock import due_at
from ..timeutil import from_text, to_text
from . import audit

DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
LINE = re.compile(rf"^\s*{DATE}(?:\s*(?:~|～|至|到|—|–|\.\.|-)\s*{DATE})?\s*(.*?)\s*$")
MAX_RANGE_DAYS = 15  # the longest arrangement (Spring Festival, National Day) is 8-9 days
# A State Council notice gives about 28-30 days off a year (7 festivals, weekends shifted into them included)
# and 5-8 make-up workdays; twice that is still plausible, more is a paste of the wrong text (a whole year).
MAX_HOLIDAYS = 60
MAX_WORKDAYS = 20
MAX_LINES = 100


class NoticeError(ValueError):
    """A line of the notice that cannot be read; `message % params` says which and why (English msgid)."""

    def __init__(self, message, **params):
        super().__init__(message % params)
        self.message = message
        self.params = params


def _date(year, month, day, line_no):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise NoticeError(N_("Line %(line)d: %(text)s is not a date."), line=line_no, text=f"{year}-{month}-{day}") from None


def parse_notice(text, year):
    """Read holiday or workday lines into {date: name}; raise NoticeError naming the bad line.

    Every date must fall in `year` (the notice is for one year); a range runs from its first to its last day.
    """
    days = {}
    lines = (text or "").splitlines()
    if sum(1 for line in lines if line.strip()) > MAX_LINES:
        raise NoticeError(N_("More than %(lines)d lines: a year's notice has one line per holiday (about 7)."),
                          lines=MAX_LINES)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise NoticeError(N_("Line %(line)d: start with a date such as 2027-10-01 (or a range 2027-10-01 ~ 2027-10-07)."),
                              line=line_no)
        first = _date(*match.group(1, 2, 3), line_no)
        last = _date(*match.group(4, 5, 6), line_no) if match.group(4) else first
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise NoticeError(N_("Line %(line)d: a range must run forward and last at most %(days)d days."),
                              line=line_no, days=MAX_RANGE_DAYS)
        for day in (first, last):
            if day.year != year:
                raise NoticeError(N_("Line %(line)d: %(day)s is not in %(year)d."), line=line_no, day=day.isoformat(), year=year)
        name = "".join(ch for ch in match.group(7) if ch >= " " and ch != "\x7f")[:40]
        day = first
        while day <= last:
            days[day] = name
            day += datetime.timedelta(days=1)
    return days


def year_entries(db, year):
    """Return (holidays, workdays) of a year as lists of {day, name}, by date."""
    rows = list(db.query("SELECT day, name, kind FROM holidays WHERE day LIKE ? ORDER BY day", [f"{year:04d}-%"]))
    return ([r for r in rows if r["kind"] == "holiday"], [r for r in rows if r["kind"] == "workday"])


def as_notice_text(rows):
    """Write entries back as notice lines, one range per run of consecutive days with the same name."""
    lines, run = [], []
    for row in rows:
        day = datetime.date.fromisoformat(row["day"])
        if run and run[-1][1] == row["name"] and (day - run[-1][0]).days == 1:
            run.append((day, row["name"]))
            continue
        if run:
            lines.append(_run_line(run))
        run = [(day, row["name"])]
    if run:
        lines.append(_run_line(run))
    return "\n".join(lines)


def _run_line(run):
    first, last, name = run[0][0], run[-1][0], run[0][1]
    dates = first.isoformat() if first == last else f"{first.isoformat()} ~ {last.isoformat()}"
    return f"{dates} {name}".strip()


def save_year(db, actor_id, year, holidays, workdays, now, tz):
    """Replace a year's holidays and make-up workdays, audit it, and move running working-day deadlines.

    `holidays`/`workdays` are {date: name}. A day cannot be both; a make-up workday must be a Saturday or
    Sunday (a weekday is a working day already). More than MAX_HOLIDAYS holidays or MAX_WORKDAYS make-up
    workdays in a year is refused (NoticeError): State Council notices (国务院办公厅关于…部分节假日安排的通知)
    give about 30 days off and 5-8 make-up workdays. Returns how many running clocks got a new deadline.
    """
    if len(holidays) > MAX_HOLIDAYS:
        raise NoticeError(N_("%(count)d holiday dates in one year: a State Council notice gives about 30 days off"
                             " (weekends shifted into the holidays included), so at most %(most)d are accepted."),
                          count=len(holidays), most=MAX_HOLIDAYS)
    if len(workdays) > MAX_WORKDAYS:
        raise NoticeError(N_("%(count)d make-up workdays in one year: a State Council notice lists 5 to 8,"
                             " so at most %(most)d are accepted."), count=len(workdays), most=MAX_WORKDAYS)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise NoticeError(N_("%(day)s is listed both as a holiday and as a make-up workday."), day=both[0].isoformat())
    weekdays = sorted(day for day in workdays if day.weekday() < 5)
    if weekdays:
        raise NoticeError(N_("%(day)s is a weekday, already a working day: a make-up workday is a Saturday or Sunday."),
                          day=weekdays[0].isoformat())
    with transaction(db):
        old_calendar = engine.load_calendar(db)
        before = year_entries(db, year)
        db.conn.execute("DELETE FROM holidays WHERE day LIKE ?", [f"{year:04d}-%"])
        for kind, days in (("holiday", holidays), ("workday", workdays)):
            for day, name in sorted(days.items()):
                db.conn.execute("INSERT INTO holidays (day, name, kind) VALUES (?, ?, ?)", [day.isoformat(), name, kind])
        after = year_entries(db, year)
        audit.record(db, actor_id, "holiday_year", year, "replace",
                     {"holidays": as_notice_text(before[0]), "workdays": as_notice_text(before[1])},
                     {"holidays": as_notice_text(after[0]), "workdays": as_notice_text(after[1])}, now)
        return reschedule_working_day_clocks(db, old_calendar, engine.load_calendar(db), tz)


def reschedule_working_day_clocks(db, old_calendar, new_calendar, tz):
    """Give every running working-day clock the deadline the new calendar gives (inside the caller's transaction).

    The time an order was suspended (already added to its deadline) is kept: only the calendar part moves.
    Each clock is recomputed with the amount and warning it started with (stored on the clock), not the
    policy's current values: an edited policy applies to clocks started from then on only.
    """
    moved = 0
    clocks = list(db.query(
        "SELECT c.id, c.order_id, c.started_at, c.due_at, COALESCE(c.amount, p.amount) AS amount,"
        " COALESCE(c.warn_minutes, p.warn_minutes) AS warn_minutes FROM order_clocks c"
        " JOIN sla_policies p ON p.code = c.policy_code"
        " WHERE c.stopped_at IS NULL AND c.breached_at IS NULL AND p.kind = 'working_days'"))
    for clock in clocks:
        started, due = from_text(clock["started_at"]), from_text(clock["due_at"])
        suspended = due - due_at("working_days", clock["amount"], started, tz, old_calendar)
        new_due = due_at("working_days", clock["amount"], started, tz, new_calendar) + suspended
        if new_due == due:
            continue
        warn = new_due - datetime.timedelta(minutes=clock["warn_minutes"])
        db.conn.execute("UPDATE order_clocks SET due_at = ?, warn_at = ?, warned_at = NULL WHERE id = ?",
                        [to_text(new_due), to_text(warn), clock["id"]])
        engine.refresh_next_due(db, clock["order_id"])
        moved += 1
    return moved

