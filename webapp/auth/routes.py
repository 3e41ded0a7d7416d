"""Login, logout and the language switch."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..db import get_db
from ..timeutil import utcnow
from . import bp
from .users import authenticate, is_throttled


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def home_for(user):
    """Where a person lands after login: dispatchers the console, technicians their jobs."""
    return url_for("jobs.job_list") if user.role == "technician" else url_for("dispatch.console")


@bp.route("/")
def index():
    """Send people to their start page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_for(current_user))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; sign in, with throttling after repeated failures."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db, now = get_db(), utcnow()
        cfg = current_app.config
        ip = request.remote_addr or "?"
        if is_throttled(db, form.username.data, ip, now, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW_MINUTES"]):
            flash(_("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                    minutes=cfg["LOGIN_FAILURE_WINDOW_MINUTES"]), "error")
            status = 429
        else:
            user = authenticate(db, form.username.data, form.password.data, ip, now)
            if user:
                session.permanent = True
                login_user(user)
                return redirect(_safe_next(request.args.get("next")) or home_for(user), code=303)
            flash(_("Wrong username or password."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _safe_next(target):
    """Accept only a local path as the place to return to after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST, so another site cannot log a technician out)."""
    logout_user()
    return redirect(url_for("auth.login"), code=303)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language for this session."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.index"), code=303)
