"""The phone's mutations for the tool checklist and slow-speed captures (registered in webapp/sync/mutations.py).

Both are append-only and never conflict (design/sync-protocol.md principle 4); both come only from
the technician who holds the order now, like every finding that makes work for the desk.
"""
import json

from flask_babel import gettext as _

from ..db import one
from ..orders import store
from ..sync import mutations as sync
from ..timeutil import to_text
from . import tools

MAX_FILE_NAME = 120
SLOW_SPEED_PLAYBOOKS = ("slow",)  # §2.3: captures of slow sites and games (S2.2, S2.4) go with the run


def tool_check(ctx, args, base_version, occurred_at):
    """order.tool_check {order_id, check_id, carried: [tool id], note?}: the tools carried at the start of a visit.

    Domain reference §9.6 item 33. Each item of webapp/measurements/tools.json is recorded as carried
    or missing; a missing tool is kept (the desk sees it), not refused. The latest check counts.
    """
    order = sync._load(ctx, sync._order_id(args))
    check_id, done = sync.own_key(ctx, "tool_checks", sync._text(args, "check_id", 64, required=True))
    if done:
        return {"row_version": order["version"]}
    sync._holder(ctx, order)
    try:
        carried, missing = tools.check_ticked(args.get("carried"))
    except ValueError as problem:
        raise sync.Rejected(_(str(problem))) from None
    note = sync._text(args, "note", 500)
    if missing and not note:
        raise sync.Rejected(_("Say why a tool is missing and how you will manage without it."))
    when, evidence = sync.judge_time(ctx, order, occurred_at)
    ctx.db.conn.execute(
        "INSERT INTO tool_checks (id, order_id, carried, missing, note, created_by, occurred_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [check_id, order["id"], json.dumps(carried), json.dumps(missing), note, ctx.user.id, to_text(when),
         to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "tool_check", order["state"], order["state"], when,
                       reason="、".join(tools.words(missing, "zh")), details={"check_id": check_id, **evidence},
                       version=order["version"])
    return {"row_version": order["version"]}


def attach_capture(ctx, args, base_version, occurred_at):
    """order.attach_capture {order_id, capture_id, run_id, sha256, file_name, caption?}: a file on a slow-speed run.

    The file (a screenshot, a pcap/pcapng or a text export; checked on upload, webapp/measurements/
    captures.py) must be uploaded first, and the run must be a slow-speed run of this order
    (§2.3 S2.2, S2.4; §9.1 item 6).
    """
    order = sync._load(ctx, sync._order_id(args))
    capture_id, done = sync.own_key(ctx, "run_captures", sync._text(args, "capture_id", 64, required=True))
    if done:
        return {"row_version": order["version"]}
    sync._holder(ctx, order)
    run_id = sync._text(args, "run_id", 64, required=True)
    run = one(ctx.db, "SELECT id, playbook FROM diagnostic_runs WHERE id IN (?, ?) AND order_id = ?"
                      " ORDER BY created_by = ? DESC LIMIT 1",
              [run_id, sync._derived_key(ctx, "diagnostic_runs", run_id), order["id"], ctx.user.id])
    if run is None:
        raise sync.Rejected(_("This capture's fault-finding run is not on the order; save the run first."))
    if run["playbook"] not in SLOW_SPEED_PLAYBOOKS:
        raise sync.Rejected(_("Captures go with a slow-speed run."))
    file_name = sync._text(args, "file_name", MAX_FILE_NAME, required=True)
    caption = sync._text(args, "caption", 200)
    sha = args.get("sha256")
    sync._usable_blob(ctx, sha, _("The capture itself never reached the server (or was refused); attach it again."),
                      images_only=False)
    blob = one(ctx.db, "SELECT content_type, size FROM blobs WHERE sha256 = ?", [sha])
    when, evidence = sync.judge_time(ctx, order, occurred_at)
    ctx.db.conn.execute(
        "INSERT INTO run_captures (id, order_id, run_id, sha256, file_name, content_type, size, caption, created_by,"
        " occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [capture_id, order["id"], run["id"], sha, file_name, blob["content_type"], blob["size"], caption, ctx.user.id,
         to_text(when), to_text(ctx.received)])
    store.record_event(ctx.db, order["id"], ctx.user.id, "attach_capture", order["state"], order["state"], when,
                       reason=file_name, details={"capture_id": capture_id, "run_id": run["id"], "sha256": sha, **evidence},
                       version=order["version"])
    return {"row_version": order["version"]}


def for_order(db, order_id):
    """{tool_check: latest check or None, captures: {run_id: [capture]}} for the desk page and the briefcase."""
    check = one(db, "SELECT c.*, u.display_name AS technician FROM tool_checks c LEFT JOIN users u ON u.id = c.created_by"
                    " WHERE c.order_id = ? ORDER BY c.occurred_at DESC, c.created_at DESC LIMIT 1", [order_id])
    if check:
        check = {**check, "carried": json.loads(check["carried"]), "missing": json.loads(check["missing"])}
    captures = {}
    for row in db.query("SELECT id, run_id, sha256, file_name, content_type, size, caption, occurred_at FROM run_captures"
                        " WHERE order_id = ? ORDER BY occurred_at, created_at", [order_id]):
        captures.setdefault(row["run_id"], []).append(row)
    return {"tool_check": check, "captures": captures}


MUTATORS = {
    "order.tool_check": tool_check,
    "order.attach_capture": attach_capture,
}
