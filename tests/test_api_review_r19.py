"""Review r19: hostile JSON bodies must be 400/422 problems, never 500 (issue 19: "no 500 for any input")."""
import pytest

from tests.test_api import crm, make_client  # noqa: F401  (fixtures)

DEEP = b"[" * 100_000 + b"]" * 100_000
BIG_INT = b'{"affected_users": 1' + b"0" * 5000 + b"}"


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/orders/batch"])
def test_deeply_nested_json_is_a_problem_not_a_500(crm, path):  # noqa: F811
    response = crm.post(path, data=DEEP, content_type="application/json")
    assert response.status_code in (400, 413, 422), response.status_code
    assert response.mimetype == "application/problem+json"


def test_an_integer_past_pythons_digit_limit_is_a_problem_not_a_500(crm):  # noqa: F811
    response = crm.post("/api/v1/orders", data=BIG_INT.replace(b"affected_users", b"external_id"),
                        content_type="application/json")
    assert response.status_code in (400, 422), response.status_code
    assert response.mimetype == "application/problem+json"
