"""A short client of ONTrack's /api/v1, as an operator's CRM or EOMS would use it (issue 19).

    ONTRACK_URL=https://ontrack.example.cn ONTRACK_TOKEN=ont_… python docs/api_example.py create CRM-0001
    ONTRACK_URL=… ONTRACK_TOKEN=… python docs/api_example.py follow          # poll changes since a cursor
    ONTRACK_WEBHOOK_SECRET=whsec_… python docs/api_example.py receive 8080  # a webhook receiver

Needs `requests` and `standardwebhooks` (pip install requests standardwebhooks).
"""
import http.server
import json
import os
import sys
import time

import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

URL = os.environ.get("ONTRACK_URL", "http://127.0.0.1:5000")
HEADERS = {"Authorization": f"Bearer {os.environ.get('ONTRACK_TOKEN', '')}", "Accept-Language": "zh-CN"}


def create(external_id):
    """Raise a repair order. Safe to retry: the same external_id never makes a second order."""
    order = {"external_id": external_id, "order_type": "repair", "access_type": "ftth", "symptom": "no_service",
             "customer_name": "钱女士", "contact_phone": "13900000123", "district": "东城区",
             "community": "幸福里小区", "broadband_account": "gz0000123", "description": "光猫 LOS 灯红"}
    for attempt in range(5):
        try:
            response = requests.post(f"{URL}/api/v1/orders", json=order, headers=HEADERS, timeout=10)
        except requests.ConnectionError:
            time.sleep(2 ** attempt)  # the network failed: send the same create again
            continue
        if response.status_code in (429, 503):
            time.sleep(int(response.headers.get("Retry-After", "5")))
            continue
        if response.headers.get("Content-Type", "").startswith("application/problem+json"):
            problem = response.json()  # RFC 9457: code, title (zh/en), detail, errors
            sys.exit(f"{problem['status']} {problem['code']}: {problem['title']} — {problem.get('detail', '')} "
                     f"{problem.get('errors', '')}")
        body = response.json()
        print(("created" if response.status_code == 201 else "already there"), body["order_no"], body["state"])
        return body
    sys.exit("ONTrack did not answer")


def follow(cursor="0"):
    """Print every order that changes, forever; keep the cursor to resume after a restart."""
    while True:
        page = requests.get(f"{URL}/api/v1/orders", params={"since": cursor, "limit": 100}, headers=HEADERS, timeout=30).json()
        for order in page["orders"]:
            print(order["external_id"], order["order_no"], order["state"], order.get("closure"))
        cursor = page["next_cursor"]
        if not page["has_more"]:
            time.sleep(10)


def receive(port):
    """Accept ONTrack's webhooks: verify the signature, drop repeats by webhook-id, answer 2xx quickly."""
    verifier, seen = Webhook(os.environ["ONTRACK_WEBHOOK_SECRET"]), set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                event = verifier.verify(body, dict(self.headers.items()))
            except WebhookVerificationError:
                self.send_response(401)
                self.end_headers()
                return
            if self.headers["webhook-id"] not in seen:  # a retry or a replay of one already handled
                seen.add(self.headers["webhook-id"])
                print(event["type"], json.dumps(event["data"], ensure_ascii=False))
            self.send_response(204)
            self.end_headers()

    http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "create"
    if command == "create":
        create(sys.argv[2] if len(sys.argv) > 2 else "CRM-0001")
    elif command == "follow":
        follow(sys.argv[2] if len(sys.argv) > 2 else "0")
    else:
        receive(int(sys.argv[2]) if len(sys.argv) > 2 else 8080)
