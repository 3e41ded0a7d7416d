"""Web Push to technicians' phones (RFC 8030 with VAPID, RFC 8292; payload encrypted per RFC 8291) via pywebpush.

The VAPID key pair is made on first start and kept in the instance folder (never in the repository).
The phone subscribes with the public key; the minute job sends each technician's new notices once to
each of their subscriptions. China's phones often get no push at all: the notice list and the sync on
opening stay the guaranteed path, push only makes it sooner.
"""
import base64
import json
import logging
import os
import pathlib
import re
import time
import urllib.parse

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid01
from pywebpush import WebPushException, webpush

from ..db import one, transaction
from ..orders.lifecycle import N_
from ..webhooks import addresses
from ..webhooks.delivery import PinnedAddress, ca_bundle
from ..timeutil import to_text

log = logging.getLogger("ontrack.push")
KEY_FILE = "vapid_private.pem"
B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
MAX_ENDPOINT = 1000
PUSH_TTL_SECONDS = 12 * 3600  # a notice older than a working shift is better read in the list
SEND_WINDOW = "-1 hour"  # notices older than this are not pushed any more (the list has them)
MAX_SUBSCRIPTIONS = 5  # per person (a phone and a spare, browsers re-subscribing): the oldest go first


class BadSubscription(ValueError):
    """A subscription the server will not store; the message says why (English msgid)."""


def ensure_vapid_keys(app):
    """Make the VAPID key pair on first start (atomically, so workers starting together agree); publish the public key."""
    path = pathlib.Path(app.config.get("VAPID_PRIVATE_KEY_FILE") or os.path.join(app.instance_path, KEY_FILE))
    if not path.exists():
        vapid = Vapid01()
        vapid.generate_keys()
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        vapid.save_key(str(temporary))
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)  # fails if another worker won the race: theirs is kept
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    vapid = Vapid01.from_file(str(path))
    app.config["VAPID_PRIVATE_KEY_FILE"] = str(path)
    app.config["VAPID_PUBLIC_KEY"] = b64url(vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def b64url(raw):
    """Base64url without padding, as Web Push keys are written."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decoded_length(text):
    if not isinstance(text, str) or not B64URL.match(text):
        return -1
    try:
        return len(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        return -1


def check_subscription(body, allow_insecure=False):
    """Return (endpoint, p256dh, auth) of a browser's PushSubscription JSON, or raise BadSubscription.

    The endpoint must be https (a push service) on a public address: a technician must not make the
    server's job worker call its own network (the cloud metadata service, the LAN, loopback: server-side
    request forgery, review r1), the same rule as webhooks (webapp/webhooks/addresses.py), widened only by
    ONTRACK_PUSH_ALLOW_PRIVATE. `allow_insecure` admits http on this machine, for tests.
    p256dh is a 65-byte uncompressed P-256 point, auth a 16-byte secret (RFC 8291 §3).
    """
    if not isinstance(body, dict) or not isinstance(body.get("keys"), dict):
        raise BadSubscription(N_("This is not a push subscription."))
    endpoint = body.get("endpoint")
    if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT:
        raise BadSubscription(N_("This is not a push subscription."))
    try:
        parts = urllib.parse.urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise BadSubscription(N_("This is not a push subscription.")) from None
    try:
        addresses.read_alike(endpoint)
    except addresses.AddressRefused:
        raise BadSubscription(N_("This is not a push subscription.")) from None
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or not (parts.scheme == "https" or (allow_insecure and local and parts.scheme == "http")):
        raise BadSubscription(N_("A push service address must start with https://."))
    if not (allow_insecure and local):
        refusal = endpoint_refusal(parts.scheme, parts.hostname, port, unresolved_ok=True)
        if refusal:
            raise BadSubscription(N_("A push service is on the internet: this address is in a private network."))
    p256dh, auth = body["keys"].get("p256dh"), body["keys"].get("auth")
    if _decoded_length(p256dh) != 65 or _decoded_length(auth) != 16:
        raise BadSubscription(N_("The subscription's keys are not valid."))
    return endpoint, p256dh, auth


def endpoint_refusal(scheme, host, port, unresolved_ok=False):
    """Why the server may not send to this push endpoint (English, for the log), or None when it may."""
    try:
        addresses.check(scheme, host, port, unresolved_ok=unresolved_ok, allow_key="PUSH_ALLOW_PRIVATE")
    except addresses.AddressRefused as refused:
        return str(refused)
    return None


def subscribe(db, user_id, body, now, allow_insecure=False):
    """Store (or move to this person) a phone's subscription; return its id. Raises BadSubscription.

    A person keeps at most MAX_SUBSCRIPTIONS: a new one pushes out their oldest (each costs the job
    worker a request per notice).
    """
    endpoint, p256dh, auth = check_subscription(body, allow_insecure)
    with transaction(db):
        db.conn.execute(
            "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh,"
            " auth = excluded.auth, last_error = NULL, created_at = excluded.created_at",
            [user_id, endpoint, p256dh, auth, to_text(now)])
        db.conn.execute(
            "DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN (SELECT id FROM push_subscriptions"
            " WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)", [user_id, user_id, MAX_SUBSCRIPTIONS])
        return one(db, "SELECT id FROM push_subscriptions WHERE endpoint = ?", [endpoint])["id"]


def unsubscribe(db, user_id, endpoint):
    """Forget one of this person's subscriptions."""
    with transaction(db):
        db.conn.execute("DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?", [user_id, endpoint])


