"""KPI report pages and exports (supervisors)."""
import datetime

from flask import Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import labels
from ..db import get_db
from ..timeutil import utcnow, zone
from . import bp, charts, export, kpi

KPI_TITLES = {
    "first_appointment": labels._l("First appointment within 30 min"),
    "complaint_same_day": labels._l("Complaints cleared the same day"),
    "complaint_acknowledged": labels._l("Complaints acknowledged within 24 h"),
    "repeat_complaint": labels._l("Repeat complaints"),
    "callback_coverage": labels._l("Callback coverage"),
    "satisfaction": labels._l("Satisfied (configured rule)"),
    "one_visit_fix": labels._l("Fixed in one visit"),
}


@bp.before_request
@login_required
def _supervisors_only():
    if current_user.role != "supervisor":
        abort(403)


def _period():
    """The chosen local days (default: last calendar month); None when the dates cannot be read."""
    tz = zone(current_app.config["TIMEZONE"])
    today = utcnow().astimezone(tz).date()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    try:
        first = datetime.date.fromisoformat(request.args.get("first") or last_month_end.replace(day=1).isoformat())
        last = datetime.date.fromisoformat(request.args.get("last") or last_month_end.isoformat())
    except ValueError:
        return None
    if last < first or (last - first).days > 366:
        return None
    return first, last, tz


def _names(db):
    people = {row["id"]: row["display_name"] for row in db.query("SELECT id, display_name FROM users")}
    unassigned = _("(unassigned)")

    def name_of(dimension, key):
        if key in ("", None):
            return unassigned
        return people.get(key, str(key)) if dimension == "technician" else key
    return name_of


@bp.get("/")
def index():
    """The figures for a period, per district, technician and company, with a chart per KPI."""
    period = _period()
    if period is None:
        return render_template("reports/index.html", report=None, errors=[_("Choose a start and end date (YYYY-MM-DD), the end not before the start, at most a year apart.")]), 422
    db = get_db()
    report = kpi.report(db, *period)
    dimension = request.args.get("by") if request.args.get("by") in kpi.DIMENSIONS else "district"
    name_of = _names(db)
    chart_kpi = request.args.get("chart") if request.args.get("chart") in kpi.KPIS else "first_appointment"
    chart = charts.bar_chart([(name_of(dimension, g["key"]), kpi.rate(g["figures"][chart_kpi])) for g in report["by"][dimension]],
                             str(KPI_TITLES[chart_kpi]))
    return render_template("reports/index.html", report=report, dimension=dimension, name_of=name_of, kpis=kpi.KPIS,
                           titles=KPI_TITLES, rate=kpi.rate, chart=chart, chart_kpi=chart_kpi, dimensions=kpi.DIMENSIONS)


@bp.get("/export.<fmt>")
def export_report(fmt):
    """The same figures as .xlsx or .csv."""
    period = _period()
    if period is None or fmt not in ("xlsx", "csv"):
        abort(400)
    db = get_db()
    report = kpi.report(db, *period)
    name = f"ontrack-kpi-{report['first']}-{report['last']}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(export.to_csv(report, _names(db)), mimetype="text/csv", headers=headers)
    titles = {**KPI_TITLES, **{code: labels.label(code, "policy") for code in labels.POLICIES}}
    return Response(export.to_xlsx(report, _names(db), titles), headers=headers,
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
