"""Send webhook deliveries: signed per Standard Webhooks, in order per (client, order), with retries.

A chain is one client's deliveries for one order. Its oldest waiting delivery goes first; while
it fails, the later ones wait, so a receiver sees an order's events in the order they happened.
A failure (no answer, or anything but 2xx) is retried after the next delay of
WEBHOOK_RETRY_SECONDS (Standard Webhooks' suggested schedule); after the last, the delivery is
'failed', kept in the log for a replay, and the chain moves on. Each event keeps one webhook-id
across retries and replays, so a receiver can drop a repeat. Sending happens with no
transaction open; each result is written in its own short one.
"""
import datetime
import ipaddress
import json
import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3
from standardwebhooks.webhooks import Webhook

from ..api import sealing
from ..db import insert, one, transaction
from ..timeutil import UTC
from .outbox import precise

USER_AGENT = "ONTrack-Webhooks/1"


def retry_delays(setting):
    """'5,300,1800' → [5.0, 300.0, 1800.0] (seconds before each retry)."""
    return [float(part) for part in str(setting).split(",") if part.strip()]


def sign(secret, msg_id, moment, body):
    """The three Standard Webhooks headers for `body` (text) sent at `moment` (aware datetime)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, moment, body)}


def _next(db, client_id, order_id):
    return one(db, "SELECT d.*, e.msg_id, e.payload, e.type FROM webhook_deliveries d JOIN webhook_events e"
                   " ON e.id = d.event_id WHERE d.client_id = ? AND d.order_id = ? AND d.status = 'pending'"
                   " ORDER BY d.event_id LIMIT 1", [client_id, order_id])


class PinnedAddress(requests.adapters.HTTPAdapter):
    """A requests transport adapter for a URL whose host was replaced by the IP address that was checked.

    The connection goes to that address; TLS still sends the original `host_name` as SNI and
    checks the certificate against it (urllib3's server_hostname / assert_hostname pool
    arguments, which urllib3 drops for plain http). No retries: the delivery schedule retries.
    """

    def __init__(self, host_name):
        self.host_name = host_name
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        super().init_poolmanager(connections, maxsize, block, server_hostname=self.host_name,
                                 assert_hostname=self.host_name, **pool_kwargs)


def ca_bundle():
    """What requests would verify with from the environment (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE), else certifi's."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


def _could_not_connect(exc):
    """True when the request never reached a server (refused, unreachable, connect timeout): safe to try another address."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.ConnectTimeout) or isinstance(reason, urllib3.exceptions.ConnectTimeoutError)


def post(url, headers, body, timeout):
    """POST one delivery; return (HTTP status or None, error text).

    The host name is resolved once and every address checked (webapp/webhooks/addresses.py: DNS
    may point it inside since it was configured); the request then connects to exactly a checked
    address, in the resolver's order (the next only when one cannot be connected to), so a name
    that answers a public address to the check and 127.0.0.1 a moment later (DNS rebinding) cannot
    send it inside. The Host header, TLS SNI and certificate check use the URL's host name.
    Environment proxies are not used (they would resolve the name again).
    """
    from . import addresses
    try:
        parts = urlsplit(url)
        scheme, port = parts.scheme.lower(), parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
        addresses.read_alike(url)
        checked = addresses.check(scheme, host, port)
    except addresses.AddressRefused as exc:
        return None, f"refused: {exc}"
    except (ValueError, UnicodeError) as exc:
        return None, f"refused: {exc}"
    default_port = 443 if scheme == "https" else 80
    literal = _is_ip(host)
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port in (None, default_port) else f"{shown_host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    error = "the host name has no address"
    for ip in checked:
        shown_ip = f"[{ip}]" if ip.version == 6 else str(ip)
        netloc = f"{userinfo + '@' if userinfo else ''}{shown_ip}:{port or default_port}"
        pinned = urlunsplit(parts._replace(netloc=netloc))
        with requests.Session() as session:
            session.trust_env = False
            if not literal:
                session.mount(f"{scheme}://", PinnedAddress(host))
            try:
                response = session.post(pinned, data=body.encode("utf-8"), timeout=timeout, allow_redirects=False,
                                        verify=ca_bundle(),
                                        headers={**headers, "Host": host_header, "Content-Type": "application/json",
                                                 "User-Agent": USER_AGENT})
                response.close()
                return response.status_code, "" if response.ok else f"HTTP {response.status_code}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {str(exc)[:300]}"
                if not _could_not_connect(exc):
                    break
    return None, error


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class ChainBusy(Exception):
    """Another job is sending this chain now."""


def _lease(db, client_id, order_id, holder, now, seconds):
    """Take or renew the chain's lease for `seconds`; raise ChainBusy while another holder's lease runs."""
    with transaction(db):
        row = one(db, "SELECT holder, expires_at FROM webhook_leases WHERE client_id = ? AND order_id = ?",
                  [client_id, order_id])
        if row and row["holder"] != holder and row["expires_at"] > precise(now):
            raise ChainBusy()
        db.conn.execute("INSERT OR REPLACE INTO webhook_leases (client_id, order_id, holder, expires_at) VALUES (?, ?, ?, ?)",
                        [client_id, order_id, holder, precise(now + datetime.timedelta(seconds=seconds))])


def _release(db, client_id, order_id, holder):
    with transaction(db):
        db.conn.execute("DELETE FROM webhook_leases WHERE client_id = ? AND order_id = ? AND holder = ?",
                        [client_id, order_id, holder])


def send_chain(db, client_id, order_id, delays, timeout, now=lambda: datetime.datetime.now(UTC)):
    """deliver_chain under the chain's lease (raises ChainBusy when another job holds it)."""
    holder = uuid.uuid4().hex
    _lease(db, client_id, order_id, holder, now(), timeout + 30)
    try:
        return deliver_chain(db, client_id, order_id, delays, timeout, now,
                             renew=lambda: _lease(db, client_id, order_id, holder, now(), timeout + 30))
    finally:
        _release(db, client_id, order_id, holder)


