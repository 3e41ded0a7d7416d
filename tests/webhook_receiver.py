"""A real HTTP webhook receiver for the tests: verifies Standard Webhooks signatures, can fail on purpose.

It answers 500 to the first `fail_first` deliveries it is sent (and to anything whose
signature does not verify), and records every delivery it accepted with 204. `accepted` holds
(webhook-id, payload) in arrival order; `rejected_signatures` counts forged or broken ones;
`hosts` the Host header of each request. Given an ssl.SSLContext `tls`, it speaks https and
`server_names` records the TLS SNI each client sent.
"""
import http.server
import json
import threading

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret="", fail_first=0, tls=None):
        self.secret = secret
        self.hosts = []
        self.server_names = []
        self.fail_first = fail_first
        self.seen = 0
        self.accepted = []
        self.failed_answers = 0
        self.rejected_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.hosts.append(self.headers.get("Host"))
                status = receiver.receive(dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://127.0.0.1:{self.port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def receive(self, headers, body):
        lowered = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.seen += 1
            try:
                payload = Webhook(self.secret).verify(body, lowered)
            except WebhookVerificationError:
                self.rejected_signatures += 1
                return 500
            if self.seen <= self.fail_first:
                self.failed_answers += 1
                return 500
            self.accepted.append((lowered["webhook-id"], payload))
            return 204

    def types_for(self, order_id):
        with self.lock:
            return [p["type"] for _id, p in self.accepted if p["data"]["order"]["id"] == order_id]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def dumps(payload):
    return json.dumps(payload, ensure_ascii=False)
