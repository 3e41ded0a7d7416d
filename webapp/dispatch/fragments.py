"""Rendered parts of the console kept per process, keyed on exactly what they show.

Five dispatchers load the console every 10 s and htmx polls its queue; between two loads few
of the 50 rows change, yet rendering them (labels, gettext, the deadline in words, links) was
most of a load's CPU at city scale (issue 14). A row's HTML is a pure function of the values
it shows, the language, the application root and the time left in words, so it is rendered
once per such key and reused by every request in the process until it changes.
"""
import threading

from flask import current_app, get_template_attribute, request
from flask_babel import get_locale

from .. import labels
from ..filters import risk, time_left_parts

class Fragments:
    """Rendered HTML of one template macro, by key. The caller's key must hold every value the macro shows."""

    def __init__(self, template, macro, limit):
        self.template, self.macro, self.limit = template, macro, limit
        self.kept = {}
        self.lock = threading.Lock()

    def render(self, key, *args):
        """The macro's Markup for `args`, rendered now or earlier with the same key."""
        if not self.limit:
            return get_template_attribute(self.template, self.macro)(*args)
        html = self.kept.get(key)
        if html is not None:
            return html
        html = get_template_attribute(self.template, self.macro)(*args)
        with self.lock:
            if len(self.kept) >= self.limit:
                self.kept.clear()
            self.kept[key] = html
        return html


def _kept(template):
    """This app's kept rows of `template` (one cache per app: each has its own zone, translations and templates)."""
    name = f"ontrack_fragments:{template}"
    kept = current_app.extensions.get(name)
    if kept is None:
        # CONSOLE_KEEP_ROWS rows (a few KB each; past it the cache starts again). While templates reload
        # on change (debug), a kept row could outlive its template: none is kept then.
        limit = 0 if current_app.jinja_env.auto_reload else current_app.config["CONSOLE_KEEP_ROWS"]
        kept = current_app.extensions[name] = Fragments(template, "row", limit)
    return kept


def queue_row_key(order, checked, now):
    """Everything one queue row shows (templates/dispatch/_queue_row.html), as a hashable key.

    order: the dict of webapp/dispatch/queue.py queue(); checked: whether its box is ticked;
    now: the request's moment (UTC), from which the deadline's colour and time left are said.
    """
    return (str(get_locale()), request.script_root, tuple(order.items()), bool(checked),
            risk(order["next_due_at"], now) if order["next_due_at"] else None,
            time_left_parts(order["next_due_at"], now),
            labels.policy_amount(order["next_due_policy"]) if order["next_due_policy"] else None)


def queue_row(order, selected, now):
    """One row of the queue, as Markup (rendered at most once per distinct queue_row_key)."""
    checked = order["id"] in selected
    return _kept("dispatch/_queue_row.html").render(queue_row_key(order, checked, now), order, checked, now)


def technician_row(technician):
    """One row of the technicians' panel (templates/dispatch/_technician_row.html), as Markup.

    technician: a row of webapp/dispatch/queue.py technician_load(); everything the row shows comes from
    it, the language and the application root, which make the key.
    """
    key = (str(get_locale()), request.script_root, tuple(technician.items()))
    return _kept("dispatch/_technician_row.html").render(key, technician)
