"""Supervisors read the trees; the fault desk works the tasks that runs create."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, get_locale
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..db import get_db, one, transaction
from ..timeutil import to_text, utcnow
from . import bp, engine


def _desk_only():
    if not current_user.is_dispatcher:
        abort(403)


def lang():
    return "en" if str(get_locale()) == "en" else "zh"


@bp.route("/playbooks/")
@login_required
def index():
    """Every playbook as a readable tree, with the version every run records."""
    _desk_only()
    data = engine.load()
    return render_template("playbooks/index.html", data=data, lang=lang(), led_words=engine.LED_WORDS[lang()],
                           archived=sorted(engine.archive()))


@bp.route("/desk/tasks")
@login_required
def tasks():
    """Requests from technicians on site for back-end work (binding, BAS session, ONT data, captures)."""
    _desk_only()
    rows = list(get_db().query(
        "SELECT t.*, o.order_no, o.customer_name, u.display_name AS requested_by FROM desk_tasks t"
        " JOIN orders o ON o.id = t.order_id LEFT JOIN users u ON u.id = t.created_by"
        " ORDER BY t.done_at IS NOT NULL, t.created_at DESC LIMIT 200"))
    return render_template("playbooks/tasks.html", rows=rows, kinds=engine.load()["tasks"], lang=lang(), form=FlaskForm())


@bp.post("/desk/tasks/<task_id>/done")
@login_required
def task_done(task_id):
    _desk_only()
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    with transaction(db):
        task = one(db, "SELECT * FROM desk_tasks WHERE id = ?", [task_id])
        if task is None:
            abort(404)
        if task["done_at"] is None:
            db.conn.execute("UPDATE desk_tasks SET done_at = ?, done_by = ? WHERE id = ?",
                            [to_text(utcnow()), current_user.id, task_id])
    flash(_("Task marked done."), "ok")
    return redirect(url_for("playbooks.tasks"), code=303)