def payload(notice, title, body):
    """The JSON the phone's service worker shows: short, no customer's number or address (lock screens are public)."""
    return json.dumps({"notice_id": notice["id"], "order_id": notice["order_id"], "kind": notice["kind"],
                       "title": title, "body": body, "url": "/jobs/"}, ensure_ascii=False)


def pending(db, now):
    """Notices addressed to one person, not yet pushed, from the last hour, with their order number."""
    return list(db.query(
        "SELECT n.id, n.order_id, n.kind, n.policy_code, n.user_id, o.order_no FROM notices n JOIN orders o ON o.id = n.order_id"
        " WHERE n.pushed_at IS NULL AND n.user_id IS NOT NULL AND n.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', ?, ?)"
        " ORDER BY n.id LIMIT 500", [to_text(now), SEND_WINDOW]))


def send_pending(db, private_key_file, subject, now, describe, timeout=4, allow_insecure=False, budget=30):
    """Push every pending notice to its person's subscriptions; return (sent, failed).

    `describe(notice)` gives (title, body) in the reader's language. The sending happens with no
    transaction open; a subscription the push service says is gone (404/410) is deleted. Each notice
    is marked pushed whether or not a phone took it: the list and the sync are the guaranteed path.
    Each endpoint's address is checked again before sending (DNS can change since it was stored);
    one that now names an internal address is not called, and the request goes to exactly the address
    checked (pinned_session: no second lookup to rebind). `allow_insecure`: as in check_subscription.

    The run shares the job worker with the minute's sweep, so it is bounded: each request waits at
    most `timeout` seconds, a subscription that failed is not tried again in the same run, and after
    `budget` seconds the rest of the run's notices are left to the list (review r1: five silent
    endpoints held a worker thread 100 s for two notices).
    """
    notices = pending(db, now)
    sent = failed = 0
    gone, errors = [], {}
    deadline = time.monotonic() + budget
    for notice in notices:
        if time.monotonic() > deadline:
            break
        title, body = describe(notice)
        for sub in db.query("SELECT * FROM push_subscriptions WHERE user_id = ?", [notice["user_id"]]):
            if sub["id"] in errors or time.monotonic() > deadline:
                continue
            info = {"endpoint": sub["endpoint"], "keys": {"p256dh": sub["p256dh"], "auth": sub["auth"]}}
            try:
                session = pinned_session(sub["endpoint"], allow_insecure)
            except addresses.AddressRefused as refused:
                failed += 1
                errors[sub["id"]] = str(refused)[:200]
                continue
            try:
                with session:
                    webpush(info, payload(notice, title, body), vapid_private_key=private_key_file,
                            vapid_claims={"sub": subject}, ttl=PUSH_TTL_SECONDS, timeout=timeout,
                            requests_session=session)
                sent += 1
            except WebPushException as error:
                failed += 1
                status = error.response.status_code if error.response is not None else None
                if status in (404, 410):
                    gone.append(sub["id"])
                errors[sub["id"]] = str(status or error)[:200]
            except Exception as error:  # a push service that is down must not stop the others
                failed += 1
                errors[sub["id"]] = type(error).__name__
    with transaction(db):
        stamp = to_text(now)
        for notice in notices:
            db.conn.execute("UPDATE notices SET pushed_at = ? WHERE id = ?", [stamp, notice["id"]])
        for sub_id, message in errors.items():
            db.conn.execute("UPDATE push_subscriptions SET last_error = ? WHERE id = ?", [message, sub_id])
        for sub_id in gone:
            db.conn.execute("DELETE FROM push_subscriptions WHERE id = ?", [sub_id])
    if failed:
        log.info("push: %d sent, %d failed", sent, failed)
    return sent, failed


