"""SLA arithmetic: deadlines in minutes, working days and "same day", with suspension excluded.

Plain Python, no Flask. All inputs and outputs are aware datetimes; working days and "the
same day" are judged in the operator's local zone (Asia/Shanghai by default).
"""
import datetime
from dataclasses import dataclass, field

END_OF_DAY = datetime.time(23, 59, 59)


@dataclass(frozen=True)
class WorkCalendar:
    """Which local dates are working days: Monday–Friday, minus holidays, plus make-up workdays (调休)."""

    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day):
        """Say whether `day` (a date) is a working day."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def add_working_days(start, count, tz, calendar):
    """Return the end of the `count`-th working day after the local day of `start`.

    "Within 5 working days" counts from the next day: a complaint received on a Friday
    afternoon is due at the end of the following Friday, holidays excluded.
    """
    day = start.astimezone(tz).date()
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=tz)


def working_days_before(end, count, tz, calendar):
    """Return the same local time `count` working days before the local day of `end` (aware datetime).

    The mirror of add_working_days: a circuit due at the end of Friday 18 December is 10 working days
    away at the end of Friday 4 December (weekends and holidays skipped).
    """
    local = end.astimezone(tz)
    day, remaining = local.date(), count
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return datetime.datetime.combine(day, local.timetz())


def end_of_local_day(start, tz):
    """Return the last second of the local day `start` falls on."""
    return datetime.datetime.combine(start.astimezone(tz).date(), END_OF_DAY, tzinfo=tz)


def due_at(kind, amount, start, tz, calendar, suspended=datetime.timedelta(0)):
    """Compute a deadline for a clock started at `start`, pushed back by suspended time."""
    if kind == "minutes":
        due = start + datetime.timedelta(minutes=amount)
    elif kind == "working_days":
        due = add_working_days(start, amount, tz, calendar)
    elif kind == "same_day":
        due = end_of_local_day(start, tz)
    else:
        raise ValueError(f"unknown SLA kind {kind!r}")
    return due + suspended


def time_left(due, now):
    """Return the signed time until `due` (negative once it has passed)."""
    return due - now
