"""Review r21 (issue 21): failing tests for what the review found.

1. §6.4: scope "all" needs at least 5 domains + IPs, "most" at least 3. The same domain typed five times is one
   domain, not five: the row rule must count distinct domains.
2. §7.4 #8 loop-test log: a loop test dated decades before the order existed (1970) is accepted from the phone
   and shown on the desk as "01-01 00:00" with no year.
"""
import pytest

from webapp.complaints import rules
from tests.test_complaints import reply
from tests.test_enterprise_phone import line_id, loop_test, one_result  # noqa: F401 (fixture)


@pytest.mark.parametrize("scope, count", [("all", 5), ("most", 3)])
def test_repeated_domain_rows_do_not_make_up_the_count(scope, count):
    same = [{"domain": "www.qq.com", "ip": "120.232.1.1", "resource_attribute": "in_province_idc"}] * count
    problems = rules.check_slow_speed_reply(reply(scope=scope, rows=same))
    assert "rows" in {name for name, _m, _p in problems}


def test_a_loop_test_before_the_order_existed_is_refused(phone, line_id):  # noqa: F811
    result = one_result(phone("techa"), "order.add_loop_test", loop_test(line_id, tested_at="1970-01-01T00:00"))
    assert result["status"] == "rejected"
