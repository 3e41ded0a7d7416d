"""What a visit report says, built from the order on the server (the customer's-phone channel).

The technician's phone builds the same object offline (offline/screens/signoff.js `visitSummary`); both
follow REPORT_KEYS in report.py.
"""
import json

from ..db import one
from ..jobs.routes import address_of
from ..playbooks import engine


def written(db, order):
    """(found, done) in the technician's own words: what they wrote on restoring, else in the closure reply.

    Never the guide's instruction text (issue 15 item 3): "重做两端皮线光缆头" is what the guide
    says to do, not what was done.
    """
    closure = json.loads(order["closure"]) if order.get("closure") else {}
    restored = one(db, "SELECT details FROM order_events WHERE order_id = ? AND action = 'restore' ORDER BY at DESC, id DESC"
                       " LIMIT 1", [order["id"]])
    said = json.loads(restored["details"] or "{}") if restored else {}
    found = said.get("found") or closure.get("cause") or closure.get("phenomenon") or ""
    return found, said.get("done") or closure.get("process") or ""


def summary(db, order):
    """found / done / measurements / photos of a visit: the technician's words and readings, the photos."""
    runs = list(db.query("SELECT steps, outcome, playbook_version FROM diagnostic_runs WHERE order_id = ?"
                         " ORDER BY created_at, id", [order["id"]]))
    measurements = []
    for run in runs:
        for line in engine.describe(engine.tree(run["playbook_version"]), json.loads(run["steps"]), "zh"):
            if line["value"] is not None:
                measurements.append({"what": line["question"], "value": line["answer"]})
    found, done = written(db, order)
    photos = [r["sha256"] for r in db.query("SELECT sha256 FROM attachments WHERE order_id = ? AND kind = 'photo'"
                                            " ORDER BY created_at, rowid", [order["id"]])]
    return {"found": found, "done": done, "measurements": measurements, "photos": photos}


def build(db, order, operator, technician, signer, signer_role, survey, signature_sha256, signed_at):
    return {"operator": operator, "order_no": order["order_no"], "order_version": order["version"],
            "customer": order["customer_name"], "address": address_of(order), "technician": technician,
            **summary(db, order), "signer": signer, "signer_role": signer_role, "survey": survey,
            "signature_sha256": signature_sha256, "signed_at": signed_at}
