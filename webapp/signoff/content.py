"""What a visit report says, built from the order on the server (the customer's-phone channel).

The technician's phone builds the same object offline (offline/screens/signoff.js `visitSummary`); both
follow REPORT_KEYS in report.py.
"""
import json

from ..jobs.routes import address_of
from ..playbooks import engine


def summary(db, order):
    """found / done / measurements / photos of a visit, from the closure reply and fault-finding runs."""
    closure = json.loads(order["closure"]) if order.get("closure") else {}
    runs = list(db.query("SELECT steps, outcome, playbook_version FROM diagnostic_runs WHERE order_id = ?"
                         " ORDER BY created_at, id", [order["id"]]))
    measurements = []
    for run in runs:
        for line in engine.describe(engine.tree(run["playbook_version"]), json.loads(run["steps"]), "zh"):
            if line["value"] is not None:
                measurements.append({"what": line["question"], "value": line["answer"]})
    last = runs[-1] if runs else None
    followed = engine.tree(last["playbook_version"]) if last else None
    conclusion = followed["outcomes"].get(last["outcome"], {}).get("text", {}).get("zh", "") if last else ""
    found = closure.get("cause") or closure.get("phenomenon") or conclusion or order.get("description") or ""
    done = closure.get("process") or conclusion or ""
    photos = [r["sha256"] for r in db.query("SELECT sha256 FROM attachments WHERE order_id = ? AND kind = 'photo'"
                                            " ORDER BY created_at, id", [order["id"]])]
    return {"found": found, "done": done, "measurements": measurements, "photos": photos}


def build(db, order, operator, technician, signer, signer_role, survey, signature_sha256, signed_at):
    return {"operator": operator, "order_no": order["order_no"], "order_version": order["version"],
            "customer": order["customer_name"], "address": address_of(order), "technician": technician,
            **summary(db, order), "signer": signer, "signer_role": signer_role, "survey": survey,
            "signature_sha256": signature_sha256, "signed_at": signed_at}
