"""Provisioning rules for installation orders, plain Python (no Flask).

Sources: domain reference §7.3 step 5 (seed 003_80ad9b14419477b7.txt: warn 1 week before the required
completion time, 3 days for urgent circuits — line 305; line 311: the system warns every circuit that needs no
progress report 10 working days before the required completion time, urgent orders with less than that go
straight to the circuit-warning pool. The seed names no "N days without a progress note" rule.) and §7.4 (seed 001_0f71c2c57f075d23.txt: extensions only for customer-caused delays, filed before
the circuit's deadline or it is a timeout; non-customer causes always count as overdue; each missed
extension counts as one more timeout), §9.5 item 31. Both clocks are set from the due date in
webapp/installations/store.py: "installation_due" and the circuit warning "installation_progress" (policies.json).
"""
import datetime
from dataclasses import dataclass


def N_(message):
    """Mark a message for translation (extracted as N_; the caller translates it). Not lifecycle's: that import
    would load the orders package and Flask, and these rules are plain Python."""
    return message


WARN_BEFORE = datetime.timedelta(weeks=1)
WARN_BEFORE_URGENT = datetime.timedelta(days=3)
CIRCUIT_WARNING_WORKING_DAYS = 10
END_OF_DAY = datetime.time(23, 59)


def due_date_mistake(day, today):
    """Why `day` (a date) cannot be a new installation's due date, as a msgid, or None when it can.

    The one rule for the desk's form and the API (and the same as an extension request's, store.file_extension):
    never in the past; today itself is fine (due at the end of the day). `today` is the local date (Asia/Shanghai).
    """
    if day < today:
        return N_("The due date cannot be in the past.")
    return None


def due_from_date(day, tz):
    """The required completion time of a due date: the end of that local day (aware datetime)."""
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=tz)


def warn_at(due, urgent):
    """When the due-date warning starts: 1 week before the due time, 3 days when the order is urgent."""
    return due - (WARN_BEFORE_URGENT if urgent else WARN_BEFORE)


def warning_due(due, urgent, now):
    """Say whether the due-date warning is on at `now` (from warn_at up to and past the due time)."""
    return now >= warn_at(due, urgent)


@dataclass(frozen=True)
class Extension:
    """One extension request: when it was filed, the deadline it tried to move, the new one, the cause."""

    requested_at: datetime.datetime
    previous_due: datetime.datetime
    new_due: datetime.datetime
    cause: str  # "customer" or "other"


def judge_extension(extension):
    """Return None for a clean extension, or why it counts as a timeout: "late" (filed after the deadline it
    moves) or "not_customer" (a delay not caused by the customer always counts as overdue)."""
    if extension.requested_at > extension.previous_due:
        return "late"
    if extension.cause != "customer":
        return "not_customer"
    return None


def count_timeouts(extensions, current_due, completed_at, now):
    """Count the order's timeouts (cumulative, §7.4): every extension that counts as one, plus the current
    deadline if it passed before completion (or before `now` while still open)."""
    timeouts = sum(1 for extension in extensions if judge_extension(extension))
    finished_or_now = completed_at or now
    if current_due is not None and finished_or_now > current_due:
        timeouts += 1
    return timeouts
