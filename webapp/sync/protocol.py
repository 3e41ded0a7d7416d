"""Push and pull (design/sync-protocol.md): idempotent, in order, conflicts detected, nothing lost.

Push applies a batch inside one BEGIN IMMEDIATE transaction: each mutation in its own
SAVEPOINT, the device's last_seq stored with the effects. Pull reads the change log after a
cursor inside one read transaction, so the cursor, last_seq and the rows agree.
"""
import json
import logging
import sqlite3

from flask_babel import gettext as _

from ..db import one, transaction
from ..textclean import visible_tree
from ..sla import notices as sla_notices
from ..timeutil import to_text, utcnow
from . import briefcase
from .mutations import CLIENT_ID, MAX_INT, MUTATORS, Conflict, Context, Rejected, prepare_signatures, prepare_surveys

log = logging.getLogger("ontrack.sync")
MAX_BATCH = 200
MAX_BODY_MB = 2  # Config.MAX_CONTENT_LENGTH
# What a phone sends in place of a change too large to send: the server refuses it by name,
# so its seq is used up and the outbox behind it moves on (offline/sync.js pushAll).
TOO_LARGE = "sync.too_large"
# What a phone sends in place of a step the technician took back before it was sent
# (offline/outbox.js withdraw): it uses up its seq and changes nothing.
WITHDRAWN = "sync.withdrawn"
PULL_PAGE = 100
# What one mutation's body can make go wrong every time it is applied (a stored row it collides with, a field of a type
# no check foresaw): that mutation is refused alone, never the whole batch (a 500 would roll back every change with it
# and the phone's outbox would stay stuck behind it; review r7). A busy or full database (OperationalError) passes, and
# fails the batch, which the phone sends again.
UNFIT = (sqlite3.IntegrityError, TypeError, ValueError, KeyError, IndexError, AttributeError)


class BadRequest(Exception):
    """The request itself is malformed; the message is for whoever wrote the client."""


def check_client_id(client_id):
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise BadRequest(_("client_id must be the device's id (8 to 64 letters, digits or '-')."))
    return client_id


def _client(db, client_id, user, now, create):
    """This person's device named `client_id` (devices are per person: another's id is another device)."""
    row = one(db, "SELECT * FROM sync_clients WHERE user_id = ? AND client_id = ?", [user.id, client_id])
    if row is None:
        if not create:
            return None
        db.conn.execute("INSERT INTO sync_clients (client_id, user_id, last_seq, created_at, seen_at)"
                        " VALUES (?, ?, 0, ?, ?)", [client_id, user.id, to_text(now), to_text(now)])
        return {"client_id": client_id, "user_id": user.id, "last_seq": 0}
    return row


def check_mutations(body):
    """Validate the shape of a push body; return (client_id, mutations sorted by seq)."""
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object."))
    client_id = check_client_id(body.get("client_id"))
    mutations = body.get("mutations")
    if not isinstance(mutations, list) or len(mutations) > MAX_BATCH:
        raise BadRequest(_("mutations must be a list of at most %(n)d changes.", n=MAX_BATCH))
    mutations = [visible_tree(m) for m in mutations]  # no control or bidi characters reach any text
    seen = set()
    for m in mutations:
        if not isinstance(m, dict):
            raise BadRequest(_("Each mutation must be a JSON object."))
        seq = m.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= MAX_INT or seq in seen:
            raise BadRequest(_("Each mutation needs a distinct whole-number seq from 1 up."))
        seen.add(seq)
        if not isinstance(m.get("mutation_id"), str) or not CLIENT_ID.match(m["mutation_id"]):
            raise BadRequest(_("Each mutation needs a mutation_id."))
        if not isinstance(m.get("name"), str) or not isinstance(m.get("args"), dict):
            raise BadRequest(_("Each mutation needs a name and args."))
        base = m.get("base_version")
        if base is not None and (isinstance(base, bool) or not isinstance(base, int) or abs(base) > MAX_INT):
            raise BadRequest(_("base_version must be a whole number."))
    return client_id, sorted(mutations, key=lambda m: m["seq"])


