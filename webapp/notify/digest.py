"""The daily digest of what breached: one per local day, for dispatchers and supervisors.

Built by a periodic job (webapp/background/tasks.py) from the breaches as they were recorded
(`sla_breaches`), grouped by policy and district, and shown at the top of the desk's notices.
"""
import datetime
import json

from ..db import one, transaction
from ..timeutil import to_text


def local_day_bounds(day, tz):
    """The UTC text bounds [start, end) of a local calendar day."""
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    return to_text(start), to_text(start + datetime.timedelta(days=1))


def build(db, day, tz):
    """Return the digest of `day` (a local date): {day, total, by_policy: {code: n}, by_district: {name: n}, orders: [...]}."""
    start, end = local_day_bounds(day, tz)
    rows = list(db.query(
        "SELECT b.policy_code, b.district, b.order_id, o.order_no FROM sla_breaches b JOIN orders o ON o.id = b.order_id"
        " WHERE b.breached_at >= ? AND b.breached_at < ? ORDER BY b.breached_at", [start, end]))
    by_policy, by_district = {}, {}
    for row in rows:
        by_policy[row["policy_code"]] = by_policy.get(row["policy_code"], 0) + 1
        by_district[row["district"]] = by_district.get(row["district"], 0) + 1
    orders = list({row["order_id"]: {"order_id": row["order_id"], "order_no": row["order_no"]} for row in rows}.values())
    return {"day": day.isoformat(), "total": len(rows), "by_policy": by_policy, "by_district": by_district,
            "orders": orders[:100]}


def make_daily(db, now, tz):
    """Store yesterday's digest (local time) if it is not there yet; return it, or None when already made."""
    yesterday = now.astimezone(tz).date() - datetime.timedelta(days=1)
    if one(db, "SELECT day FROM digests WHERE day = ?", [yesterday.isoformat()]):
        return None
    body = build(db, yesterday, tz)
    with transaction(db):
        db.conn.execute("INSERT OR IGNORE INTO digests (day, created_at, body) VALUES (?, ?, ?)",
                        [yesterday.isoformat(), to_text(now), json.dumps(body, ensure_ascii=False)])
    return body


def sms_text(body):
    """The digest in one SMS (Chinese, the desk's language): the day, the total and the policies most breached."""
    top = sorted(body["by_policy"].items(), key=lambda item: -item[1])[:3]
    with_words = "，".join(f"{_zh_label(code)} {n}" for code, n in top)
    return f"ONTrack {body['day']} 超时 {body['total']} 次" + (f"：{with_words}" if with_words else "") + "。详见通知页。"


def _zh_label(code):
    from flask_babel import force_locale
    from ..labels import label
    with force_locale("zh_Hans_CN"):
        return label(code, "policy")


def send_by_sms(db, body, gateway):
    """Text the digest to every active supervisor with a phone number; return (sent, failed). Nothing to say, nothing sent."""
    from .sms import SmsError
    if not body or not body["total"]:
        return 0, 0
    sent = failed = 0
    text = sms_text(body)
    for row in db.query("SELECT phone FROM users WHERE role = 'supervisor' AND active = 1 AND phone != ''"):
        try:
            gateway.send(row["phone"], text)
            sent += 1
        except SmsError:
            failed += 1
    return sent, failed


def latest(db):
    """The most recent digest as a dict, or None."""
    row = one(db, "SELECT body FROM digests ORDER BY day DESC LIMIT 1")
    return json.loads(row["body"]) if row else None
