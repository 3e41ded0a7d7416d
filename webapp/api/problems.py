"""Errors of the API as `application/problem+json` (RFC 9457), titled in Chinese and English.

Every refusal has a stable `code` a calling system acts on, a `title` in the caller's language
(Accept-Language; Simplified Chinese unless English is preferred), both titles in `titles`,
and a `detail` sentence saying what to change. Validation problems add `errors`: the field
names with their messages.
"""
from flask import current_app, request
from flask_babel import force_locale, gettext

from ..orders.lifecycle import N_

MEDIA_TYPE = "application/problem+json"

# code → (HTTP status, title msgid). The msgids are in the one Flask-Babel catalogue.
PROBLEMS = {
    "bad_request": (400, N_("The request could not be read")),
    "unauthorized": (401, N_("A valid API token is required")),
    "forbidden": (403, N_("This client may not do this")),
    "not_found": (404, N_("Not found")),
    "method_not_allowed": (405, N_("Method not allowed")),
    "conflict": (409, N_("Conflicts with the order as it is now")),
    "too_large": (413, N_("The request is too large")),
    "unsupported_media_type": (415, N_("Unsupported content type")),
    "invalid": (422, N_("The request has invalid fields")),
    "refused": (422, N_("The order cannot do this now")),
    "rate_limited": (429, N_("Too many requests")),
    "busy": (503, N_("The server is busy; try again shortly")),
    "server_error": (500, N_("Something went wrong on our side")),
}
STATUS_CODES = {status: code for code, (status, _title) in reversed(list(PROBLEMS.items()))}


def titles(code):
    """The problem's title in both languages: {"zh-CN": …, "en": …}."""
    msgid = PROBLEMS[code][1]
    with force_locale("zh_Hans_CN"):
        chinese = gettext(msgid)
    with force_locale("en"):
        english = gettext(msgid)
    return {"zh-CN": chinese, "en": english}


def problem(code, detail=None, status=None, headers=None, **extra):
    """Build a problem response for `code` (a key of PROBLEMS); `extra` adds members such as `errors`."""
    status = status or PROBLEMS[code][0]
    both = titles(code)
    english = request.accept_languages.best_match(["zh", "en"]) == "en"
    body = {"type": f"/api/v1/problems#{code}", "title": both["en"] if english else both["zh-CN"], "status": status,
            "code": code, "titles": both, "instance": request.path[:300]}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    response = current_app.response_class(current_app.json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def for_status(status, detail=None, headers=None, **extra):
    """A problem for a bare HTTP status (a routing 404, a 405, a 413 …)."""
    return problem(STATUS_CODES.get(status, "bad_request" if status < 500 else "server_error"), detail,
                   status=status, headers=headers, **extra)
