"""Template filters: local times, time left, and the labels of coded values."""
import datetime

from flask import current_app
from flask_babel import get_locale, gettext as _

from .timeutil import from_text, utcnow, zone
from . import labels


def localtime(text, fmt="short"):
    """Show a stored UTC timestamp in the configured zone ('' for none)."""
    moment = from_text(text) if isinstance(text, str) else text
    if moment is None:
        return ""
    local = moment.astimezone(zone(current_app.config["TIMEZONE"]))
    if fmt == "hm":
        return local.strftime("%H:%M")
    if fmt == "date":
        return local.strftime("%Y-%m-%d")
    if fmt == "input":
        return local.strftime("%Y-%m-%dT%H:%M")
    if fmt == "full":  # a record kept for years (the signed report): with the year
        return local.strftime("%Y-%m-%d %H:%M")
    return local.strftime("%m-%d %H:%M")


def time_left(text, now=None):
    """Say how long until a deadline, or how long since it passed, in a few characters."""
    parts = time_left_parts(text, now)
    if parts is None:
        return ""
    unit, n, overdue = parts
    amount = _("%(n)d d", n=n) if unit == "d" else _("%(n)d h", n=n) if unit == "h" else _("%(n)d min", n=n)
    return _("%(amount)s overdue", amount=amount) if overdue else amount


def time_left_parts(text, now=None):
    """What time_left says, before it is put in words: (unit "d", "h" or "min", whole units, overdue), or None.

    Two deadlines with the same parts read the same (webapp/dispatch/fragments.py keys rendered rows on it).
    """
    due = from_text(text)
    if due is None:
        return None
    seconds = int((due - (now or utcnow())).total_seconds())
    minutes = abs(seconds) // 60
    if minutes >= 48 * 60:
        return "d", minutes // (24 * 60), seconds < 0
    if minutes >= 120:
        return "h", minutes // 60, seconds < 0
    return "min", minutes, seconds < 0


def risk(text, now=None):
    """Classify a deadline for colour: breached, soon (under an hour), or ok."""
    due = from_text(text)
    if due is None:
        return "none"
    left = due - (now or utcnow())
    if left.total_seconds() < 0:
        return "breached"
    return "soon" if left < datetime.timedelta(hours=1) else "ok"


def question_words(question):
    """A question before its answer: "？" already ends it (no "灯亮吗？：常亮"), else the language's colon."""
    question = str(question or "")
    if question.rstrip().endswith(("？", "?")):
        return question
    return question + (":" if str(get_locale()) == "en" else "：")


def colon():
    """The colon after a label in the reader's language: "：" in Chinese text, ": " in English."""
    return ": " if str(get_locale()) == "en" else "："


def event_reason(event):
    """An event's reason in the reader's words.

    An LED check's is stored as codes by the reader (webapp/led/checks.py store_reading):
    "POWER:lit PON:off" (each light and its state; "lit" is on in a single photo) or "too_dark,blurry" (why the photo
    could not be read); both are shown in words ("照片读数：POWER 亮（常亮或闪烁） · PON 灭", "太暗、模糊"). An LED
    confirmation's states are the same codes (checks.state_words), shown in words without the photo's heading. Other reasons are what a
    person typed, shown as typed.
    """
    reason = event["reason"] or ""
    if event["action"] not in ("led_check", "led_confirm") or not reason:
        return reason
    if ":" not in reason:
        return "、".join(labels.label(code, "led_problem") for code in reason.split(","))
    lights = (token.rpartition(":") for token in reason.split())
    said = " · ".join(f"{light} {labels.label(state, 'led_state')}" for light, _, state in lights)
    if event["action"] == "led_confirm":  # the technician's word, under its own "LEDs confirmed" (review r52: codes)
        return said
    # Said as the photo's reading: a light the technician never tapped shows here as the reader read it, and only
    # their confirmation (its own "LEDs confirmed" line) is their word (a fresh review of 2026-12-05).
    return f"{_('Read from the photo')}{colon()}{said}"


def init_app(app):
    """Register the filters."""
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.filters.update(localtime=localtime, time_left=time_left, risk=risk,
                                 label=labels.label, order_label=labels.order_label, skills_words=labels.skills_words,
                                 question_words=question_words, event_reason=event_reason)
