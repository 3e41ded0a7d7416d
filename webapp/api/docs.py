"""The API's readable documentation: Swagger UI (vendored) on the generated document, and the problem codes."""
from flask import Blueprint, render_template

from . import problems

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

INTRO = """ONTrack's API for the operator's other systems (CRM, EOMS, the network management system).

**Authentication.** Every call sends `Authorization: Bearer <token>`. A supervisor creates a
client with its scopes (`orders:read`, `orders:write`, `alarms:write`) by
`flask api-client create NAME --scope …`; the token is shown once. Calls are rate limited per
token (429 with `Retry-After`) and logged with the client's name.

**Idempotent intake.** `external_id` is your own order id: sending the same create again returns
the same order (200, not 201). Changes come back through `GET /api/v1/orders?since=<cursor>` and
by webhook.

**Errors** are `application/problem+json` (RFC 9457) with `code`, a `title` in the language of
`Accept-Language` (Simplified Chinese by default), both titles in `titles`, and a `detail`.

**Webhooks.** With `flask api-client webhook NAME URL`, every event of your orders is POSTed
to URL, signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`,
`webhook-signature` headers; verify with the secret shown by that command). Payload:
`{"type": "order.returned", "timestamp": …, "data": {"order": {…}, …}}`. Types: order.created,
order.dispatched, order.accepted, order.appointment_made, order.appointment_changed,
order.on_site, order.restored, order.returned (data.closure: the closure reply),
order.signed_off, order.callback_done, order.reopened, order.cancelled. Events of one order
arrive in order; a delivery answered with anything but 2xx is retried with growing delays
(5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) while the later events of that order wait. Each
event has one `webhook-id` across retries: use it to drop repeats.
"""


@docs_bp.get("/docs")
def docs_page():
    """Swagger UI on /api/v1/openapi.json (no CDN: static/vendor/swagger-ui-5.35.0)."""
    return render_template("api/docs.html")


@docs_bp.get("/problems")
def problem_types():
    """What each problem `type` (/api/v1/problems#code) means, in both languages."""
    rows = [(code, status, problems.titles(code)) for code, (status, _title) in problems.PROBLEMS.items()]
    return render_template("api/problems.html", rows=rows)
