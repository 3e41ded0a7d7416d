"""Other systems as API clients: each a name, scopes and tokens (stored only as hashes). No Flask here.

A supervisor creates and revokes clients with `flask api-client …` (webapp/api/cli.py) or on
the administration page /admin/api-clients (webapp/admin/routes.py); both call these functions.
A token is shown once, when it is issued; the database keeps its SHA-256 (a token is 256 random
bits, so a fast hash is enough: nothing can be guessed from it), and a short prefix to tell
tokens apart in listings. Every change is written to the audit log (entity `api_client`, key the
client's name) in the same transaction, with who did it (`actor_id`; None from the command line)
and never a token or a signing secret.
"""
import base64
import hashlib
import secrets
from urllib.parse import urlsplit

from ..admin import audit
from ..db import insert, one, transaction
from ..orders.lifecycle import N_
from ..timeutil import to_text, utcnow
from . import sealing

SCOPES = ("orders:read", "orders:write", "alarms:write")
TOKEN_PREFIX = "ont_"
MAX_URL = 500


class ClientError(ValueError):
    """A client cannot be created or changed as asked; `message % params` says why (an English msgid)."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def token_hash(token):
    """SHA-256 hex of a bearer token (what is stored and looked up)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _public(client):
    """What the audit log keeps of a client: never a token or the signing secret."""
    return {"name": client["name"], "scopes": client["scopes"], "all_orders": client["all_orders"],
            "webhook_url": client["webhook_url"], "active": client["active"]}


def check_name(name):
    """The client's name trimmed (1 to 80 characters, no control characters), or raise ClientError."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ClientError(N_("A client needs a name of 1 to 80 characters."))
    if any(ch < " " or ch == "\x7f" for ch in name):
        raise ClientError(N_("Remove the invisible control characters (pasted from elsewhere) and try again."))
    return name


def check_webhook_url(url):
    """The webhook address trimmed ('' = none), or raise ClientError saying plainly what is wrong.

    Only http and https (Standard Webhooks delivers by HTTP POST), with a host, no spaces, at most
    500 characters; the host must resolve to public addresses only, and https is needed in
    production, unless the operator's allowlist says otherwise (webapp/webhooks/addresses.py).
    """
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > MAX_URL or any(ch.isspace() or ch < " " or ch == "\x7f" for ch in url):
        raise ClientError(N_("The webhook address must be one line of at most 500 characters, without spaces."))
    if not url.lower().startswith(("https://", "http://")):
        raise ClientError(N_("The webhook address must start with https:// or http://; “%(url)s” does not "
                             "(webhooks are sent by HTTP POST, so other kinds of address cannot receive them)."), url=url)
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # a port that is not a number raises ValueError
    except ValueError:
        host = None
    if not host:
        raise ClientError(N_("The webhook address “%(url)s” has no valid host name after the http:// or https://."), url=url)
    from ..webhooks import addresses
    try:
        addresses.read_alike(url)
    except addresses.AddressRefused:
        raise ClientError(N_("The webhook address “%(url)s” has no valid host name after the http:// or https://."),
                          url=url) from None
    try:
        addresses.check(parts.scheme.lower(), host, _port, unresolved_ok=True)
    except addresses.AddressRefused as exc:
        if exc.reason.startswith("https"):
            raise ClientError(N_("The webhook address must use https:// in production: “%(url)s”."), url=url) from None
        if exc.address:
            raise ClientError(N_("The webhook address “%(url)s” leads to an internal address (%(address)s); only public "
                                 "addresses can receive webhooks unless ONTRACK_WEBHOOK_ALLOW_PRIVATE allows it."),
                              url=url, address=exc.address) from None
        raise ClientError(N_("The host name of the webhook address “%(url)s” cannot be found."), url=url) from None
    return url


def create_client(db, name, scopes, now, all_orders=False, actor_id=None):
    """Create a client with `scopes` (a subset of SCOPES) and issue its first token; return (client id, token).

    `all_orders`: the client reads, and is told by webhook about, every order, not only the
    ones it raised (a reporting system); otherwise it sees its own orders only. Names are unique
    regardless of case.
    """
    name = check_name(name)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ClientError(N_("Choose at least one scope among %(scopes)s (unknown: %(unknown)s)."),
                          scopes=", ".join(SCOPES), unknown=", ".join(unknown) or "-")
    with transaction(db):
        if one(db, "SELECT id FROM api_clients WHERE name = ?", [name]):
            raise ClientError(N_("A client named “%(name)s” exists already."), name=name)
        client_id = insert(db, "api_clients", {"name": name, "scopes": " ".join(sorted(set(scopes))),
                                               "all_orders": int(bool(all_orders)), "created_at": to_text(now)})
        token = _issue(db, client_id, now)
        client = one(db, "SELECT * FROM api_clients WHERE id = ?", [client_id])
        audit.record(db, actor_id, "api_client", name, "create", None, {**_public(client), "token": token[:10]}, now)
    return client_id, token


def _issue(db, client_id, now):
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    insert(db, "api_tokens", {"client_id": client_id, "token_hash": token_hash(token), "prefix": token[:10],
                              "created_at": to_text(now)})
    return token


def by_name(db, name):
    """One client row by name, or raise ClientError."""
    client = one(db, "SELECT * FROM api_clients WHERE name = ?", [name])
    if client is None:
        raise ClientError(N_("No client named “%(name)s”."), name=name)
    return client


def by_id(db, client_id):
    """One client row by id, or None."""
    return one(db, "SELECT * FROM api_clients WHERE id = ?", [client_id])


def issue_token(db, name, now, actor_id=None):
    """Give an active client another token (to rotate: issue, deploy, then revoke the old one)."""
    with transaction(db):
        client = by_name(db, name)
        if not client["active"]:
            raise ClientError(N_("Client “%(name)s” is revoked."), name=client["name"])
        token = _issue(db, client["id"], now)
        audit.record(db, actor_id, "api_client", client["name"], "issue_token", None, {"token": token[:10]}, now)
        return token


def revoke_client(db, name, now, actor_id=None):
    """Revoke a client and every token it has: its next call is refused with 401, its webhooks stop."""
    with transaction(db):
        client = by_name(db, name)
        if not client["active"]:
            return
        db.conn.execute("UPDATE api_clients SET active = 0, revoked_at = ? WHERE id = ?", [to_text(now), client["id"]])
        db.conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
                        [to_text(now), client["id"]])
        audit.record(db, actor_id, "api_client", client["name"], "deactivate", _public(client),
                     {**_public(client), "active": 0}, now)


def revoke_token(db, prefix, now, actor_id=None, client_name=None):
    """Revoke one token by its shown prefix (ont_xxxxxx), of `client_name` when given; return how many were revoked."""
    with transaction(db):
        mine = " AND client_id = (SELECT id FROM api_clients WHERE name = ?)" if client_name else ""
        rows = list(db.query("SELECT t.id, c.name FROM api_tokens t JOIN api_clients c ON c.id = t.client_id"
                             f" WHERE t.prefix = ? AND t.revoked_at IS NULL{mine}", [prefix, *([client_name] if client_name else [])]))
        for row in rows:
            db.conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [to_text(now), row["id"]])
            audit.record(db, actor_id, "api_client", row["name"], "revoke_token", {"token": prefix}, None, now)
        return len(rows)


def _new_secret():
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def set_webhook(db, name, url, actor_id=None, now=None):
    """Send this client's order events to `url` (http or https) with a new signing secret; return it (whsec_…).

    The secret is kept (sealed when a key is configured: webapp/api/sealing.py), because each
    delivery is signed with it (Standard Webhooks); an empty `url` stops the deliveries and
    returns ''. Raises ClientError for an address that cannot receive webhooks.
    """
    url = check_webhook_url(url)
    secret = _new_secret() if url else ""
    with transaction(db):
        client = by_name(db, name)
        db.conn.execute("UPDATE api_clients SET webhook_url = ?, webhook_secret = ? WHERE id = ?",
                        [url, sealing.seal(secret), client["id"]])
        audit.record(db, actor_id, "api_client", client["name"], "update", _public(client),
                     {**_public(client), "webhook_url": url}, now or utcnow())
    return secret


def rotate_webhook_secret(db, name, actor_id=None, now=None):
    """Give the client's webhook a new signing secret (same address); return it. ClientError without a webhook."""
    with transaction(db):
        client = by_name(db, name)
        if not client["webhook_url"]:
            raise ClientError(N_("Client “%(name)s” has no webhook address: set one first."), name=client["name"])
        secret = _new_secret()
        db.conn.execute("UPDATE api_clients SET webhook_secret = ? WHERE id = ?", [sealing.seal(secret), client["id"]])
        audit.record(db, actor_id, "api_client", client["name"], "rotate_secret", None, None, now or utcnow())
    return secret


