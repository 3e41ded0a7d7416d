"""Configuration read from the environment (microblog's Config idiom)."""
import logging
import os

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings for one app instance; every value can come from an ONTRACK_* variable."""

    ENV_NAME = os.environ.get("ONTRACK_ENV", "development").strip().lower()  # "Production" is production too
    SECRET_KEY = os.environ.get("ONTRACK_SECRET_KEY", DEFAULT_SECRET_KEY)
    DATABASE = os.environ.get("ONTRACK_DATABASE")  # default: instance/ontrack.sqlite3
    # How long a request waits for SQLite's write lock before answering 503 + Retry-After.
    DATABASE_BUSY_TIMEOUT_MS = int(os.environ.get("ONTRACK_DATABASE_BUSY_TIMEOUT_MS", "5000"))
    # Each server thread keeps its SQLite connection between requests (webapp/db.py get_db).
    DATABASE_KEEP_CONNECTIONS = os.environ.get("ONTRACK_DATABASE_KEEP_CONNECTIONS", "1").strip() != "0"
    BLOB_FOLDER = os.environ.get("ONTRACK_BLOB_FOLDER")  # photos and signatures; default: instance/blobs
    # Live Wi-Fi scans (a laptop running ONTrack): wpa_supplicant's control directory.
    WIFI_CTRL_DIR = os.environ.get("ONTRACK_WIFI_CTRL_DIR", "/var/run/wpa_supplicant")
    WIFI_SCAN_WAIT_SECONDS = float(os.environ.get("ONTRACK_WIFI_SCAN_WAIT_SECONDS", "3"))
    TIMEZONE = os.environ.get("ONTRACK_TIMEZONE", "Asia/Shanghai")
    BOARD_REFRESH_SECONDS = int(os.environ.get("ONTRACK_BOARD_REFRESH_SECONDS", "10"))
    # Rendered console rows kept per server process and kind (webapp/dispatch/fragments.py); 0 keeps none.
    CONSOLE_KEEP_ROWS = int(os.environ.get("ONTRACK_CONSOLE_KEEP_ROWS", "4096"))

    # Login throttling, per name and address together: after this many failures within the window
    # the next try waits 1 minute, then 2, 4, … (never more than the window).
    LOGIN_MAX_FAILURES = int(os.environ.get("ONTRACK_LOGIN_MAX_FAILURES", "5"))
    LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("ONTRACK_LOGIN_WINDOW_MINUTES", "15"))
    # One address's failures over every name (one password tried on every account): well above a depot's typos.
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("ONTRACK_LOGIN_MAX_FAILURES_PER_ADDRESS", "30"))
    # How many reverse proxies stand in front of the app (0: none). Their X-Forwarded-For/-Proto/-Host
    # are trusted for that many hops, so throttling and logs see the real address.
    PROXY_COUNT = int(os.environ.get("ONTRACK_PROXY_COUNT", "0"))

    # Uploads per person: open (unfinished) uploads and their announced bytes; unfinished ones expire.
    UPLOAD_MAX_OPEN = int(os.environ.get("ONTRACK_UPLOAD_MAX_OPEN", "20"))
    UPLOAD_MAX_OPEN_BYTES = int(os.environ.get("ONTRACK_UPLOAD_MAX_OPEN_MB", "100")) * 1024 * 1024
    UPLOAD_EXPIRY_HOURS = int(os.environ.get("ONTRACK_UPLOAD_EXPIRY_HOURS", "48"))

    # Cookies: HttpOnly and SameSite always; Secure whenever served over HTTPS (production).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = ENV_NAME == "production"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = ENV_NAME == "production"
    # Flask-Login's session protection: off. 'strong' would log a technician out when the phone
    # moves from mobile data to Wi-Fi (the address changes); 'basic' only marks the session
    # non-fresh, which nothing here asks (no fresh_login_required), and it writes that mark on
    # every request from a new address, background ones too, sending the session back and so
    # reopening the race SESSION_REFRESH_EACH_REQUEST below closes (review of 2026-12-05).
    SESSION_PROTECTION = None
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # The session cookie is sent back only when a request changed the session. Flask's default
    # re-sends it on every response, and then a background request (the new-order form's
    # group-fault check, the board's refresh, a sync) that started before a form's POST and
    # ended after it put back the older cookie, losing what the POST stored (its "created"
    # message). The lifetime still slides: the session is renewed at most once per
    # SESSION_RENEW_SECONDS, on a page load or the phone's /api/session only (webapp.auth.renew_session).
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_RENEW_SECONDS = 60 * 60

    # CSRF: tokens are tied to the session, not to the clock, so that a change queued on a
    # phone offline for hours can still be sent (see research §4.3).
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]

    # Sign-off and callbacks (domain reference §9.4): who the report names, how long a customer's
    # signing link lives, when the callback is due, what score counts as satisfied.
    OPERATOR_NAME = os.environ.get("ONTRACK_OPERATOR_NAME", "示例宽带运营商")
    SIGNOFF_LINK_MINUTES = int(os.environ.get("ONTRACK_SIGNOFF_LINK_MINUTES", "60"))
    CALLBACK_WINDOW_DAYS = int(os.environ.get("ONTRACK_CALLBACK_WINDOW_DAYS", "1"))
    SATISFIED_SCORE = int(os.environ.get("ONTRACK_SATISFIED_SCORE", "10"))
    PDF_FONT = os.environ.get("ONTRACK_PDF_FONT")  # path[:collection index]; default: fontconfig's Noto Sans CJK SC

    # Group faults (domain reference §9.3 item 22): the seed's "超过10户以上" is read as "more than"
    # (more_than, default) or "10 or more" (or_more). The account mapping upload may be large.
    GROUP_FAULT_BOUNDARY = os.environ.get("ONTRACK_GROUP_FAULT_BOUNDARY", "more_than")
    # The NE5000E each machine room's customers ping in the slow-speed reply (§6.4): "room=IP;room=IP".
    # From configuration only: the seed's internal addresses are never stored (§9.6 item 34).
    MACHINE_ROOMS = os.environ.get("ONTRACK_MACHINE_ROOMS", "")
    # A new repair or complaint at the same account or address within this many days is a repeat (§9.2 item 19).
    # The seeds give no number ("repeat complaints in a short time", 004): 30 days, like the console's repeat count.
    REPEAT_WINDOW_DAYS = int(os.environ.get("ONTRACK_REPEAT_WINDOW_DAYS", "30"))
    # A dissatisfied callback's follow-up is due this many days later ("a time-limited fix", §6.2 #6: no number).
    FOLLOWUP_DAYS = int(os.environ.get("ONTRACK_FOLLOWUP_DAYS", "3"))
    # The city's appointment SMS (§6.2 #2), sent from the technician's own phone through an sms: link, so it
    # works offline. Placeholders: {operator} {customer} {technician} {phone} {window} {order_no}.
    SMS_APPOINTMENT_TEMPLATE = os.environ.get(
        "ONTRACK_SMS_TEMPLATE",
        "【{operator}】{customer}您好，我是宽带装维人员{technician}，已与您预约{window}上门处理宽带工单{order_no}。"
        "如时间有变，请直接致电我：{phone}，无需拨打10086。")
    ACCOUNT_MAP_MAX_BYTES = int(os.environ.get("ONTRACK_ACCOUNT_MAP_MAX_MB", "200")) * 1024 * 1024
    # Serving a city (webapp/operations.py, README "Put it on the technicians' phones").
    PUBLIC_URL = os.environ.get("ONTRACK_PUBLIC_URL", "")  # https://ontrack.example.cn: links that leave the server
    HSTS_SECONDS = int(os.environ.get("ONTRACK_HSTS_SECONDS", str(365 * 24 * 3600)))
    METRICS_TOKEN = os.environ.get("ONTRACK_METRICS_TOKEN", "")  # lets a scraper off the box read /metrics
    COMPRESS_MIMETYPES = ["text/html", "application/json", "text/javascript", "application/javascript",
                          "text/css", "application/manifest+json", "image/svg+xml"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 4  # Brotli's fast levels compress about as well as gzip -6, at a fraction of level 11's time
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 512

    # Other systems (issue 19): calls per token (Flask-Limiter syntax) and where the counters live
    # (memory:// counts per web process; redis://… shares them), and the webhook retry delays in
    # seconds (Standard Webhooks' suggested schedule; one more attempt than delays, then 'failed').
    API_RATE_LIMIT = os.environ.get("ONTRACK_API_RATE_LIMIT", "600 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("ONTRACK_RATELIMIT_STORAGE_URI", "memory://")
    # gunicorn's web processes (webapp/gunicorn_conf.py reads the same variable): with memory:// each process
    # counts API_RATE_LIMIT / WEB_WORKERS, so the documented limit holds for the whole server.
    WEB_WORKERS = int(os.environ.get("ONTRACK_WEB_WORKERS", "2"))
    WEBHOOK_RETRY_SECONDS = os.environ.get("ONTRACK_WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,36000")
    # Webhooks go to public addresses only (SSRF, webapp/webhooks/addresses.py): "1" allows any address, or
    # a comma-separated CIDR list allows those networks (and plain http to them in production).
    WEBHOOK_ALLOW_PRIVATE = os.environ.get("ONTRACK_WEBHOOK_ALLOW_PRIVATE", "")
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ONTRACK_WEBHOOK_TIMEOUT_SECONDS", "10"))
    # Webhook signing secrets at rest (docs/api.md "Signing secrets at rest"): Fernet keys, comma-separated, the first
    # seals new secrets and all unseal (rotation). Unset: secrets are stored as they are (the database is the secret).
    WEBHOOK_SECRET_KEYS = os.environ.get("ONTRACK_WEBHOOK_SECRET_KEYS", "")
    API_CALL_LOG_DAYS = int(os.environ.get("ONTRACK_API_CALL_LOG_DAYS", "90"))  # api_calls rows older than this go
    # Notifications (issue 22): Web Push's VAPID key (made on first start in the instance folder unless
    # given) and the contact push services may write to; the server's SMS gateway (log-only without a URL).
    VAPID_PRIVATE_KEY_FILE = os.environ.get("ONTRACK_VAPID_PRIVATE_KEY_FILE", "")
    PUSH_SUBJECT = os.environ.get("ONTRACK_PUSH_SUBJECT", "mailto:noc@example.cn")
    PUSH_ALLOW_INSECURE = False  # tests: a push-service stand-in on http://127.0.0.1
    PUSH_ALLOW_PRIVATE = os.environ.get("ONTRACK_PUSH_ALLOW_PRIVATE", "")  # networks push endpoints may be in (as WEBHOOK_ALLOW_PRIVATE)
    SMS_GATEWAY_URL = os.environ.get("ONTRACK_SMS_GATEWAY_URL", "")
    SMS_GATEWAY_KEY = os.environ.get("ONTRACK_SMS_GATEWAY_KEY", "")

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Werkzeug holds what it has not parsed plus the next 64 KB piece of a multipart body under this
    # limit, for file parts too: at 64 KB every Wi-Fi scan file over ~100 KB was refused with 413.
    MAX_FORM_MEMORY_SIZE = 256 * 1024

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}


def weak_secret(key):
    """Say why a secret key is unfit for production, or return None (≥ 32 characters, ≥ 10 different)."""
    key = key.decode("latin-1") if isinstance(key, bytes) else (key or "")
    if key == DEFAULT_SECRET_KEY or len(key.strip()) < 32:
        return "shorter than 32 characters"
    if len(set(key)) < 10:  # 32 spaces, "aaaa…", "0123…" repeated: not random
        return "too few different characters to be random"
    return None


def check_production_safety(config):
    """Refuse to run in production with the default (public) or a guessable secret key, or without an https public URL."""
    if config.get("ENV_NAME") == "production":
        if weak_secret(config.get("SECRET_KEY")):
            raise RuntimeError(
                "ONTRACK_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production; refusing to start with the default key."
            )
        if not str(config.get("PUBLIC_URL") or "").startswith("https://"):
            raise RuntimeError(
                "ONTRACK_PUBLIC_URL must be set to the https:// address the phones use (for example "
                "https://ontrack.example.cn) in production: the session cookie is Secure, and links in "
                "QR codes and reports are built on it. See README, 'Put it on the technicians' phones'.")
        if not config.get("PROXY_COUNT"):
            # Production runs behind the https proxy (the cookie is Secure); with no proxy counted, every
            # phone has the proxy's address, so the login throttle would lock out everyone at once (review r1).
            logging.getLogger("ontrack").warning(
                "ONTRACK_PROXY_COUNT is 0 in production: if a reverse proxy (the shipped Caddyfile) stands in front "
                "of ONTrack, set ONTRACK_PROXY_COUNT=1, or every phone looks like the proxy's address to the login "
                "throttle and the logs. See README, 'Put it on the technicians' phones'.")
