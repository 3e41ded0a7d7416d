"""Notifications (issue 22 item 3): technicians' notices, Web Push against a local push-service stand-in,
the SMS gateway against a real local HTTP server, the desk's notices per order, the daily digest."""
import base64
import datetime
import functools
import http.server
import json
import os
import threading
import time

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from webapp.auth.users import load_user
from webapp.db import insert, transaction
from webapp.notify import digest, push, sms
from webapp.orders import store
from webapp.timeutil import to_text, utcnow, zone

SHANGHAI = zone("Asia/Shanghai")


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Recorder(http.server.BaseHTTPRequestHandler):
    """A stand-in for a push service or an SMS provider: records each POST, answers with the server's `status`."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        reply = json.dumps({"id": "msg-1"}).encode()
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.received, server.status = [], 201
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def new_order(db, user_ids, at):
    with transaction(db):
        return store.create_order(db, {"order_type": "repair", "access_type": "ftth", "symptom": "no_service",
                                       "customer_name": "王先生", "contact_phone": "13800000001", "district": "东城区"},
                                  user_ids["disp"], at, SHANGHAI)


def tech_notices(db, user_id):
    return [(n["kind"], n["detail"]) for n in db.query("SELECT * FROM notices WHERE user_id = ? AND role = 'technician'"
                                                        " AND kind IN ('assigned', 'reassigned', 'changed') ORDER BY id", [user_id])]


def test_technicians_hear_of_new_reassigned_and_changed_orders(db, user_ids, phone):
    now = utcnow()
    disp, boss = load_user(db, user_ids["disp"]), load_user(db, user_ids["boss"])
    order_id = new_order(db, user_ids, now)
    store.assign(db, order_id, disp, user_ids["techa"], now, SHANGHAI)
    assert tech_notices(db, user_ids["techa"]) == [("assigned", "dispatch")]
    store.assign(db, order_id, disp, user_ids["techb"], now, SHANGHAI)
    assert tech_notices(db, user_ids["techa"]) == [("assigned", "dispatch"), ("reassigned", "reassign")]
    assert tech_notices(db, user_ids["techb"]) == [("assigned", "reassign")]
    store.apply_action(db, order_id, "accept", load_user(db, user_ids["techb"]), {}, now, SHANGHAI)
    assert tech_notices(db, user_ids["techb"]) == [("assigned", "reassign")]  # not told of their own action
    store.apply_action(db, order_id, "suspend", boss, {"customer_consent": "客户同意", "approver_id": user_ids["boss"],
                                                       "reason": "客户出差"}, now, SHANGHAI)
    assert tech_notices(db, user_ids["techb"])[-1] == ("changed", "suspend")
    # the technician's notices reach the phone with the sync pull, with the desk's action (webapp/sla/notices.py)
    events = [(e["kinds"], e["details"]) for e in phone("techb").pull()["notices"] if e["order_id"] == order_id]
    assert events == [(["changed", "assigned"], ["suspend", "reassign"])]  # one minute: one line, the latest first


def test_technicians_hear_of_the_desks_corrections_and_of_an_order_sent_back_to_the_queue(db, user_ids):
    """Issue 21's desk actions reach the holder too: a corrected order is "changed", one sent back is taken off them."""
    now = utcnow()
    disp, boss = load_user(db, user_ids["disp"]), load_user(db, user_ids["boss"])
    order_id = new_order(db, user_ids, now)
    store.assign(db, order_id, disp, user_ids["techa"], now, SHANGHAI)
    assert store.edit_order(db, order_id, disp, {**store.get_order_row(db, order_id), "building": "7 栋"}, now) == ["building"]
    assert tech_notices(db, user_ids["techa"])[-1] == ("changed", "edit")
    store.apply_action(db, order_id, "return_to_queue", boss, {"reason": "不属于本网格", "reason_code": "wrong_area"},
                       now, SHANGHAI)
    assert tech_notices(db, user_ids["techa"])[-1] == ("reassigned", "return_to_queue")