def push(db, user, body, received, tz):
    """Apply a batch of mutations from one device; return {last_seq, results}."""
    client_id, mutations = check_mutations(body)
    ctx = Context(db, user, received, tz, client_id)
    prepare_signatures(ctx, mutations)  # decoding, file writing and analysis before the write lock
    prepare_surveys(ctx, mutations)
    results = []
    with transaction(db):
        client = _client(db, client_id, user, received, create=True)
        last_seq = client["last_seq"]
        for m in mutations:
            if m["seq"] <= last_seq:
                results.append(_previous_result(db, user, client_id, m["seq"]))
                continue
            if m["seq"] != last_seq + 1:
                break  # a gap: nothing after it; the device resends from last_seq + 1
            result = _apply_one(ctx, m)
            db.conn.execute(
                "INSERT INTO mutation_log (user_id, client_id, seq, mutation_id, name, args, status, result, occurred_at,"
                " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user.id, client_id, m["seq"], m["mutation_id"], m["name"], json.dumps(m["args"], ensure_ascii=False),
                 result["status"], json.dumps(result, ensure_ascii=False),
                 m.get("occurred_at") if isinstance(m.get("occurred_at"), str) else None, to_text(received)])
            last_seq = m["seq"]
            results.append(result)
        db.conn.execute("UPDATE sync_clients SET last_seq = ?, seen_at = ? WHERE user_id = ? AND client_id = ?",
                        [last_seq, to_text(received), user.id, client_id])
    _queue(ctx.after_commit)
    return {"last_seq": last_seq, "results": results}


def _queue(jobs):
    """Queue the jobs a committed push left behind; a queue that fails now is caught up by the minute sweep."""
    for job, *args in jobs:
        try:
            job(*args)
        except Exception:  # the push is committed and its answer must reach the phone
            log.exception("could not queue %s%r", job.__name__ if hasattr(job, "__name__") else job, tuple(args))


def _apply_one(ctx, m):
    """Apply one mutation in a savepoint; a refusal undoes its partial writes and consumes the seq."""
    seq = m["seq"]
    if m["name"] == TOO_LARGE:
        return {"seq": seq, "status": "rejected",
                "error": _("This change was too large to send (over %(mb)d MB); it is kept on the phone.", mb=MAX_BODY_MB)}
    if m["name"] == WITHDRAWN:
        return {"seq": seq, "status": "applied", "withdrawn": True}
    mutator = MUTATORS.get(m["name"])
    if mutator is None:
        return {"seq": seq, "status": "rejected", "error": _("This app version sent a change the server does not know (%(name)s).", name=m["name"][:60])}
    earlier = one(ctx.db, "SELECT result FROM mutation_log WHERE user_id = ? AND mutation_id = ? ORDER BY received_at LIMIT 1",
                  [ctx.user.id, m["mutation_id"]])
    if earlier:  # the same change sent again under a new number (a reinstalled app, a restored outbox)
        return {**json.loads(earlier["result"]), "seq": seq}
    ctx.db.conn.execute("SAVEPOINT mutation")
    jobs = len(ctx.after_commit)
    try:
        outcome = mutator(ctx, m["args"], m.get("base_version"), m.get("occurred_at"))
    except Rejected as exc:
        ctx.db.conn.execute("ROLLBACK TO mutation")
        result = {"seq": seq, "status": "rejected", "error": str(exc)}
    except Conflict as exc:
        ctx.db.conn.execute("ROLLBACK TO mutation")
        result = {"seq": seq, "status": "conflict", "error": str(exc), "server_row": exc.server_row}
    except UNFIT as exc:  # the same body fails the same way every time: refused, so the outbox behind it moves on
        log.exception("%s (seq %d) refused on %s", m["name"][:60], seq, type(exc).__name__)
        ctx.db.conn.execute("ROLLBACK TO mutation")
        result = {"seq": seq, "status": "rejected",
                  "error": _("The server could not apply this change; the fault is logged for the support team.")}
    else:
        result = {"seq": seq, "status": "applied", **outcome}
    if result["status"] != "applied":
        del ctx.after_commit[jobs:]  # no job for what was undone
    ctx.db.conn.execute("RELEASE mutation")
    return result


