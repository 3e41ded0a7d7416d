"""Production without ONTRACK_PROXY_COUNT says so at start (review r1): behind the shipped Caddyfile every
phone would otherwise share the proxy's address in the login throttle and the logs."""
import logging

from webapp.config import check_production_safety

SAFE = {"ENV_NAME": "production", "SECRET_KEY": "k" * 20 + "0123456789abcdefXYZ", "PUBLIC_URL": "https://ontrack.example.cn"}


def test_production_with_no_proxy_counted_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="ontrack"):
        check_production_safety({**SAFE, "PROXY_COUNT": 0})
    assert any("ONTRACK_PROXY_COUNT is 0 in production" in r.getMessage() for r in caplog.records)


def test_production_behind_one_proxy_is_quiet(caplog):
    with caplog.at_level(logging.WARNING, logger="ontrack"):
        check_production_safety({**SAFE, "PROXY_COUNT": 1})
        check_production_safety({"ENV_NAME": "development", "PROXY_COUNT": 0})
    assert not caplog.records
