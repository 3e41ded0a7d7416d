"""JSON in and out of the app: no NaN or Infinity, no absurd nesting (issue 13), and no half
characters.

Browsers cannot parse `NaN` or `Infinity`, so one such number sent to a phone breaks its sync
for good; Python's json module reads and writes them by default. Reading refuses them, and
JSON nested deeper than any ONTrack message is refused before anything walks it. Writing
never sends them: a stored non-finite number goes out as null.

A lone UTF-16 surrogate ("\\ud83d": half an emoji that a phone's .slice() left in a string;
JSON.stringify sends it escaped) is read as U+FFFD, as the browser's Blob and TextEncoder make it
when the phone hashes a report. Python would keep it, and SQLite and the PDF refuse it: the sync
push answered 500 and the phone's outbox stuck on that change.
"""
import json
import math

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32  # the deepest ONTrack message (a push: body → mutations → args → fields) is about 6
MAX_INT_DIGITS = 40  # no ONTrack number has more; Python refuses past 4,300 digits anyway (int_max_str_digits)


class Refused(ValueError):
    """JSON this app does not read; `reason` says why: "number" (NaN, Infinity or out of range), "digits" (an integer
    of more than MAX_INT_DIGITS digits), "nesting" (deeper than MAX_DEPTH), "encoding" (bytes that are not UTF-8),
    "syntax" (not JSON)."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def _refuse_constant(name):
    raise Refused("number", f"{name} is not a number JSON allows")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise Refused("number", f"{text[:20]} is out of range")
    return value


def _bounded_int(text):
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise Refused("digits", f"an integer of {len(text.lstrip('-'))} digits is longer than any ONTrack number "
                                f"({MAX_INT_DIGITS})")
    return int(text)


def depth(value):
    """How deeply lists and objects nest in a decoded JSON value (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text):
    """Decode JSON strictly; Refused (a ValueError, its `reason` why) for NaN, Infinity, numbers out of range,
    integers of more than MAX_INT_DIGITS digits, deep nesting, text that is not JSON and bytes that are not UTF-8
    (review r19: each was a 500)."""
    if isinstance(text, (bytes, bytearray)):  # UTF-8 only (RFC 8259 8.1; a byte order mark is ignored, as it allows):
        try:  # json.loads would also take UTF-16 and UTF-32
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("encoding", "JSON must be UTF-8 (RFC 8259 8.1)") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise Refused("nesting", "JSON nested too deeply") from None
    except Refused:
        raise
    except ValueError as exc:  # json.JSONDecodeError
        raise Refused("syntax", str(exc)) from None
    if depth(value) > MAX_DEPTH:
        raise Refused("nesting", "JSON nested too deeply")
    return whole_characters(value)


def whole_characters(value):
    """`value` with every lone UTF-16 surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [whole_characters(item) for item in value]
    if isinstance(value, dict):
        return {whole_characters(key): whole_characters(item) for key, item in value.items()}
    return value


def without_non_finite(value):
    """A copy of `value` with every NaN or infinite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: without_non_finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_non_finite(item) for item in value]
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, made strict both ways (request.get_json, jsonify and the `tojson` filter)."""

    def loads(self, s, **kwargs):
        return loads(s)

    def dumps(self, obj, **kwargs):
        kwargs["allow_nan"] = False
        try:
            return super().dumps(obj, **kwargs)
        except ValueError:  # a non-finite number somewhere: send it as null, never as NaN
            return super().dumps(without_non_finite(obj), **kwargs)
