"""Webhook deliveries (webapp/webhooks): retries run out into 'failed', the chain moves on, replay resends the same id."""
import datetime

import pytest

from tests.test_api import ORDER, make_client
from tests.webhook_receiver import Receiver
from webapp.db import connect
from webapp.webhooks import delivery


def test_a_delivery_that_keeps_failing_is_failed_then_the_chain_moves_on_and_a_replay_resends_it(app):
    with Receiver(fail_first=3) as receiver:
        token, receiver.secret = make_client(app, webhook=receiver.url)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        order = client.post("/api/v1/orders", json=ORDER).json  # delivered at once: fails (1 of 3)
        assert receiver.accepted == [] and receiver.failed_answers == 1
        assert client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户撤销"}).status_code == 200
        # The cancel waits behind the failing create: nothing newer overtakes it.
        assert receiver.accepted == []
        db = connect(app.config["DATABASE"])
        now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60)
        client_id = db.execute("SELECT id FROM api_clients WHERE name = 'crm'").fetchone()[0]
        # Two retries allowed, both answered 500: the create is failed; the chain moves on to the cancel.
        rounds = 0
        while delivery.deliver_chain(db, client_id, order["id"], [0, 0], 5, now=lambda: now) is not None:
            rounds += 1  # the job queue would schedule each retry after its delay
        assert rounds == 1
        log = {row["type"]: row for row in delivery.log(db, client_id)}
        assert log["order.created"]["status"] == "failed" and log["order.created"]["attempts"] == 3
        assert log["order.created"]["last_status"] == 500
        assert log["order.cancelled"]["status"] == "delivered"
        assert receiver.types_for(order["id"]) == ["order.cancelled"]
        failed_id = log["order.created"]["msg_id"]
        chains = delivery.replay(db, client_id, failed_only=True)
        assert chains == [(client_id, order["id"])]
        delivery.deliver_chain(db, client_id, order["id"], [0, 0], 5)
        assert receiver.types_for(order["id"]) == ["order.cancelled", "order.created"]
        assert receiver.accepted[-1][0] == failed_id  # the same webhook-id: the receiver can tell a repeat
        assert db.execute("SELECT COUNT(*) FROM webhook_attempts").fetchone()[0] == 5
        db.conn.close()


def test_a_refused_change_sends_nothing(app, login, user_ids):
    with Receiver() as receiver:
        token, receiver.secret = make_client(app, webhook=receiver.url)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        order = client.post("/api/v1/orders", json=ORDER).json
        login("disp").post("/dispatch/assign", {"order_id": str(order["id"]), "technician_id": str(user_ids["techa"])})
        from tests.conftest import Phone
        tech = Phone(login("techa"))
        assert tech.act(order["id"], "returned", fields={"cause": "x"})["status"] == "rejected"
        assert receiver.types_for(order["id"]) == ["order.created", "order.dispatched"]
        db = connect(app.config["DATABASE"])
        assert db.execute("SELECT COUNT(*) FROM webhook_events").fetchone()[0] == 2
        db.conn.close()


