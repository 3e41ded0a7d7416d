"""Console views: the whole page, the self-refreshing queue partial, and bulk assignment."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import labels
from ..db import get_db
from ..orders import store
from ..orders.lifecycle import STATES
from ..orders.views import district_choices, explain, local_zone
from ..groupfaults.registry import figures as group_fault_figures
from ..signoff.callbacks import figures as callback_figures
from ..textclean import whole_number, whole_numbers
from ..timeutil import utcnow
from . import bp
from .fragments import queue_row, technician_row
from .queue import MAX_PAGE_SIZE, PAGE_SIZE, VIEWS, counts, queue, technician, technician_load

FILTER_KEYS = ("view", "district", "order_type", "state", "technician_id", "overdue", "limit")


@bp.before_request
@login_required
def _dispatchers_only():
    if not current_user.is_dispatcher:
        abort(403)


@bp.context_processor
def _rows():
    """The technicians' panel renders its rows through the kept fragments (webapp/dispatch/fragments.py)."""
    return {"technician_row": technician_row}


def read_filters(source):
    """Keep only known filter values (anything else is ignored, not an error)."""
    filters = {key: (source.get(key) or "").strip() for key in FILTER_KEYS}
    filters["overdue"] = "1" if filters["overdue"] or source.get("breached") else ""  # "breached": the old name, in bookmarks
    if filters["view"] not in VIEWS:
        filters["view"] = "attention"
    if filters["state"] not in STATES:
        filters["state"] = ""
    if filters["order_type"] not in labels.ORDER_TYPES:
        filters["order_type"] = ""
    if whole_number(filters["technician_id"]) is None:
        filters["technician_id"] = ""
    if whole_number(filters["limit"]) in (None, PAGE_SIZE):
        filters["limit"] = ""
    return filters


def queue_context(filters):
    """Everything the queue partial shows."""
    db, now = get_db(), utcnow()
    limit = min(int(filters["limit"] or PAGE_SIZE), MAX_PAGE_SIZE)
    rows, total = queue(db, filters, now, limit)
    selected = set(whole_numbers(request.values.getlist("order_id"), limit=MAX_PAGE_SIZE))
    return {"rows": rows, "total": total, "filters": filters, "now": now, "counts": counts(db, now),
            "selected": selected, "queue_row": lambda order: queue_row(order, selected, now),
            "next_limit": min(limit * 2, MAX_PAGE_SIZE) if total > limit < MAX_PAGE_SIZE else None}


def technician_panel(source, district=""):
    """The technicians' panel: one page of the search (`q`) after `after`, least loaded first."""
    search = (source.get("q") or "").strip()[:40]
    after = source.get("after") or ""
    page = technician_load(get_db(), district=district, search=search, after=whole_number(after))
    return {**page, "search": search, "district": district}


@bp.route("/")
def console():
    """The dispatcher console."""
    filters = read_filters(request.args)
    db = get_db()
    panel = technician_panel(request.args, filters["district"])
    # The selects offer the panel's first page (least loaded first, in the filtered district),
    # plus the technician the queue is filtered to; the panel finds and assigns anyone else.
    choices = list(panel["rows"])
    if filters["technician_id"] and all(t["id"] != int(filters["technician_id"]) for t in choices):
        chosen = technician(db, int(filters["technician_id"]))
        choices += [chosen] if chosen else []
    return render_template("dispatch/console.html", technicians=choices, panel=panel, districts=district_choices(db),
                           states=STATES, figures=callback_figures(db, utcnow()),
                           group_fault_figures=group_fault_figures(db, utcnow()), **queue_context(filters))


@bp.route("/queue")
def queue_partial():
    """The queue table alone, for htmx polling and filtering; the address bar follows the filters.

    HX-Replace-Url (not push): a reload or a bookmark shows the same filters, and the back
    button is not filled with one entry per changed filter.
    """
    filters = read_filters(request.values)
    response = current_app.make_response(render_template("dispatch/_queue.html", **queue_context(filters)))
    response.headers["HX-Replace-Url"] = console_url(filters)
    return unless_unchanged(response)


def console_url(filters):
    """The console's address with these filters (the default view and empty values left out)."""
    return url_for("dispatch.console", **{k: v for k, v in filters.items() if v and not (k == "view" and v == "attention")})


@bp.route("/technicians")
def technicians_partial():
    """The technicians' panel alone: refreshed, searched or paged."""
    district = request.args.get("district", "")
    district = district if district in {value for value, _ in district_choices()} else ""
    return unless_unchanged(current_app.make_response(
        render_template("dispatch/_technicians.html", panel=technician_panel(request.args, district))))


def unless_unchanged(response):
    """The polled part as rendered, or 304 Not Modified when the browser already shows exactly that.

    The ETag is a digest of the part itself (weak: the compressed bytes differ), so it changes with
    anything the part shows: an order, a name, the time left in words, the minute it was updated.
    The console's script (static/js/app.js) sends back the ETag of what it shows and keeps it on a
    304: nothing is compressed or sent, and the browser redraws nothing. Pages are never stored in
    the HTTP cache (Cache-Control: no-store), so the script, not the cache, holds the tag.
    """
    response.add_etag(weak=True)
    return response.make_conditional(request)


@bp.route("/assign", methods=["POST"])
def assign():
    """Assign (or reassign) every selected order to one technician; report each refusal."""
    db, now, tz = get_db(), utcnow(), local_zone()
    ids = whole_numbers(request.form.getlist("order_id"))
    # The select above the queue, or a panel row's button (sent after it): the last one chosen wins.
    technician = whole_number(next((v for v in reversed(request.form.getlist("technician_id")) if v), ""))
    # The console's filters travel as filter_* fields: `technician_id` here is the assignee.
    back = console_url(read_filters({key: request.form.get(f"filter_{key}") for key in FILTER_KEYS}))
    if not ids or technician is None:
        flash(_("Tick at least one order and choose a technician."), "error")
        return redirect(back, code=303)
    done = 0
    for order_id in ids:
        try:
            store.assign(db, order_id, current_user, technician, now, tz)
            done += 1
        except store.NotFound:
            flash(_("Order %(id)d was not found.", id=order_id), "error")
        except store.Refused as refused:
            order_no = db.execute("SELECT order_no FROM orders WHERE id = ?", [order_id]).fetchone()[0]
            flash(_("%(order_no)s: %(reason)s", order_no=order_no, reason=explain(refused)), "error")
    if done:
        flash(_("%(n)d order(s) assigned.", n=done), "ok")
    return redirect(back, code=303)
