"""Login, logout and the language switch."""
import time
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
from .users import authenticate, end_sessions, set_password, wait_seconds, weak_password


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    """The current password, and the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    repeat = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=200)])


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
        ip = request.remote_addr or "?"  # the client's own address once ProxyFix has read X-Forwarded-For
        wait = wait_seconds(db, form.username.data, ip, now, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW_MINUTES"],
                            cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])
        if wait:
            flash(_("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                    minutes=max(1, (wait + 59) // 60)), "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(db, form.username.data, form.password.data, ip, now)
        if user:
            lang = session.get("lang")
            session.clear()  # a fresh session at login: nothing carried over from before (fixation)
            if lang:
                session["lang"] = lang
            session.permanent = True
            session["renewed_at"] = int(time.time())  # the lifetime counts from here (webapp.auth.renew_session)
            session["session_version"] = user.session_version
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
    """Sign out everywhere: every session of this person ends, not only this cookie (POST, so another site cannot)."""
    end_sessions(get_db(), current_user.id)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:  # the language chosen stays for the login page and the next person, as at login
        session["lang"] = lang
    return redirect(url_for("auth.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every session of this person ends, and they log in again."""
    form = PasswordChangeForm()
    errors = []
    if form.validate_on_submit():
        db, now, cfg = get_db(), utcnow(), current_app.config
        ip = request.remote_addr or "?"
        # The same throttle as the login: a borrowed, unlocked session must not guess the current password.
        wait = wait_seconds(db, current_user.username, ip, now, cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_FAILURE_WINDOW_MINUTES"],
                            cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"])
        if wait:
            errors.append(_("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                            minutes=max(1, (wait + 59) // 60)))
            return render_template("auth/password.html", form=form, errors=errors), 429, {"Retry-After": str(wait)}
        if not authenticate(db, current_user.username, form.current.data, ip, now):
            errors.append(_("The current password is wrong."))
        elif form.new.data != form.repeat.data:
            errors.append(_("The two new passwords are not the same."))
        elif weak_password(form.new.data, current_user.username):
            errors.append(_("Choose a stronger password: at least 10 characters, at least 5 different ones, "
                            "not only digits and not your username."))
        else:
            set_password(db, current_user.id, form.new.data)
            logout_user()
            session.clear()
            flash(_("Password changed. Log in with the new one; your other sessions have ended."), "ok")
            return redirect(url_for("auth.login"), code=303)
    elif request.method == "POST":
        errors.append(_("Fill in all three fields."))
    return render_template("auth/password.html", form=form, errors=errors), 422 if errors else 200

@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language for this session."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.index"), code=303)