def authenticate(db, token):
    """The active client a bearer token belongs to, as a dict with `scopes` a set, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = one(db, "SELECT c.*, t.id AS token_id FROM api_tokens t JOIN api_clients c ON c.id = t.client_id"
                     " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND c.active = 1", [token_hash(token)])
    if client:
        client["scopes"] = set(client["scopes"].split())
    return client


def tokens(db, client_id):
    """The client's tokens, newest first: [{id, prefix, created_at, revoked_at, last_used_at}] (never the hash)."""
    return list(db.query("SELECT id, prefix, created_at, revoked_at, last_used_at FROM api_tokens WHERE client_id = ?"
                         " ORDER BY id DESC", [client_id]))


def listing(db):
    """Every client, by name, with `tokens` (active prefixes) and `last_used_at` (its tokens' latest use, or None)."""
    rows = list(db.query("SELECT c.*, (SELECT MAX(last_used_at) FROM api_tokens t WHERE t.client_id = c.id) AS last_used_at"
                         " FROM api_clients c ORDER BY c.active DESC, c.name"))
    for row in rows:
        row["tokens"] = [t["prefix"] for t in db.query(
            "SELECT prefix FROM api_tokens WHERE client_id = ? AND revoked_at IS NULL ORDER BY id", [row["id"]])]
    return rows


def calls(db, name, limit=50):
    """The client's last API calls, newest first: rows of api_calls (method, path, status, at, duration_ms)."""
    return list(db.query("SELECT * FROM api_calls WHERE client_name = ? ORDER BY id DESC LIMIT ?", [name, limit]))
