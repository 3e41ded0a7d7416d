"""/api/v1/alarms and /api/v1/account-mapping: the NMS's alarms and the daily account mapping in (issue 19 item 3).

Both feed the group-fault registry of issue 20 (webapp/groupfaults): an alarm becomes a fault
with the §5.2 publication rules applied (counted against the account mapping of §5.5), exactly
as one typed on the desk or imported from the alarm platform's CSV.
"""
import csv
import io

from flask import current_app, g, request
from flask_babel import gettext as _

from ..db import get_db, one, transaction
from ..groupfaults import mapping, registry, rules
from ..orders.lifecycle import Refused
from ..orders.views import local_zone
from ..timeutil import utcnow
from . import bp, problems, requires, schemas
from .orders import refusal

SOURCE = "api"


def fault_view(fault):
    """A group fault in the FaultSchema shape."""
    return {"id": fault["id"], "fault_no": fault["fault_no"], "alarm_ref": fault["alarm_ref"],
            "alarm_class": fault["alarm_class"], "alarm_type": fault["alarm_type"], "status": fault["status"],
            "affected_users": fault["affected_users"], "affected_source": fault["affected_source"],
            "publication_suggested": bool(fault["suggested"]), "auto_order": bool(fault["auto_order"])}


@bp.route("/alarms", methods=["POST"])
@requires("alarms:write")
@bp.arguments(schemas.AlarmSchema)
@bp.response(201, schemas.FaultSchema, description="Registered as a new group fault")
@bp.alt_response(200, schema=schemas.FaultSchema, description="This alarm_ref was registered before")
def post_alarm(alarm):
    """Send an alarm (§5.2)

    The alarm's OLT, PON port and ONU are counted against the account mapping; above the
    class's threshold the desk is told to publish (ONU terminal: more than 10 households; line
    and OLT hardware: more than 50 users, raised as a group-fault order at once).
    """
    alarm_type = rules.code_of(alarm["alarm_type"])
    if alarm_type is None:
        return problems.problem("invalid", _("Unknown alarm type."), errors={"alarm_type": ["unknown alarm type"]})
    fields = {**alarm, "alarm_type": alarm_type, "alarm_class": alarm.get("alarm_class") or rules.class_of_type(alarm_type),
              "services": ["personal_broadband"]}
    affected = fields.pop("affected_users", None)
    db, now = get_db(), utcnow()
    try:
        with transaction(db):
            earlier = one(db, "SELECT * FROM group_faults WHERE source = ? AND alarm_ref = ?", [SOURCE, alarm["alarm_ref"]])
            if earlier:
                return fault_view(earlier), 200
            fault_id = registry.create_alarm(db, fields, None, now, local_zone(), current_app.config["GROUP_FAULT_BOUNDARY"],
                                             source=SOURCE, affected_users=affected)
            registry.event(db, fault_id, None, "api_alarm", now, {"api_client": g.api_client["name"]})
    except Refused as exc:
        return refusal(exc)
    return fault_view(registry.get(db, fault_id)), 201


@bp.route("/account-mapping", methods=["PUT"])
@requires("alarms:write")
@bp.doc(requestBody={"required": True, "description": "UTF-8 CSV with a header naming at least account, olt and pon_port "
                                                      "(or 宽带账号, OLT, PON口); onu, district, community, building optional",
                     "content": {"text/csv": {"schema": {"type": "string"}}}})
@bp.response(200, schemas.MappingResultSchema)
def put_mapping():
    """Replace the account ↔ OLT ↔ PON port ↔ ONU mapping (§5.5)

    The day's full file: it replaces the mapping in one step when it has been read, and until
    then matching uses the previous one. A row without account, OLT or PON port is skipped and
    listed; a file without those columns changes nothing (422).
    """
    if request.mimetype != "text/csv":
        return problems.problem("unsupported_media_type", _("Send the mapping as Content-Type: text/csv."))
    request.max_content_length = current_app.config["ACCOUNT_MAP_MAX_BYTES"]
    try:
        result = mapping.import_csv(get_db(), io.BufferedReader(request.stream))
    except (mapping.MappingError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        return problems.problem("invalid", _("The mapping file was not used (%(why)s); the previous mapping is kept.",
                                             why=str(exc)[:200]))
    return {"accounts": result["accounts"], "skipped": [{"line": line, "reason": why} for line, why in result["skipped"]]}