def test_the_signature_is_standard_webhooks(app):
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    moment = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone.utc)
    headers = delivery.sign(secret, "msg_1", moment, '{"type": "order.created"}')
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(int(moment.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")


def test_the_minute_sweep_sends_due_retries_and_trims_the_call_log(app):
    from webapp.background import tasks
    with Receiver(fail_first=1) as receiver:
        token, receiver.secret = make_client(app, webhook=receiver.url)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        order = client.post("/api/v1/orders", json=ORDER).json  # the first delivery fails; its retry is due in 5 s
        db = connect(app.config["DATABASE"])
        db.conn.execute("UPDATE webhook_deliveries SET next_attempt_at = '2000-01-01T00:00:00.000000Z'")
        db.conn.execute("INSERT INTO api_calls (client_id, client_name, method, path, status, at, duration_ms)"
                        " VALUES (NULL, 'old', 'GET', '/api/v1/orders', 200, '2001-01-01T00:00:00Z', 1)")
        with app.app_context():
            tasks.every_minute()
        assert receiver.types_for(order["id"]) == ["order.created"]
        assert db.execute("SELECT COUNT(*) FROM api_calls WHERE client_name = 'old'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM api_calls").fetchone()[0] >= 1
        db.conn.close()


def test_the_desk_log_shows_deliveries_to_supervisors_only_and_replays(app, login):
    with Receiver(fail_first=1) as receiver:
        token, receiver.secret = make_client(app, webhook=receiver.url)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        order = client.post("/api/v1/orders", json=ORDER).json  # fails once
        assert login("disp").get("/webhooks/").status_code == 403
        boss = login("boss")
        index = boss.get("/webhooks/")
        assert index.status_code == 200 and "crm" in index.text and receiver.url in index.text
        db = connect(app.config["DATABASE"])
        client_id, delivery_id = db.execute("SELECT client_id, id FROM webhook_deliveries").fetchone()
        page = boss.get(f"/webhooks/{client_id}")
        assert page.status_code == 200 and "order.created" in page.text and "HTTP 500" in page.text
        assert boss.post(f"/webhooks/{client_id}/replay", {"delivery_id": str(delivery_id)}).status_code == 303
        assert receiver.types_for(order["id"]) == ["order.created"]
        assert db.execute("SELECT status FROM webhook_deliveries WHERE id = ?", [delivery_id]).fetchone()[0] == "delivered"
        assert boss.post(f"/webhooks/{client_id}/replay", {"csrf_token": ""}).status_code == 400
        db.conn.close()


def test_the_desk_cancelling_a_duplicate_tells_the_raising_system(app, login):
    """An order the desk cancels as a duplicate (issue 21 item 4) reaches its raising system as order.cancelled."""
    with Receiver() as receiver:
        token, receiver.secret = make_client(app, webhook=receiver.url)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        first = client.post("/api/v1/orders", json=ORDER).json
        second = client.post("/api/v1/orders", json={**ORDER, "external_id": ORDER["external_id"] + "-again"}).json
        desk = login("disp")
        assert desk.post(f"/orders/{second['id']}/act/cancel_duplicate", {"duplicate_of": first["order_no"]}).status_code == 303
        assert receiver.types_for(second["id"]) == ["order.created", "order.cancelled"]
        payload = receiver.accepted[-1][1]
        assert payload["data"]["duplicate_of"] == first["order_no"], payload


def test_signing_secrets_are_sealed_at_rest_with_the_operators_key_and_a_lost_key_fails_plainly(app):
    """docs/api.md "Signing secrets at rest": Fernet with ONTRACK_WEBHOOK_SECRET_KEYS, rotated by reseal-secrets."""
    import pytest
    from cryptography.fernet import Fernet
    from webapp.api import sealing
    key, newer = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["WEBHOOK_SECRET_KEYS"] = key
    with Receiver() as receiver:
        with app.app_context():
            token, receiver.secret = make_client(app, webhook=receiver.url)
        db = connect(app.config["DATABASE"])
        stored = db.execute("SELECT webhook_secret FROM api_clients WHERE name = 'crm'").fetchone()[0]
        assert stored.startswith("fernet:") and receiver.secret.removeprefix("whsec_") not in stored
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        order = client.post("/api/v1/orders", json=ORDER).json
        assert receiver.types_for(order["id"]) == ["order.created"] and receiver.rejected_signatures == 0

        app.config["WEBHOOK_SECRET_KEYS"] = ""  # the key was not deployed: nothing goes out, and the log says why
        assert client.post(f"/api/v1/orders/{order['id']}/cancel", json={"reason": "客户撤销"}).status_code == 200
        assert receiver.seen == 1
        waiting = db.execute("SELECT status, last_error FROM webhook_deliveries ORDER BY id DESC LIMIT 1").fetchone()
        assert waiting[0] == "pending" and "ONTRACK_WEBHOOK_SECRET_KEYS" in waiting[1]

        app.config["WEBHOOK_SECRET_KEYS"] = f"{newer},{key}"  # rotation: the new key first, the old one still opens
        result = app.test_cli_runner().invoke(args=["api-client", "reseal-secrets"])
        assert result.exit_code == 0 and "sealed 1" in result.output
        resealed = db.execute("SELECT webhook_secret FROM api_clients WHERE name = 'crm'").fetchone()[0]
        assert sealing.unseal(resealed, [newer]) == receiver.secret
        with pytest.raises(sealing.SealError):
            sealing.unseal(resealed, [key])
        with pytest.raises(sealing.SealError):
            sealing.unseal(resealed, [])
        assert sealing.unseal("whsec_plain", []) == "whsec_plain"  # stored before a key was set: still usable
        db.conn.close()


# --- DNS rebinding: delivery connects to exactly the address that was checked -----------------------------

PUBLIC = "93.184.215.14"  # a global address (ipaddress.is_global); nothing of ours listens there


class RebindingResolver:
    """A stand-in for socket.getaddrinfo: `name` answers `answers` in turn (the last one from then on).

    Any other host (an IP literal, localhost) goes to the real resolver, as a DNS server is never
    asked for those. `asked` counts the lookups of `name`.
    """

    def __init__(self, name, *answers):
        import socket
        self.name, self.answers, self.asked, self.real = name, list(answers), 0, socket.getaddrinfo

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        import socket
        if host != self.name:
            return self.real(host, port, family, type, proto, flags)
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, int(port or 0)))]


def _order_through(app, token):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post("/api/v1/orders", json=ORDER).json  # its order.created is delivered at once


