"""The server's SMS gateway: log-only by default, or one HTTP gateway configured by URL and key.

The technician's own appointment SMS is an `sms:` link on the phone (domain reference §6.2 item 2,
issue 21); this is for messages the server itself sends. Configure with ONTRACK_SMS_GATEWAY_URL and
ONTRACK_SMS_GATEWAY_KEY; without a URL every message is only written to the log.

The HTTP adapter POSTs JSON `{"to": "<phone>", "text": "<message>"}` with `Authorization: Bearer <key>`
and takes any 2xx as accepted; the response's JSON `id`, if any, is the gateway's message id.
"""
import logging
import re

import requests

log = logging.getLogger("ontrack.sms")
PHONE = re.compile(r"^\+?[0-9]{5,20}$")
MAX_TEXT = 500  # a few SMS segments; longer is a mistake


class SmsError(Exception):
    """The message could not be handed to the gateway; the text says why."""


def _check(phone, text):
    phone = re.sub(r"[\s-]", "", phone or "")
    if not PHONE.match(phone):
        raise SmsError(f"not a phone number: {phone!r}")
    if not text or len(text) > MAX_TEXT:
        raise SmsError(f"the message must be 1 to {MAX_TEXT} characters")
    return phone


class LogGateway:
    """Write each message to the log instead of sending it (the default: nothing leaves the server)."""

    def send(self, phone, text):
        """Log the message; return None (there is no gateway id)."""
        phone = _check(phone, text)
        log.info("SMS (log only) to %s: %s", phone[:3] + "****" + phone[-4:], text)
        return None


class HttpGateway:
    """Hand messages to an SMS provider's HTTP endpoint."""

    def __init__(self, url, key, timeout=10.0):
        if not url.startswith(("https://", "http://")):
            raise ValueError("ONTRACK_SMS_GATEWAY_URL must be an http(s) address")
        self.url, self.key, self.timeout = url, key, timeout

    def send(self, phone, text):
        """POST one message; return the gateway's id (or None). Raises SmsError on refusal or no answer."""
        phone = _check(phone, text)
        try:
            response = requests.post(self.url, json={"to": phone, "text": text}, timeout=self.timeout,
                                     headers={"Authorization": f"Bearer {self.key}"})
        except requests.RequestException as error:
            raise SmsError(f"the SMS gateway did not answer: {type(error).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise SmsError(f"the SMS gateway refused the message: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            return None
        return str(body.get("id")) if isinstance(body, dict) and body.get("id") is not None else None


def gateway(config):
    """The gateway the configuration names: HTTP when SMS_GATEWAY_URL is set, else log-only."""
    url = config.get("SMS_GATEWAY_URL") or ""
    return HttpGateway(url, config.get("SMS_GATEWAY_KEY") or "") if url else LogGateway()
