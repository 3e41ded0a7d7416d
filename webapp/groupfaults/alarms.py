"""Alarms from a CSV export of the alarm platform (domain reference §5.1–§5.2).

One alarm a row; a header names the columns (English or the platform's Chinese). A row that
cannot be used is reported with its line number and the others are imported; an alarm number
seen before is skipped, so the same export can be imported twice. No Flask here.
"""
import csv
import datetime
import io
import re

from ..orders.forms import PLAUSIBLE_YEARS
from ..orders.lifecycle import Refused
from ..textclean import whole_number
from . import registry, rules

ALIASES = {
    "告警编号": "alarm_ref", "alarm_id": "alarm_ref", "告警类别": "alarm_class", "class": "alarm_class",
    "告警类型": "alarm_type", "type": "alarm_type", "olt名称": "olt", "pon口": "pon_port", "pon端口": "pon_port",
    "onu名称": "onu", "影响用户数": "affected_users", "受影响用户数": "affected_users", "发生时间": "occurred_at",
    "故障发生时间": "occurred_at", "区县": "district", "县区": "district", "小区": "community", "小区或学校": "community",
    "楼栋": "building", "楼栋号": "building",
}
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M")
MAX_ROWS = 10000  # the platform's current alarm stream shows at most 10,000 entries (§5.1)
MAX_AFFECTED = 1000000  # as on the desk's alarm form
# The longest text each column may hold, as on the desk's alarm form (webapp.groupfaults.forms.AlarmForm).
MAX_LENGTHS = {"alarm_ref": 60, "olt": 60, "pon_port": 30, "onu": 60, "district": 80, "community": 80, "building": 20}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AlarmFileError(ValueError):
    """The file cannot be read at all; nothing was imported."""


def _time(text, tz):
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def parse_row(values, tz, now):
    """Turn one CSV row (column → text) into (fields, affected_users) or raise ValueError with the reason."""
    alarm_type = rules.code_of(values.get("alarm_type"))
    alarm_class = rules.code_of(values.get("alarm_class")) or (alarm_type and rules.class_of_type(alarm_type))
    if alarm_type is None:
        raise ValueError(f"unknown alarm type {values.get('alarm_type', '')!r}")
    occurred = _time(values.get("occurred_at") or "", tz) if values.get("occurred_at") else now
    if occurred is None:
        raise ValueError(f"time {values.get('occurred_at')!r} is not YYYY-MM-DD HH:MM")
    if occurred.year not in PLAUSIBLE_YEARS:  # a slip of the finger; year 1 in Shanghai is before year 1 in UTC
        raise ValueError(f"time {values.get('occurred_at')!r} is not between {PLAUSIBLE_YEARS[0]} and {PLAUSIBLE_YEARS[-1]}")
    count = (values.get("affected_users") or "0").strip()
    if whole_number(count) is None:
        raise ValueError(f"affected users {count[:20]!r} is not a whole number")
    if whole_number(count) > MAX_AFFECTED:
        raise ValueError(f"affected users {count[:20]!r} is more than {MAX_AFFECTED}")
    fields = {name: (values.get(name) or "").strip() for name in MAX_LENGTHS}
    for name, text in fields.items():
        if len(text) > MAX_LENGTHS[name]:
            raise ValueError(f"{name} is longer than {MAX_LENGTHS[name]} characters")
        if _CONTROL.search(text):
            raise ValueError(f"{name} holds invisible control characters")
    fields.update(alarm_class=alarm_class, alarm_type=alarm_type, occurred_at=occurred, services=["personal_broadband"])
    return fields, int(count)


def _rows(reader):
    """Yield (line number, row) from a csv reader; a row the csv module cannot split ends the file's import."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # an unclosed quote, a field past the csv module's limit
            raise AlarmFileError(f"line {reader.line_num}: {exc}")
        yield reader.line_num, row


def import_csv(db, binary_stream, actor_id, now, tz, boundary):
    """Register every usable alarm of a CSV export (inside the caller's transaction).

    Returns {"created": [fault ids], "duplicates": n, "skipped": [(line, why)]}; raises
    AlarmFileError when the file has no usable header, is not UTF-8 text, or has a row the csv
    module cannot split (an unclosed quote, a field over its 128 KB limit).
    """
    try:
        text = io.TextIOWrapper(binary_stream, encoding="utf-8-sig", newline="").read()
    except UnicodeDecodeError:
        raise AlarmFileError("not UTF-8 text")
    reader = csv.reader(io.StringIO(text))
    header = next(_rows(reader), (0, None))[1]
    names = [ALIASES.get((h or "").strip().lower(), ALIASES.get((h or "").strip(), (h or "").strip().lower())) for h in header or []]
    if "alarm_type" not in names:
        raise AlarmFileError("the header has no alarm type column (告警类型 / alarm_type)")
    created, duplicates, skipped = [], 0, []
    for line_num, row in _rows(reader):
        if not any(cell.strip() for cell in row):
            continue
        if len(created) + duplicates + len(skipped) >= MAX_ROWS:
            skipped.append((line_num, f"more than {MAX_ROWS} rows"))
            break
        values = dict(zip(names, row))
        try:
            fields, affected = parse_row(values, tz, now)
            if fields["alarm_ref"] and db.conn.execute(
                    "SELECT 1 FROM group_faults WHERE source = 'csv' AND alarm_ref = ?", [fields["alarm_ref"]]).fetchone():
                duplicates += 1
                continue
            created.append(registry.create_alarm(db, fields, actor_id, now, tz, boundary, source="csv",
                                                 affected_users=affected))
        except (ValueError, Refused) as exc:
            skipped.append((line_num, str(exc)))
    return {"created": created, "duplicates": duplicates, "skipped": skipped}