def _browser_subscription(endpoint):
    """What a browser's PushManager gives: a P-256 key pair and a 16-byte auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    body = {"endpoint": endpoint, "keys": {"p256dh": push.b64url(public), "auth": push.b64url(auth)}}
    return key, auth, body


def _verify_vapid(header, endpoint_origin, public_key_b64):
    """Check the VAPID Authorization header (RFC 8292): an ES256 JWT for the push service, signed by our key."""
    assert header.startswith("vapid ")
    parts = dict(item.strip().split("=", 1) for item in header[len("vapid "):].split(","))
    assert parts["k"] == public_key_b64
    token_head, token_claims, signature = parts["t"].split(".")
    assert json.loads(b64d(token_head)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(b64d(token_claims))
    assert claims["aud"] == endpoint_origin and claims["exp"] > time.time() and claims["sub"].startswith("mailto:")
    raw = b64d(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(parts["k"]))
    public.verify(der, f"{token_head}.{token_claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged


def test_web_push_reaches_a_push_service_signed_and_encrypted(app, db, user_ids, login, stand_in):
    app.config["PUSH_ALLOW_INSECURE"] = True
    origin = f"http://127.0.0.1:{stand_in.server_address[1]}"
    key, auth, subscription = _browser_subscription(f"{origin}/push/abc123")
    tech = login("techa")
    assert tech.get("/api/push/key").json["public_key"] == app.config["VAPID_PUBLIC_KEY"]
    response = tech.client.post("/api/push/subscribe", json=subscription, headers={"X-CSRFToken": tech.token})
    assert response.status_code == 201, response.text
    order_id = new_order(db, user_ids, utcnow())
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], utcnow(), SHANGHAI)
    from webapp.background import tasks
    with app.app_context():
        tasks.push_notices()
    assert len(stand_in.received) == 1
    request = stand_in.received[0]
    assert request["path"] == "/push/abc123"
    assert request["headers"]["content-encoding"] == "aes128gcm" and int(request["headers"]["ttl"]) > 0
    _verify_vapid(request["headers"]["authorization"], origin, app.config["VAPID_PUBLIC_KEY"])
    message = json.loads(http_ece.decrypt(request["body"], private_key=key, auth_secret=auth, version="aes128gcm"))
    assert message["order_id"] == order_id and message["kind"] == "assigned"
    assert "WO-" in message["body"] and "13800000001" not in json.dumps(message, ensure_ascii=False)
    # each notice is pushed once
    with app.app_context():
        tasks.push_notices()
    assert len(stand_in.received) == 1
    assert db.execute_returning_dicts("SELECT pushed_at FROM notices WHERE user_id = ? AND kind = 'assigned'",
                                      [user_ids["techa"]])[0]["pushed_at"]


def test_a_subscription_the_push_service_says_is_gone_is_dropped(app, db, user_ids, stand_in):
    stand_in.status = 410
    origin = f"http://127.0.0.1:{stand_in.server_address[1]}"
    _, _, subscription = _browser_subscription(f"{origin}/push/gone")
    push.subscribe(db, user_ids["techa"], subscription, utcnow(), allow_insecure=True)
    order_id = new_order(db, user_ids, utcnow())
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids["techa"], utcnow(), SHANGHAI)
    with app.test_request_context("/"):
        from webapp.notify.routes import describe_for_push
        assert push.send_pending(db, app.config["VAPID_PRIVATE_KEY_FILE"], "mailto:a@example.cn", utcnow(),
                                 describe_for_push, allow_insecure=True) == (0, 1)
    assert db.execute_returning_dicts("SELECT COUNT(*) AS n FROM push_subscriptions")[0]["n"] == 0


def _stored_subscription(db, user_id, endpoint):
    """A subscription as stored earlier (when its name answered a public address); returns the browser's key."""
    key, auth, body = _browser_subscription(endpoint)
    with transaction(db):
        insert(db, "push_subscriptions", {"user_id": user_id, "endpoint": endpoint, "p256dh": body["keys"]["p256dh"],
                                          "auth": body["keys"]["auth"], "created_at": to_text(utcnow())})
    return key, auth


