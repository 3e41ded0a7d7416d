"""Text from outside (phones, scan files, forms) made safe to store and show (issue 13).

Control characters (C0 except tab and line breaks, DEL, C1) and the invisible bidirectional
controls (the right-to-left override and its kin, Unicode's "Trojan Source" set) are replaced
by U+FFFD, so what was there stays visible as a mark instead of silently reordering a line on
the desk's screen, or moving a terminal's cursor when a scan is printed.
"""
import re
import unicodedata

REPLACEMENT = "\ufffd"
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text, one_line=False):
    """`text` with every control and bidi-control character replaced by U+FFFD (tab and newlines kept unless one_line)."""
    return (_HIDDEN_ONE_LINE if one_line else _HIDDEN).sub(REPLACEMENT, text)


def visible_tree(value, one_line=False):
    """A decoded JSON value with `visible` applied to every string, keys included."""
    if isinstance(value, str):
        return visible(value, one_line)
    if isinstance(value, dict):
        return {visible(key, one_line): visible_tree(item, one_line) for key, item in value.items()}
    if isinstance(value, list):
        return [visible_tree(item, one_line) for item in value]
    return value


_MINUS_SIGNS = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63]")


def half_width(text):
    """`text` with full-width digits, letters and signs as plain ones ("－３０" → "-30"), and dashes
    and the typographic minus as "-": what a Chinese input method types into a number or phone field.

    Unicode NFKC compatibility folding (full-width forms U+FF01–FF5E) plus the minus-like dashes.
    Anything else (CJK text) is unchanged. None stays None.
    """
    if not isinstance(text, str):
        return text
    return _MINUS_SIGNS.sub("-", unicodedata.normalize("NFKC", text))


_WHOLE_NUMBER = re.compile(r"[0-9]{1,19}")
MAX_ID = 2 ** 63 - 1  # SQLite's INTEGER PRIMARY KEY limit


def whole_number(text, maximum=MAX_ID):
    """`text` as a non-negative int when it is 1-19 ASCII digits no larger than `maximum`, else None.

    str.isdigit() accepts '²' or '٣', which int() then refuses (a 500): ids and counts from forms and
    query strings go through this instead, and a caller treats None as a bad or ignored value.
    """
    text = (text or "").strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


def whole_numbers(values, limit=500):
    """The values of a repeated field that are whole numbers (see whole_number), at most `limit` of them."""
    return [number for number in (whole_number(value) for value in values) if number is not None][:limit]
