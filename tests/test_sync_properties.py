"""Property: whatever JSON a phone (or anyone) sends the sync API, the answer is 2xx, or 4xx with a message; never 5xx.

Hypothesis builds bodies from nothing-like-a-push to pushes whose every mutation name is real
and whose args are arbitrary JSON, with the values the issue found breaking things mixed in
(NaN as text, huge integers, control characters, deep nesting).
"""
import json
import uuid

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import Phone
from webapp.sync.mutations import MUTATORS

NASTY_TEXT = st.sampled_from(["NaN", "Infinity", "-Infinity", "\u202e", "\x00", "\x1b[2J", "", " " * 3, "字" * 70,
                              "abcdefgh-1234", "0" * 64, "f" * 64])
NASTY_NUMBER = st.sampled_from([0, -1, 1, 2 ** 62, 2 ** 63, 10 ** 30, -(10 ** 30), 1e308, -0.0, 0.5, True, False])
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=40), NASTY_TEXT, NASTY_NUMBER)
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
                    max_leaves=25)
FIELD_NAMES = st.sampled_from(["order_id", "to", "fields", "reason", "note_id", "text", "photo_id", "sha256", "caption",
                               "kind", "run_id", "playbook", "version", "steps", "outcome", "note", "survey_id", "source",
                               "networks", "own_ssid", "country", "signoff_id", "signer_name", "survey", "signature_sha256",
                               "report", "report_hash", "check_id", "model_id", "labels", "capture", "frames", "seconds",
                               "tapped", "confirm_id", "states", "remarks", "tester_signature_sha256", "test_indicators",
                               "test_remark", "loop_test_id", "loop_point", "result", "tested_at", "participant_id", "role",
                               "name", "phone"])


NETWORK = st.fixed_dictionaries({"ssid": st.one_of(st.text(max_size=40), NASTY_TEXT), "channel": st.one_of(NASTY_NUMBER, NASTY_TEXT,
                                  st.sampled_from([1, 6, 11, 36, 149])), "signal_dbm": st.one_of(NASTY_NUMBER, NASTY_TEXT,
                                  st.integers(-100, 0))}, optional={"security": st.one_of(NASTY_TEXT, st.text(max_size=20)),
                                                                    "width_mhz": NASTY_NUMBER})


@st.composite
def mutation(draw, seq):
    args = draw(st.dictionaries(FIELD_NAMES, JSON, max_size=8))
    if draw(st.booleans()):
        args["order_id"] = draw(st.sampled_from([1, 2, 3, 10 ** 30, "1", None]))
    if draw(st.integers(0, 3)) == 0:
        args.update(source="typed", survey_id=str(uuid.uuid4()), networks=draw(st.lists(NETWORK, min_size=1, max_size=3)))
    ids = st.sampled_from(["mutation-0001", "mutation-0002"])  # the same id again and again, as a broken phone sends it
    return {"seq": seq, "mutation_id": draw(st.one_of(ids, st.just(str(uuid.uuid4())), NASTY_TEXT, SCALAR)),
            "name": draw(st.one_of(st.sampled_from(sorted(MUTATORS) + ["sync.too_large"]), st.text(max_size=20))),
            "args": args if draw(st.integers(0, 9)) else draw(JSON),
            "base_version": draw(st.one_of(st.none(), st.integers(), NASTY_NUMBER)),
            "occurred_at": draw(st.one_of(st.none(), st.text(max_size=30), st.just("2026-11-22T10:00:00+08:00")))}


@st.composite
def push_body(draw):
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(JSON)
    if draw(st.integers(0, 3)):
        seqs = list(range(1, draw(st.integers(1, 6)) + 1))  # a new device's first batch: every change is applied
    else:
        seqs = draw(st.lists(st.integers(1, 12), max_size=6))
    mutations = [draw(mutation(seq)) for seq in seqs]
    device = st.builds(lambda: f"device-{uuid.uuid4()}")
    body = {"client_id": draw(st.one_of(device, device, st.just("property-phone-1"), NASTY_TEXT, SCALAR)), "mutations": mutations}
    if shape == 1:
        body["mutations"] = draw(JSON)
    return body


def strict(data):
    def refuse(name):
        raise AssertionError(f"{name} sent")
    return json.loads(data, parse_constant=refuse)


def test_any_json_body_gets_2xx_or_a_4xx_with_a_message_never_a_5xx(app, login, user_ids):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    desk = login("disp")
    for _ in range(2):
        desk.post("/orders/new", {"order_type": "repair", "access_type": "ftth", "symptom": "no_service", "priority": "normal",
                                  "customer_name": "赵先生", "contact_phone": "13900000001", "district": "东城区",
                                  "technician_id": str(user_ids["techa"])})
    phone = Phone(login("techa"))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(push_body())
    def check(body):
        response = phone.session.client.post("/api/sync/push", data=json.dumps(body), content_type="application/json",
                                             headers={"X-CSRFToken": phone.session.token})
        assert response.status_code < 500, (body, response.data[:500])
        answer = strict(response.data)
        if response.status_code >= 400:
            assert isinstance(answer.get("error"), str) and answer["error"], answer
        else:
            assert isinstance(answer["last_seq"], int) and isinstance(answer["results"], list)
        for other in ("/api/uploads", "/api/signoff-links"):  # the other JSON endpoints a phone calls
            answer = phone.session.client.post(other, data=json.dumps(body), content_type="application/json",
                                               headers={"X-CSRFToken": phone.session.token})
            assert answer.status_code < 500 and (answer.status_code < 400 or strict(answer.data)["error"]), (other, body)
        pulled = phone.session.get(f"/api/sync/pull?client_id={phone.client_id}")
        assert pulled.status_code == 200
        strict(pulled.data)

    check()