def _push_now(app, db, user_ids, user="techa"):
    from webapp.background import tasks
    order_id = new_order(db, user_ids, utcnow())
    store.assign(db, order_id, load_user(db, user_ids["disp"]), user_ids[user], utcnow(), SHANGHAI)
    with app.app_context():
        tasks.push_notices()
    return order_id


def test_a_push_endpoint_that_rebinds_to_loopback_after_the_check_is_not_sent_to(app, db, user_ids, stand_in, monkeypatch):
    """DNS rebinding: the endpoint's name answers a public address to the check, then 127.0.0.1. The
    push is sent to the checked address only (nothing listens there), never to the local server."""
    import socket
    from tests.test_webhooks import PUBLIC, RebindingResolver
    app.config["PUSH_ALLOW_PRIVATE"] = ""  # nothing internal allowed
    _stored_subscription(db, user_ids["techa"], f"http://push.example.test:{stand_in.server_address[1]}/push/x")
    resolver = RebindingResolver("push.example.test", PUBLIC, "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(push, "send_pending", functools.partial(push.send_pending, timeout=1))
    _push_now(app, db, user_ids)
    assert stand_in.received == []  # the second answer (127.0.0.1) was never used
    assert resolver.asked == 1  # resolved once, for the check
    assert db.execute_returning_dicts("SELECT last_error FROM push_subscriptions")[0]["last_error"]


def test_a_push_endpoint_named_in_an_allowed_network_is_sent_with_its_own_host_and_vapid_audience(app, db, user_ids,
                                                                                                  stand_in, monkeypatch):
    import socket
    from tests.test_webhooks import RebindingResolver
    app.config["PUSH_ALLOW_PRIVATE"] = "127.0.0.1/32"  # a push service inside the operator's network
    origin = f"http://push.example.test:{stand_in.server_address[1]}"
    key, auth = _stored_subscription(db, user_ids["techa"], f"{origin}/push/inside")
    resolver = RebindingResolver("push.example.test", "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    order_id = _push_now(app, db, user_ids)
    assert [r["path"] for r in stand_in.received] == ["/push/inside"] and resolver.asked == 1
    request = stand_in.received[0]
    assert request["headers"]["host"] == f"push.example.test:{stand_in.server_address[1]}"
    _verify_vapid(request["headers"]["authorization"], origin, app.config["VAPID_PUBLIC_KEY"])
    message = json.loads(http_ece.decrypt(request["body"], private_key=key, auth_secret=auth, version="aes128gcm"))
    assert message["order_id"] == order_id


@pytest.mark.parametrize("endpoint", ["https://127.0.0.1\\@8.8.8.8/push", "https://127.0.0.1:443\\@push.example.com/x",
                                      "https://push.example.com\\x/y", "https://push.example.com/a b"])
def test_a_push_endpoint_the_connecting_parser_reads_otherwise_is_refused_when_stored_and_when_sent(endpoint):
    """Review r4: urllib.parse sees host 8.8.8.8 in "https://127.0.0.1\\@8.8.8.8/push" (checked: public) where
    urllib3, which connects, stops at the backslash and reaches 127.0.0.1:443."""
    _, _, body = _browser_subscription(endpoint)
    with pytest.raises(push.BadSubscription):
        push.check_subscription(body)
    with pytest.raises(push.addresses.AddressRefused):
        push.pinned_session(endpoint)


def test_bad_subscriptions_are_refused(app, login):
    tech = login("techa")
    _, _, good = _browser_subscription("http://127.0.0.1:9/push/x")  # plain http is refused outside tests
    for body in (good, {"endpoint": "https://push.example.cn/x"}, {"endpoint": "https://push.example.cn/x",
                 "keys": {"p256dh": "AAAA", "auth": "AAAA"}}, "nonsense", {"endpoint": "ftp://x/y", "keys": good["keys"]}):
        response = tech.client.post("/api/push/subscribe", json=body, headers={"X-CSRFToken": tech.token})
        assert response.status_code == 422, body
        assert response.json["error"]
    assert tech.client.post("/api/push/subscribe", json=good).status_code == 400  # no CSRF token


def test_the_vapid_key_is_made_once_and_kept(app, tmp_path):
    first = app.config["VAPID_PUBLIC_KEY"]
    path = app.config["VAPID_PRIVATE_KEY_FILE"]
    assert os.stat(path).st_mode & 0o077 == 0  # readable by the server only
    push.ensure_vapid_keys(app)
    assert app.config["VAPID_PUBLIC_KEY"] == first and len(b64d(first)) == 65


def test_sms_http_adapter_posts_to_a_real_server(stand_in):
    url = f"http://127.0.0.1:{stand_in.server_address[1]}/sms/send"
    gateway = sms.gateway({"SMS_GATEWAY_URL": url, "SMS_GATEWAY_KEY": "k-123"})
    assert isinstance(gateway, sms.HttpGateway)
    assert gateway.send("138 0000 0001", "您的宽带已修复") == "msg-1"
    request = stand_in.received[0]
    assert request["path"] == "/sms/send" and request["headers"]["authorization"] == "Bearer k-123"
    assert json.loads(request["body"]) == {"to": "13800000001", "text": "您的宽带已修复"}
    stand_in.status = 500
    with pytest.raises(sms.SmsError, match="HTTP 500"):
        gateway.send("13800000001", "再试")
    with pytest.raises(sms.SmsError, match="phone"):
        gateway.send("not-a-phone", "x")
    with pytest.raises(sms.SmsError, match="did not answer"):
        sms.HttpGateway("http://127.0.0.1:9/none", "k", timeout=2).send("13800000001", "x")


def test_sms_defaults_to_the_log(caplog):
    gateway = sms.gateway({})
    assert isinstance(gateway, sms.LogGateway)
    with caplog.at_level("INFO", logger="ontrack.sms"):
        assert gateway.send("13800000001", "测试") is None
    assert "138****0001" in caplog.text and "13800000001" not in caplog.text


def _breach(db, order_id, policy, when, district="东城区"):
    insert(db, "notices", {"order_id": order_id, "policy_code": policy, "kind": "breach", "role": "dispatcher",
                           "created_at": to_text(when)})
    insert(db, "sla_breaches", {"order_id": order_id, "policy_code": policy, "due_at": to_text(when),
                                "breached_at": to_text(when), "district": district})


def test_the_desk_sees_notices_per_order_filters_and_marks_all_read(db, user_ids, login):
    now = utcnow()
    first, second = new_order(db, user_ids, now), new_order(db, user_ids, now)
    with transaction(db):
        _breach(db, first, "first_appointment", now)
        _breach(db, first, "complaint_same_day", now)
        _breach(db, second, "first_appointment", now)
        insert(db, "notices", {"order_id": second, "policy_code": "first_appointment", "kind": "warning",
                               "role": "dispatcher", "created_at": to_text(now)})
    disp = login("disp")
    page = disp.get("/notices").text
    assert page.count('class="card notice-group') == 2
    filtered = disp.get("/notices?kind=warning").text
    assert f'id="order-notices-{second}"' in filtered and f'id="order-notices-{first}"' not in filtered
    # mark all read with the "breach" filter: the warning stays unread
    assert disp.post("/notices/read-all", {"kind": "breach"}).status_code == 303
    unread = {(n["order_id"], n["kind"]) for n in db.query("SELECT * FROM notices WHERE role = 'dispatcher' AND read_at IS NULL")}
    assert unread == {(second, "warning")}
    assert disp.post("/notices/read-all", {"order_id": str(second)}).status_code == 303
    assert not list(db.query("SELECT * FROM notices WHERE role = 'dispatcher' AND read_at IS NULL"))
    # a technician's mark-all touches only their own
    assert login("techa").post("/notices/read-all", {}).status_code == 303


def test_the_daily_digest_counts_yesterdays_breaches_once(db, user_ids, login):
    now = datetime.datetime(2026, 11, 30, 0, 10, tzinfo=SHANGHAI)
    order_id = new_order(db, user_ids, now - datetime.timedelta(days=2))
    with transaction(db):
        _breach(db, order_id, "first_appointment", datetime.datetime(2026, 11, 29, 0, 0, tzinfo=SHANGHAI))
        _breach(db, order_id, "complaint_same_day", datetime.datetime(2026, 11, 29, 23, 59, tzinfo=SHANGHAI))
        _breach(db, order_id, "first_appointment", datetime.datetime(2026, 11, 30, 0, 1, tzinfo=SHANGHAI))
        _breach(db, order_id, "first_appointment", datetime.datetime(2026, 11, 28, 23, 59, tzinfo=SHANGHAI), "西城区")
    made = digest.make_daily(db, now, SHANGHAI)
    assert made["day"] == "2026-11-29" and made["total"] == 2
    assert made["by_policy"] == {"first_appointment": 1, "complaint_same_day": 1} and made["by_district"] == {"东城区": 2}
    assert digest.make_daily(db, now, SHANGHAI) is None
    page = login("boss").get("/notices").text
    assert 'id="digest"' in page and "2026-11-29" in page


def test_the_sms_command_uses_the_configured_gateway(app, stand_in, caplog):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "sms", "13800000001", "测试短信"])
    assert result.exit_code == 0 and "LogGateway" in result.output
    app.config.update(SMS_GATEWAY_URL=f"http://127.0.0.1:{stand_in.server_address[1]}/send", SMS_GATEWAY_KEY="k")
    result = runner.invoke(args=["notify", "sms", "13800000001", "测试短信"])
    assert result.exit_code == 0 and "msg-1" in result.output and len(stand_in.received) == 1
    result = runner.invoke(args=["notify", "sms", "abc", "测试短信"])
    assert result.exit_code != 0 and "phone" in result.output