def _last_delivery(app):
    db = connect(app.config["DATABASE"])
    try:
        return db.execute("SELECT status, last_error FROM webhook_deliveries ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.conn.close()


def test_a_name_that_rebinds_to_loopback_after_the_check_does_not_reach_the_local_server(app, monkeypatch):
    import socket
    monkeypatch.setenv("ONTRACK_WEBHOOK_ALLOW_PRIVATE", "")
    app.config["WEBHOOK_ALLOW_PRIVATE"] = ""  # nothing internal allowed: the check must see a public address
    with Receiver() as receiver:
        # Configured while the name does not resolve yet (accepted; each delivery checks).
        token, receiver.secret = make_client(app, webhook=f"http://rebind.example.test:{receiver.port}/hooks")
        resolver = RebindingResolver("rebind.example.test", PUBLIC, "127.0.0.1")
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        _order_through(app, token)
        assert receiver.seen == 0 and receiver.hosts == []  # the second answer (127.0.0.1) was never used
        assert resolver.asked == 1  # resolved once, for the check; the connection went to what was checked
        status, error = _last_delivery(app)
        assert status == "pending" and PUBLIC in error, error


def test_a_name_for_an_allowed_local_address_is_delivered_signed_with_its_own_host_header(app, monkeypatch):
    import socket
    with Receiver() as receiver:  # tests allow 127.0.0.1/32 (ONTRACK_WEBHOOK_ALLOW_PRIVATE, tests/conftest.py)
        token, receiver.secret = make_client(app, webhook=f"http://hooks.example.test:{receiver.port}/hooks")
        resolver = RebindingResolver("hooks.example.test", "127.0.0.1")
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        order = _order_through(app, token)
        assert receiver.types_for(order["id"]) == ["order.created"] and receiver.rejected_signatures == 0
        assert receiver.hosts == [f"hooks.example.test:{receiver.port}"]
        assert resolver.asked == 1
        assert _last_delivery(app)[0] == "delivered"


def test_a_webhook_address_the_connecting_parser_reads_otherwise_reaches_nothing(app):
    """Review r4: "http://127.0.0.1:PORT\\@8.8.8.8/hook" is 8.8.8.8 to urllib.parse (checked) and 127.0.0.1:PORT to
    urllib3, which connected there and returned 200. Refused when configured and when delivered."""
    from webapp.api import clients
    with Receiver() as receiver:
        url = f"http://127.0.0.1:{receiver.port}\\@8.8.8.8/hooks"
        status, error = delivery.post(url, {}, "{}", 2)
        assert status is None and error.startswith("refused") and receiver.seen == 0 and receiver.hosts == []
        with pytest.raises(clients.ClientError):
            clients.check_webhook_url(url)


def test_a_local_name_is_refused_at_delivery_without_the_operators_allowance(app, monkeypatch):
    import socket
    with Receiver() as receiver:
        token, receiver.secret = make_client(app, webhook=f"http://hooks.example.test:{receiver.port}/hooks")
        monkeypatch.setattr(socket, "getaddrinfo", RebindingResolver("hooks.example.test", "127.0.0.1"))
        monkeypatch.setenv("ONTRACK_WEBHOOK_ALLOW_PRIVATE", "")
        app.config["WEBHOOK_ALLOW_PRIVATE"] = ""
        _order_through(app, token)
        assert receiver.seen == 0
        status, error = _last_delivery(app)
        assert status == "pending" and error.startswith("refused: an internal address") and "127.0.0.1" in error


def _tls_for(tmp_path, name):
    """A test CA (written to ca.pem) and a server context whose certificate is for DNS name `name`."""
    import ssl
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ONTrack test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    return context


def test_https_to_the_checked_address_sends_the_host_name_as_sni_and_checks_the_certificate_for_it(app, monkeypatch, tmp_path):
    import socket
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    monkeypatch.setattr(socket, "getaddrinfo", RebindingResolver("hooks.example.test", "127.0.0.1"))
    with Receiver(tls=_tls_for(tmp_path, "hooks.example.test")) as receiver:
        token, receiver.secret = make_client(app, webhook=f"https://hooks.example.test:{receiver.port}/hooks")
        order = _order_through(app, token)
        assert receiver.types_for(order["id"]) == ["order.created"] and receiver.rejected_signatures == 0
        assert receiver.server_names == ["hooks.example.test"]
        assert receiver.hosts == [f"hooks.example.test:{receiver.port}"]


def test_https_refuses_a_certificate_for_another_name_at_the_checked_address(app, monkeypatch, tmp_path):
    import socket
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    monkeypatch.setattr(socket, "getaddrinfo", RebindingResolver("hooks.example.test", "127.0.0.1"))
    with Receiver(tls=_tls_for(tmp_path, "other.example.test")) as receiver:
        token, receiver.secret = make_client(app, webhook=f"https://hooks.example.test:{receiver.port}/hooks")
        _order_through(app, token)
        assert receiver.seen == 0
        status, error = _last_delivery(app)
        assert status == "pending" and "SSLError" in error and "hooks.example.test" in error, error
