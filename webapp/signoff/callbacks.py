"""Callbacks after an order is returned (domain reference §6.9, §6.11, §9.4 #25–26, §6.2 item 6).

- Every returned order gets a callback due within the configured window (1 day, §6.3 seed 002;
  or 3 days, seed 000), unless exempt: confirmed satisfied on site (a sign-off whose survey is
  satisfied), no contact to call (anonymous), or marked sensitive by the desk.
- "Not convenient now" books a time, outside the customer's rest hours.
- The answers give satisfied / basically satisfied / dissatisfied. Satisfied needs the problem
  solved, a satisfied attitude and the configured score (10 by default, the 10086 rule, seed 004).
  An "average" attitude is in the seed's "dissatisfied or average" branch (§6.9 questionnaire B,
  seed 000), so it is filed as dissatisfied, like a problem not solved or a score under 6.
- Any answer short of satisfied asks which aspect to improve (questionnaire B): the cause
  (technician / network / business) is required and kept. Dissatisfied acts on it (§6.2 item 6):
  technician → a follow-up for the supervisor; network → a revisit (the order is reopened as a
  new linked order); business → a follow-up for marketing. A problem not solved always reopens
  the order, and the new order counts as a repeat complaint. Otherwise the order is closed.
- Calling in the customer's rest hours needs the customer's own yes, even when they said
  "convenient now" (§6.9 "one avoid": avoid the rest time).
"""
import datetime
import json

from ..db import one
from ..timeutil import to_text

CAUSES = ("technician", "network", "business")
FOLLOWUP_BY_CAUSE = {"technician": "supervisor_fix", "network": "revisit", "business": "marketing"}
REST_HOURS = ((0, 8), (12, 14), (21, 24))  # local hours when nobody is called (§6.9 "avoid the rest time")


def exemption(db, order, satisfied_score):
    """Why this order needs no callback, or None."""
    if not (order.get("contact_phone") or "").strip():
        return "no_contact"
    signed = one(db, "SELECT survey FROM signoffs WHERE order_id = ? ORDER BY version DESC LIMIT 1", [order["id"]])
    if signed:
        survey = json.loads(signed["survey"])
        if classify(survey, satisfied_score) == "satisfied":
            return "confirmed_on_site"
    return None


def schedule(db, order, now, window_days, satisfied_score):
    """Create the callback of a returned order (inside the caller's transaction); return its id."""
    reason = exemption(db, order, satisfied_score)
    cursor = db.conn.execute(
        "INSERT INTO callbacks (order_id, due_at, status, exempt_reason, created_at) VALUES (?, ?, ?, ?, ?)",
        [order["id"], to_text(now + datetime.timedelta(days=window_days)), "exempt" if reason else "due", reason,
         to_text(now)])
    return cursor.lastrowid


def classify(answers, satisfied_score):
    """satisfied / basically / dissatisfied from the questionnaire (see the module's rules)."""
    if not answers["solved"] or answers["attitude"] in ("dissatisfied", "average") or answers["score"] < 6:
        return "dissatisfied"
    if answers["attitude"] == "satisfied" and answers["score"] >= satisfied_score:
        return "satisfied"
    return "basically"


def in_rest_hours(moment, tz):
    """Say whether `moment` falls in the customer's rest hours (REST_HOURS, local time)."""
    hour = moment.astimezone(tz).hour
    return any(start <= hour < end for start, end in REST_HOURS)


def book(db, callback, when, now, tz):
    """'Not convenient now': call again at `when` (local), which must be ahead and outside rest hours."""
    if when <= now:
        raise ValueError("past")
    if in_rest_hours(when, tz):
        raise ValueError("rest")
    db.conn.execute("UPDATE callbacks SET status = 'booked', booked_for = ?, due_at = ?, attempts = attempts + 1 WHERE id = ?",
                    [to_text(when), to_text(when), callback["id"]])


def record(db, callback, answers, cause, user, now, tz, satisfied_score):
    """Store the answers and act on them; return (result, new_order_id or None)."""
    from ..orders import store
    result = classify(answers, satisfied_score)
    if result != "satisfied" and cause not in CAUSES:
        raise ValueError("cause")
    order = one(db, "SELECT * FROM orders WHERE id = ?", [callback["order_id"]])
    from ..webhooks import outbox  # the raising system hears of the callback before the reopen or close it brings
    outbox.emit(db, order, "order.callback_done", {"result": result, "answers": answers,
                                                   "cause": cause if result == "dissatisfied" else None}, now)
    new_order_id = None
    if result == "dissatisfied" and (not answers["solved"] or cause == "network"):
        reason = "回访不满意：" + ("问题未解决" if not answers["solved"] else "网络质量")
        new_order_id = store._apply(db, order, "reopen", user, {"reason": reason}, now, tz)
        db.conn.execute("UPDATE orders SET is_repeat = ? WHERE id = ?", [int(not answers["solved"] or order["is_repeat"]), new_order_id])
    elif order["state"] == "returned":
        store._apply(db, order, "close", user, {}, now, tz)
    if result == "dissatisfied" and cause in CAUSES:
        from ..complaints import followups
        followups.open_followup(db, callback, order, FOLLOWUP_BY_CAUSE[cause], user, now, new_order_id)
    db.conn.execute(
        "UPDATE callbacks SET status = 'done', answers = ?, result = ?, cause = ?, followup_order_id = ?, done_by = ?,"
        " done_at = ? WHERE id = ?",
        [json.dumps(answers, ensure_ascii=False), result, cause if result != "satisfied" else None, new_order_id,
         user.id, to_text(now), callback["id"]])
    return result, new_order_id


def figures(db, now):
    """What the console shows: satisfaction, callbacks due and overdue, repeat complaints (30 days)."""
    since = to_text(now - datetime.timedelta(days=30))
    stamp = to_text(now)
    done = one(db, "SELECT COUNT(*) AS n, SUM(result = 'satisfied') AS s, SUM(result = 'dissatisfied') AS d"
                   " FROM callbacks WHERE status = 'done' AND done_at >= ?", [since])
    due = one(db, "SELECT SUM(due_at >= ?) AS due, SUM(due_at < ?) AS overdue FROM callbacks WHERE status IN ('due', 'booked')",
              [stamp, stamp])
    repeats = one(db, "SELECT COUNT(*) AS n FROM orders WHERE is_repeat = 1 AND created_at >= ?", [since])
    return {"callbacks_done": done["n"] or 0, "satisfied": done["s"] or 0, "dissatisfied": done["d"] or 0,
            "satisfaction": round(100 * (done["s"] or 0) / done["n"]) if done["n"] else None,
            "due": due["due"] or 0, "overdue": due["overdue"] or 0, "repeats": repeats["n"]}
