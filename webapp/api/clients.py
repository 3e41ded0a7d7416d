"""Other systems as API clients: each a name, scopes and tokens (stored only as hashes). No Flask here.

A supervisor creates and revokes clients with `flask api-client …` (webapp/api/cli.py). A
token is shown once, when it is issued; the database keeps its SHA-256 (a token is 256 random
bits, so a fast hash is enough: nothing can be guessed from it), and a short prefix to tell
tokens apart in listings.
"""
import base64
import hashlib
import secrets

from ..db import insert, one, transaction
from ..timeutil import to_text

SCOPES = ("orders:read", "orders:write", "alarms:write")
TOKEN_PREFIX = "ont_"


class ClientError(ValueError):
    """A client cannot be created or changed as asked (the message says why)."""


def token_hash(token):
    """SHA-256 hex of a bearer token (what is stored and looked up)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_client(db, name, scopes, now, all_orders=False):
    """Create a client with `scopes` (a subset of SCOPES) and issue its first token; return (client id, token).

    `all_orders`: the client reads, and is told by webhook about, every order, not only the
    ones it raised (a reporting system); otherwise it sees its own orders only.
    """
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ClientError("a client needs a name of 1 to 80 characters")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ClientError(f"scopes must be some of {', '.join(SCOPES)} (got {', '.join(unknown) or 'none'})")
    with transaction(db):
        if one(db, "SELECT id FROM api_clients WHERE name = ?", [name]):
            raise ClientError(f"a client named {name!r} exists already")
        client_id = insert(db, "api_clients", {"name": name, "scopes": " ".join(sorted(set(scopes))),
                                               "all_orders": int(bool(all_orders)), "created_at": to_text(now)})
        token = _issue(db, client_id, now)
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
        raise ClientError(f"no client named {name!r}")
    return client


def issue_token(db, name, now):
    """Give an active client another token (to rotate: issue, deploy, then revoke the old one)."""
    with transaction(db):
        client = by_name(db, name)
        if not client["active"]:
            raise ClientError(f"client {name!r} is revoked")
        return _issue(db, client["id"], now)


def revoke_client(db, name, now):
    """Revoke a client and every token it has: its next call is refused with 401."""
    with transaction(db):
        client = by_name(db, name)
        db.conn.execute("UPDATE api_clients SET active = 0, revoked_at = ? WHERE id = ?", [to_text(now), client["id"]])
        db.conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL",
                        [to_text(now), client["id"]])


def revoke_token(db, prefix, now):
    """Revoke one token by its shown prefix (ont_xxxxxx); return how many were revoked."""
    with transaction(db):
        return db.conn.execute("UPDATE api_tokens SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL",
                               [to_text(now), prefix]).rowcount


def set_webhook(db, name, url):
    """Send this client's order events to `url` (http or https); return the signing secret (whsec_…).

    The secret is kept, because each delivery is signed with it (Standard Webhooks); an empty
    `url` stops the deliveries.
    """
    url = (url or "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise ClientError("the webhook address must start with https:// or http://")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode() if url else ""
    with transaction(db):
        client = by_name(db, name)
        db.conn.execute("UPDATE api_clients SET webhook_url = ?, webhook_secret = ? WHERE id = ?",
                        [url, secret, client["id"]])
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


def listing(db):
    """Every client with its scopes, webhook and token prefixes (for the CLI)."""
    rows = list(db.query("SELECT * FROM api_clients ORDER BY name"))
    for row in rows:
        row["tokens"] = [t["prefix"] for t in db.query(
            "SELECT prefix FROM api_tokens WHERE client_id = ? AND revoked_at IS NULL ORDER BY id", [row["id"]])]
    return rows