class PinnedEndpoint(PinnedAddress):
    """A requests adapter that sends every request to one checked IP address of the push service.

    The URL's host name is resolved once, by the address check, and the connection goes to exactly
    that address: a name that answers a public address to the check and 127.0.0.1 a moment later
    (DNS rebinding) cannot turn the worker against the server's own network. The Host header, TLS
    SNI and the certificate check keep the host name (PinnedAddress). A request for another host
    (a redirect; none are followed) is refused.
    """

    def __init__(self, host_name, address):
        super().__init__(host_name)
        self.address = address

    def send(self, request, **kwargs):
        parts = urllib.parse.urlsplit(request.url)
        if (parts.hostname or "").encode("idna").decode("ascii") != self.host_name:
            raise requests.exceptions.InvalidURL(f"not the checked push host: {parts.hostname}")
        shown = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        default = 443 if parts.scheme == "https" else 80
        request.headers["Host"] = parts.netloc.rpartition("@")[2]
        request.url = urllib.parse.urlunsplit(parts._replace(netloc=f"{shown}:{parts.port or default}"))
        return super().send(request, **kwargs)


def pinned_session(endpoint, allow_insecure=False):
    """A requests.Session that sends to `endpoint` only at the address checked now.

    The endpoint's host is resolved and every address checked (webapp/webhooks/addresses.py,
    ONTRACK_PUSH_ALLOW_PRIVATE; DNS can change since the subscription was stored); the session
    connects to the first checked address (PinnedEndpoint). No redirects (a push service answers
    201 or an error; review r2), no environment proxies (they would resolve the name again).
    `allow_insecure`: a loopback IP literal is sent to unchecked (tests).
    Raises addresses.AddressRefused (its text in English, for the subscription's last error).
    """
    addresses.read_alike(endpoint)
    parts = urllib.parse.urlsplit(endpoint)
    session = requests.Session()
    session.max_redirects = 0
    session.trust_env = False
    session.verify = ca_bundle()  # an operator's own CA (REQUESTS_CA_BUNDLE), as for webhooks
    host = parts.hostname or ""
    if allow_insecure and host in ("127.0.0.1", "localhost", "::1"):
        return session
    try:
        host = host.encode("idna").decode("ascii")
        checked = addresses.check(parts.scheme, host, parts.port, allow_key="PUSH_ALLOW_PRIVATE")
    except (ValueError, UnicodeError) as exc:
        session.close()
        raise addresses.AddressRefused(f"not a usable push endpoint ({exc})", host) from None
    except addresses.AddressRefused:
        session.close()
        raise
    if not checked:
        session.close()
        raise addresses.AddressRefused("the host name does not resolve", host)
    if host != str(checked[0]):
        adapter = PinnedEndpoint(host, checked[0])
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session