def test_deactivation_drops_push_subscriptions(db, user_ids, login):
    _, _, subscription = _browser_subscription("https://push.example.cn/x")
    push.subscribe(db, user_ids["techa"], subscription, utcnow())
    assert login("boss").post(f"/admin/people/{user_ids['techa']}/active", {"active": "0"}).status_code == 303
    assert db.execute_returning_dicts("SELECT COUNT(*) AS n FROM push_subscriptions")[0]["n"] == 0


def test_the_daily_job_texts_the_digest_to_supervisors_once(app, db, user_ids, stand_in):
    app.config.update(SMS_GATEWAY_URL=f"http://127.0.0.1:{stand_in.server_address[1]}/send", SMS_GATEWAY_KEY="k")
    yesterday = datetime.datetime.now(SHANGHAI) - datetime.timedelta(days=1)
    order_id = new_order(db, user_ids, yesterday - datetime.timedelta(hours=1))
    with transaction(db):
        _breach(db, order_id, "first_appointment", yesterday.replace(hour=12, minute=0, second=0, microsecond=0))
    from webapp.background import tasks
    with app.app_context():
        tasks.daily_digest()
        tasks.daily_digest()
    texts = [json.loads(r["body"]) for r in stand_in.received]
    assert texts == [{"to": "13800000000", "text": texts[0]["text"]}]  # one supervisor (boss), once
    assert "超时 1 次" in texts[0]["text"] and "首次预约" in texts[0]["text"] and "WO-" not in texts[0]["text"]