def deliver_chain(db, client_id, order_id, delays, timeout, now=lambda: datetime.datetime.now(UTC), renew=lambda: None):
    """Send the due deliveries of one (client, order) chain, oldest first.

    Returns the seconds until the retry of a delivery that failed just now (the caller
    schedules it), or None: nothing waits, or the first waiting one is not due yet (the run that
    saw it fail scheduled its retry). Stops at the first failure: later events wait behind it.
    """
    while True:
        renew()
        delivery = _next(db, client_id, order_id)
        if delivery is None:
            return None
        wait = (datetime.datetime.fromisoformat(delivery["next_attempt_at"]) - now()).total_seconds()
        if wait > 2:
            return None
        if wait > 0:  # a scheduled retry that woke a moment early
            time.sleep(wait)
        client = one(db, "SELECT webhook_url, webhook_secret, active FROM api_clients WHERE id = ?", [client_id])
        if not (client and client["active"] and client["webhook_url"]):
            _finish(db, delivery, "failed", None, "the client's webhook was removed or revoked", 0.0, now())
            continue
        sent_at = now()
        started = time.perf_counter()
        try:
            headers = sign(sealing.unseal(client["webhook_secret"]), delivery["msg_id"], sent_at, delivery["payload"])
        except sealing.SealError as exc:  # a configuration fault: retried on the schedule, so fixing the key is enough
            status, error = None, f"signing secret: {exc}"
        else:
            status, error = post(client["webhook_url"], headers, delivery["payload"], timeout)
        elapsed = (time.perf_counter() - started) * 1000
        if status is not None and 200 <= status < 300:
            _finish(db, delivery, "delivered", status, "", elapsed, now())
            continue
        attempts = delivery["attempts"] + 1
        if attempts > len(delays):
            _finish(db, delivery, "failed", status, error, elapsed, now())
            continue
        retry_at = now() + datetime.timedelta(seconds=delays[attempts - 1])
        with transaction(db):
            _attempt(db, delivery, status, error, elapsed, sent_at)
            db.conn.execute("UPDATE webhook_deliveries SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?"
                            " WHERE id = ? AND status = 'pending'",
                            [attempts, precise(retry_at), status, error, delivery["id"]])
        return delays[attempts - 1]


def _attempt(db, delivery, status, error, elapsed, at):
    insert(db, "webhook_attempts", {"delivery_id": delivery["id"], "at": precise(at), "status": status, "error": error,
                                    "duration_ms": round(elapsed, 1)})


def _finish(db, delivery, outcome, status, error, elapsed, at):
    with transaction(db):
        _attempt(db, delivery, status, error, elapsed, at)
        db.conn.execute("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?,"
                        " delivered_at = ? WHERE id = ?",
                        [outcome, status, error, precise(at) if outcome == "delivered" else None, delivery["id"]])


def replay(db, client_id, delivery_ids=None, failed_only=False, since=None, now=None):
    """Send deliveries again (from the log): by id, or every failed one, or all since a time.

    They go back to 'pending' with their attempts reset and are due at once; returns the
    (client, order) chains to queue. The receiver gets the same webhook-id as before.
    """
    now = now or datetime.datetime.now(UTC)
    where, params = ["client_id = ?"], [client_id]
    if delivery_ids:
        where.append(f"id IN ({', '.join('?' * len(delivery_ids))})")
        params += list(delivery_ids)
    if failed_only:
        where.append("status = 'failed'")
    if since:
        where.append("event_id IN (SELECT id FROM webhook_events WHERE created_at >= ?)")
        params.append(since)
    clause = " AND ".join(where)
    with transaction(db):
        chains = [tuple(r) for r in db.conn.execute(f"SELECT DISTINCT client_id, order_id FROM webhook_deliveries WHERE {clause}",
                                                    params)]
        db.conn.execute(f"UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = ''"
                        f" WHERE {clause}", [precise(now), *params])
    return chains


def log(db, client_id, limit=50, failed_only=False):
    """The delivery log of a client, newest first: [{id, event type, order, status, attempts, last status/error}]."""
    where = " AND d.status = 'failed'" if failed_only else ""
    return list(db.query(
        "SELECT d.id, e.type, e.msg_id, d.order_id, d.status, d.attempts, d.last_status, d.last_error, d.delivered_at,"
        f" e.created_at FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.client_id = ?{where}"
        " ORDER BY d.id DESC LIMIT ?", [client_id, limit]))


def payload_of(db, delivery_id):
    """The JSON payload of a delivery (for the log's detail)."""
    row = one(db, "SELECT e.payload FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.id = ?",
              [delivery_id])
    return json.loads(row["payload"]) if row else None
