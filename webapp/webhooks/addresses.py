"""Where a webhook may be sent: public addresses only, unless the operator allows more (review r19, SSRF).

A webhook address is typed by a supervisor and then fetched by the server, so an address of the
server's own network (the cloud metadata service 169.254.169.254, 127.0.0.1, [::1], 10.0.0.0/8,
"2130706433" …) would let it probe or hit internal services. Every address the host name
resolves to must be global: not loopback, private, link-local, multicast, reserved or
unspecified (Python's ipaddress classification). The check runs when the address is configured
and again before each delivery, since DNS can change in between.

The operator widens this with ONTRACK_WEBHOOK_ALLOW_PRIVATE (config WEBHOOK_ALLOW_PRIVATE): "1"
allows every address, or a comma-separated list of networks (CIDR, e.g. "10.20.0.0/16,127.0.0.1/32")
allows those. In production (ONTRACK_ENV=production) webhooks must use https, except to the
allowed networks.
"""
import ipaddress
import os
import socket


class AddressRefused(ValueError):
    """The webhook's host may not be sent to; str() says why (English, for the delivery log)."""

    def __init__(self, reason, host, address=""):
        super().__init__(f"{reason}: {host} {address}".strip())
        self.reason, self.host, self.address = reason, host, address


def read_alike(url):
    """Raise AddressRefused unless Python's URL parser (urllib.parse, which the checks use) and the
    one that connects (urllib3, under requests) read the same scheme, host and port from `url`.

    They differ on text such as "https://127.0.0.1\\@8.8.8.8/": urllib.parse sees the host 8.8.8.8
    (checked, public) where urllib3 stops at the backslash and connects to 127.0.0.1 (review r4).
    A backslash, whitespace or a control character in an address is refused outright.
    """
    from urllib.parse import urlsplit
    from urllib3.util import parse_url
    if any(ch == "\\" or ch.isspace() or ch < " " or ch == "\x7f" for ch in url):
        raise AddressRefused("a backslash, space or control character in the address", url[:100])
    def name(host):  # as it goes on the wire: IDNA for a name in another script
        host = (host or "").strip("[]").lower()
        return host.encode("idna").decode("ascii") if not host.isascii() else host

    try:
        ours, theirs = urlsplit(url), parse_url(url)
        same = ((ours.scheme or "").lower() == (theirs.scheme or "").lower()
                and name(ours.hostname) == name(theirs.host) and ours.port == theirs.port)
    except (ValueError, UnicodeError):
        same = False
    if not same:
        raise AddressRefused("an address read two ways", url[:100])


def policy(allow_key="WEBHOOK_ALLOW_PRIVATE"):
    """(allow: "all" or a list of ip_network, production: bool) from the app's config, else the environment.

    `allow_key` names the setting: WEBHOOK_ALLOW_PRIVATE (env ONTRACK_WEBHOOK_ALLOW_PRIVATE) for webhooks,
    PUSH_ALLOW_PRIVATE (ONTRACK_PUSH_ALLOW_PRIVATE) for Web Push endpoints.
    """
    try:
        from flask import current_app, has_app_context
        config = current_app.config if has_app_context() else {}
    except ImportError:  # pragma: no cover
        config = {}
    raw = str(config.get(allow_key, os.environ.get(f"ONTRACK_{allow_key}", ""))).strip()
    production = config.get("ENV_NAME", os.environ.get("ONTRACK_ENV", "development").strip().lower()) == "production"
    if raw.lower() in ("1", "all", "true", "yes"):
        return "all", production
    networks = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            continue  # a typo allows nothing rather than everything
    return networks, production


def _allowed(ip, allow):
    return allow == "all" or any(ip.version == net.version and ip in net for net in allow)


def _internal(ip):
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def check(scheme, host, port, unresolved_ok=False, allow_key="WEBHOOK_ALLOW_PRIVATE"):
    """Resolve `host` and raise AddressRefused unless every address may receive webhooks.

    `scheme` "http"/"https"; `port` an int or None. A name that does not resolve is refused, or
    passed when `unresolved_ok` (configuration time: the receiver's DNS may not exist yet; each
    delivery checks again). `allow_key` as in policy(). Returns the list of addresses checked.
    """
    allow, production = policy(allow_key)
    if production and scheme != "https" and allow != "all" and not allow:
        raise AddressRefused("https is required in production", host)
    try:
        infos = socket.getaddrinfo(host, port or (443 if scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        if unresolved_ok:
            return []
        raise AddressRefused("the host name does not resolve", host) from None
    addresses = []
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if _internal(ip) and not _allowed(ip, allow):
            raise AddressRefused("an internal address (loopback, private, link-local, multicast or reserved)",
                                 host, str(ip))
        if production and scheme != "https" and not _allowed(ip, allow):
            raise AddressRefused("https is required in production", host, str(ip))
        addresses.append(ip)
    return addresses
