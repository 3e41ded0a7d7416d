"""ONTrack: field-service work orders for broadband technicians (app factory)."""
import os
import pathlib
import secrets
import threading

from flask import Flask, abort, has_request_context, jsonify, render_template, request, session
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import db as database
from .config import DEFAULT_SECRET_KEY, Config, check_production_safety
from .migrations import migrate
from .strict_json import StrictJSONProvider

ROOT = pathlib.Path(__file__).resolve().parent.parent


class BoundedInt(IntegerConverter):
    """`<int:…>` in URLs, at most what SQLite's INTEGER holds (a 30-digit id is simply not found)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 62)
        super().__init__(map, *args, **kwargs)

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
htmx = Htmx()


# One app is made at a time in a process: the job worker's threads may each make theirs at start, and
# CPython 3.11 can fail compiling on two threads at once ("AST constructor recursion depth mismatch",
# python/cpython gh-106905), besides the extensions' module-level state (webapp/api _INIT_LOCK).
_CREATE_LOCK = threading.RLock()


def create_app(test_config=None):
    """Create and configure an ONTrack app; `test_config` overrides the environment. Safe from several threads."""
    with _CREATE_LOCK:
        return _create_app(test_config)


def _create_app(test_config):
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.json = StrictJSONProvider(app)
    app.url_map.converters["int"] = BoundedInt
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    check_production_safety(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("DATABASE", None)
    if not app.config["DATABASE"]:
        app.config["DATABASE"] = os.path.join(app.instance_path, "ontrack.sqlite3")
    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    if not app.config.get("BLOB_FOLDER"):
        app.config["BLOB_FOLDER"] = os.path.join(app.instance_path, "blobs")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "webapp" / "translations")

    if app.config["PROXY_COUNT"]:
        # Behind N reverse proxies: the client's address, scheme and host come from their headers.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    database.init_app(app)
    from . import assets, operations
    assets.init_app(app, ROOT / "static")
    operations.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_headers(app)
    from . import cli, filters
    cli.init_app(app)
    filters.init_app(app)

    with app.app_context():
        db = database.get_db()
        migrate(db)
        from .sla.engine import seed_policies
        from .timeutil import utcnow
        year = utcnow().year
        from .sync.reference import publish
        from .admin import lists
        with database.transaction(db):
            seed_policies(db, range(year - 1, year + 3))
            lists.seed(db)
            publish(db)
        from .notify import push
        push.ensure_vapid_keys(app)
    return app


def compile_templates(app):
    """Compile every template under `templates/` into the app's Jinja cache; returns how many.

    For the production server (wsgi.py, gunicorn preloads it before forking): no request thread
    then compiles a template, so two threads never compile at once. CPython 3.11 can fail when two
    threads build ASTs together ("SystemError: AST constructor recursion depth mismatch",
    python/cpython gh-106905), and Jinja builds one for each template the first time it is used.
    """
    names = [name for name in app.jinja_env.list_templates() if name.endswith(".html")]
    with _CREATE_LOCK:
        for name in names:
            app.jinja_env.get_template(name)
    return len(names)


def _instance_secret(instance_path):
    """Keep a random development key in the instance folder (never in the repository)."""
    path = pathlib.Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _large_upload_limits():
    """Let a Wi-Fi scan file through to the parser's own limit (8 MB, webapp/wifi/parsers.py).

    A scan of a busy building runs to hundreds of KB, over MAX_CONTENT_LENGTH's form limits.
    Set before CSRF protection runs, because it reads the form (and so the whole body).
    """
    if request.endpoint == "wifi.analyze_upload":
        from .wifi.parsers import MAX_BYTES
        limit = MAX_BYTES + 64 * 1024  # the file plus the multipart framing and small fields
        request.max_content_length = limit
        request.max_form_memory_size = limit


def _init_extensions(app):
    app.before_request(_large_upload_limits)  # first: CSRF protection below reads the form
    app.before_request(_json_body_is_an_object)
    from .auth import renew_session
    app.before_request(renew_session)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    login_manager.init_app(app)
    login_manager.session_protection = app.config["SESSION_PROTECTION"]
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def _load(user_id):
        # A session lives only while its person's session version is the one it was opened
        # with: logging out or changing the password bumps it, ending every session at once.
        from .auth.users import load_user
        user = load_user(database.get_db(), int(user_id))
        if user is None or not user.active or session.get("session_version") != user.session_version:
            return None
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import redirect, url_for
        if _wants_json():
            return jsonify(error="login required"), 401
        if request.headers.get("HX-Request"):
            return "", 401, {"HX-Redirect": url_for("auth.login")}
        return redirect(url_for("auth.login", next=request.full_path))


def _select_locale():
    """Use the language the person chose, else the browser's, else Simplified Chinese.

    Outside a request (the `flask` commands, jobs that did not force a locale) messages are in
    English, as the rest of the command line speaks.
    """
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    if chosen in Config.LANGUAGES:
        return chosen
    return "en" if request.accept_languages.best_match(["zh", "en"]) == "en" else "zh_Hans_CN"


def _json_body_is_an_object():
    """A JSON body sent to a page's form must be an object of texts (or lists of texts), as a form
    is: anything else is a 400.

    Flask-WTF reads a JSON body as the form (ImmutableMultiDict(request.get_json())): an array, a
    string or a number fails there (review r1), and a number, a true/false or an object where the
    form has text fails in the view (review r2): a 500 on every form, the login page included.
    The JSON routes under /api/ read and check their own bodies.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json or request.path.startswith("/api/"):
        return None
    body = request.get_json(silent=True)
    if body is None:
        return None
    if not isinstance(body, dict) or not all(
            isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            for value in body.values()):
        abort(400)
    return None


