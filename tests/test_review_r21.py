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


def test_the_test_report_reads_full_width_minus_and_digits_and_bit_errors_are_whole():
    from webapp.enterprise import test_report
    _key, template = test_report.template_for("internet_access")
    power = next(i for i in template["indicators"] if i["kind"] == "number" and i["range"][0] < 0)
    assert test_report.read_value(power, "－18.5") == -18.5
    assert test_report.read_value(power, "－１８．５") == -18.5
    bit_errors = {"id": "bit_errors", "kind": "number", "whole": True, "range": [0, 10]}
    templates = test_report.load()["templates"]
    assert any(i.get("whole") for t in templates.values() for i in t["indicators"] if i["id"] == "bit_errors")
    assert test_report.read_value(bit_errors, "3") == 3
    with pytest.raises(test_report.IndicatorError) as bad:
        test_report.read_value(bit_errors, "2.5")
    assert bad.value.problem == "not_whole"


def test_a_blank_ip_says_fill_it_in():
    problems = rules.check_row({"domain": "www.qq.com", "ip": " ", "resource_attribute": "in_province_idc"})
    assert [(name, message) for name, message, _p in problems] == [("ip", "Fill in the IP address the domain resolved to.")]