def _previous_result(db, user, client_id, seq):
    row = one(db, "SELECT result FROM mutation_log WHERE user_id = ? AND client_id = ? AND seq = ?", [user.id, client_id, seq])
    return json.loads(row["result"]) if row else {"seq": seq, "status": "applied"}


def pull(db, user, client_id, cursor, notices_tag=None):
    """Return the changes this technician may see after `cursor` (a full snapshot when it is unusable).

    The last page carries `notices_tag` and, unless the phone's `notices_tag` is already that one (and
    this is no snapshot), the technician's notices (webapp/sla/notices.py).
    """
    check_client_id(client_id)
    db.conn.execute("BEGIN")  # one snapshot: cursor, last_seq and rows agree
    try:
        client = _client(db, client_id, user, None, create=False)
        last_seq = client["last_seq"] if client else 0
        top = one(db, "SELECT COALESCE(MAX(sv), 0) AS sv FROM change_log")["sv"]
        if cursor is None or cursor <= 0 or cursor > top:
            result = _snapshot(db, user, top)
        elif cursor == top:  # nothing new in the whole city: most pulls, answered without reading the log
            result = {"cursor": top, "reset": False, "more": False, "changes": []}
        else:
            result = _changes_after(db, user, cursor, top)
        if not result["more"]:  # the technician's notices ride on the last page (read offline on the phone)
            now = utcnow()
            result["notices_tag"] = sla_notices.phone_tag(db, user.id, now)
            if result["reset"] or notices_tag != result["notices_tag"]:
                result["notices"] = sla_notices.for_phone(db, user.id, now)
    finally:
        db.conn.execute("COMMIT")
    return {**result, "last_seq": last_seq}


def _snapshot(db, user, top):
    changes = [_order_change(db, order) for order in briefcase.open_orders(db, user.id)]
    changes += [_reference_change(row) for row in db.query("SELECT * FROM reference_data ORDER BY id")]
    return {"cursor": top, "reset": True, "more": False, "changes": changes}


def _changes_after(db, user, cursor, top):
    # Only the technician's own orders (held now or before) and the reference data: what
    # other technicians change is never read, so a pull costs the same in a city of 10,000.
    keys = list(db.query(
        # NOT INDEXED: read the few rows after the cursor by sv, not the whole (kind, key) index
        # (0.6 ms instead of 34 ms on a log of 130,000 changes).
        "SELECT kind, key, MAX(sv) AS sv FROM change_log NOT INDEXED WHERE sv > ? AND (kind = 'reference' OR key IN"
        " (SELECT CAST(order_id AS TEXT) FROM order_holders WHERE user_id = ?)) GROUP BY kind, key ORDER BY sv LIMIT ?",
        [cursor, user.id, PULL_PAGE + 1]))
    more = len(keys) > PULL_PAGE
    keys = keys[:PULL_PAGE]
    changes = []
    for key in keys:
        if key["kind"] == "reference":
            row = one(db, "SELECT * FROM reference_data WHERE id = ?", [key["key"]])
            if row:
                changes.append(_reference_change(row))
            continue
        order = one(db, "SELECT * FROM orders WHERE id = ?", [int(key["key"])])
        if order is None:
            continue
        if briefcase.in_briefcase(db, order, user.id):
            changes.append(_order_change(db, order))
        elif briefcase.ever_held(db, order["id"], user.id):
            changes.append({"table": "orders", "id": order["id"], "version": order["version"], "deleted": 1, "data": None})
    # Nothing more for this technician: the cursor moves to the top of the log (read in the same
    # snapshot), so the next pull does not look again at everyone else's changes.
    new_cursor = keys[-1]["sv"] if more else top
    return {"cursor": new_cursor, "reset": False, "more": more, "changes": changes}


def _order_change(db, order):
    return {"table": "orders", "id": order["id"], "version": order["version"], "deleted": 0,
            "data": briefcase.bundle(db, order)}


def _reference_change(row):
    return {"table": "reference", "id": row["id"], "version": row["digest"], "deleted": 0,
            "data": json.loads(row["data"])}