def _wants_json():
    return request.path.startswith("/api/") or (request.is_json and not request.headers.get("HX-Request"))


def _register_blueprints(app):
    from .auth import bp as auth_bp
    from .dispatch import bp as dispatch_bp
    from .jobs import bp as jobs_bp
    from .orders import bp as orders_bp
    from .playbooks import bp as playbooks_bp
    from .wifi import bp as wifi_bp
    from .signoff import bp as signoff_bp
    from .pwa import bp as pwa_bp
    from .sla import bp as sla_bp
    from .sync import bp as sync_bp
    from .groupfaults import bp as groupfaults_bp
    from .admin import bp as admin_bp
    from .reports import bp as reports_bp
    from .notify import bp as notify_bp
    from .complaints import bp as complaints_bp
    from .installations import bp as installations_bp
    from .enterprise import bp as enterprise_bp
    for bp in (auth_bp, orders_bp, dispatch_bp, jobs_bp, sla_bp, sync_bp, pwa_bp, playbooks_bp, wifi_bp, signoff_bp,
               groupfaults_bp, admin_bp, reports_bp, notify_bp, complaints_bp, installations_bp, enterprise_bp):
        app.register_blueprint(bp)
    from . import api, webhooks
    api.init_app(app)
    webhooks.init_app(app)


def _register_errors(app):
    from flask_babel import gettext as _

    messages = {
        400: lambda: _("The request could not be understood. Go back, check what you entered and try again."),
        403: lambda: _("You are not allowed to do this."),
        404: lambda: _("Not found, or not yours to see."),
        405: lambda: _("That is not how this page is used."),
        413: lambda: _("What you sent is too large."),
        500: lambda: _("Something went wrong on our side. What you entered was not saved; please try again."),
    }

    codes = {413: "too_large"}  # the phone acts on the code (it splits a batch), never on the words

    def render_error(status, message, exc=None):
        if request.path.startswith("/api/v1/"):  # other systems get RFC 9457 problems (webapp/api/problems.py)
            from .api import problems
            allowed = getattr(exc, "valid_methods", None)  # a 405 names what is allowed (RFC 9110)
            # A handler for a status wins over the API blueprint's for every HTTPException (Flask looks for a status's
            # handler first), so the detail of why a body was refused is given here (review r67: it was dropped).
            detail = getattr(exc, "description", None) if status in (400, 415) else None
            if status == 413:  # the limit itself, not werkzeug's "exceeds the capacity limit" (review r68)
                detail = f"the request body is over {app.config['MAX_CONTENT_LENGTH']} bytes"
            return problems.for_status(status, detail, headers={"Allow": ", ".join(allowed)} if allowed else None)
        if _wants_json():
            return jsonify(error=message, **({"code": codes[status]} if status in codes else {})), status
        return render_template("error.html", status=status, message=message), status

    for status, message in messages.items():
        app.register_error_handler(status, lambda exc, s=status, m=message: render_error(s, m(), exc))

    @app.errorhandler(OverflowError)
    def _number_too_large(exc):
        # A number too large for SQLite's INTEGER names nothing that exists (a last net: inputs are checked first).
        return render_error(404, messages[404]())

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_error(400, _("Your form expired or was sent from elsewhere. Reload the page and try again."))


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")


PRIVATE_TYPES = frozenset({"text/html", "application/json", "application/pdf"})


def _quiet_server_header():
    """Make Werkzeug's server (flask run, the tests' live server) answer `Server: ONTrack`.

    Its request handler writes `Server: Werkzeug/x.y Python/x.y` itself, whatever the app's
    response says, and `flask run` offers no way to pass another handler class; the
    versions tell an attacker which known flaws to try.
    """
    from werkzeug.serving import WSGIRequestHandler
    WSGIRequestHandler.version_string = lambda handler: "ONTrack"


def _register_headers(app):
    _quiet_server_header()
    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.headers.get("HX-Request"):
            response.headers.setdefault("Vary", "HX-Request")
        if response.mimetype in PRIVATE_TYPES:
            # Pages, JSON and reports carry customers' names, numbers and addresses: no shared or
            # disk cache keeps them (the phone's offline copy lives in IndexedDB, not the HTTP cache).
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def _globals():
        return {"languages": app.config["LANGUAGES"], "current_user": current_user,
                "current_locale": str(get_locale() or "zh_Hans_CN"),
                "board_refresh": app.config["BOARD_REFRESH_SECONDS"]}
