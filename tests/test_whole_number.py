"""Ids and counts from forms and query strings: ASCII digits only, within range (review r22 #6)."""
import pytest

from webapp.textclean import MAX_ID, whole_number, whole_numbers


@pytest.mark.parametrize("text, expected", [
    ("0", 0), ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID),
    ("²", None), ("٣", None), ("１２", None), ("-1", None), ("+1", None), ("1.0", None), ("", None), (None, None),
    ("9" * 19, None), ("0" * 20, None), (str(MAX_ID + 1), None),
])
def test_only_ascii_digits_within_range_are_numbers(text, expected):
    assert whole_number(text) == expected


def test_repeated_fields_keep_the_numbers_only_up_to_the_limit():
    assert whole_numbers(["3", "²", "x", "5"]) == [3, 5]
    assert whole_numbers([str(n) for n in range(10)], limit=4) == [0, 1, 2, 3]
