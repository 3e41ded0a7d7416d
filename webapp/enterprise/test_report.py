"""The end-to-end test report of an enterprise line: its template of indicators and each value checked, plain Python.

Domain reference §7.4 "Test and completion" and §9.2 item 17 (seed 001_0f71c2c57f075d23.txt): each circuit type
has a test-report template; every specified indicator is filled in and within standard; the tester signs, and the
end-to-end report is also signed by the customer or the account manager. The templates are data
(test_templates.json, one per `orders.enterprise_service`, "default" for the rest), read here and by the phone
(offline/screens/test-report.js), which judges each value by the same rules while the technician types.

A value out of standard does not block the signature; it needs the tester's remark saying why (the decision of
issue 21 item 13: refusing the signature would push a technician to type a passing number; the report keeps what
was measured, marked out of standard, and the seed's completion rule — 电路测试完成符合指标后 — is for the desk
to apply).
"""
import functools
import json
import math
import pathlib

from ..textclean import half_width

HERE = pathlib.Path(__file__).resolve().parent
MAX_REMARK = 500
YES_NO = ("yes", "no")


class IndicatorError(ValueError):
    """A value that cannot be read; `problem` is "missing", "not_a_number", "not_whole", "out_of_range", "not_yes_no" or "unknown"."""

    def __init__(self, problem, indicator):
        super().__init__(f"{problem}: {indicator.get('id') if isinstance(indicator, dict) else indicator}")
        self.problem, self.indicator = problem, indicator


@functools.lru_cache(maxsize=1)
def load():
    """The templates, parsed once: {version, about, templates: {service: {title, indicators}}}."""
    return json.loads((HERE / "test_templates.json").read_text(encoding="utf-8"))


def template_for(service):
    """(key, template) for an enterprise service: its own template, else "default"."""
    templates = load()["templates"]
    key = service if service in templates else "default"
    return key, templates[key]


def passes(indicator, value):
    """Say whether `value` (a number, or "yes"/"no") is within the indicator's standard; None when it has none.

    Bounds: min/max inclusive ("-8~-28" includes both ends), lt/gt strict ("小于50ms": 50 fails), equals exact.
    """
    standard = indicator.get("standard")
    if not standard:
        return None
    if "equals" in standard:
        return value == standard["equals"]
    return (("min" not in standard or value >= standard["min"]) and ("max" not in standard or value <= standard["max"])
            and ("lt" not in standard or value < standard["lt"]) and ("gt" not in standard or value > standard["gt"]))


def read_value(indicator, raw):
    """The value typed for an indicator as a number (kind "number") or "yes"/"no"; raise IndicatorError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise IndicatorError("missing", indicator)
    if indicator["kind"] == "yes_no":
        if raw not in YES_NO:
            raise IndicatorError("not_yes_no", indicator)
        return raw
    if isinstance(raw, bool):
        raise IndicatorError("not_a_number", indicator)
    if isinstance(raw, str):
        try:
            # the shared reader: full-width digits and minus ("－18.5"), dashes, as the guides read them
            raw = float(half_width(raw).strip().replace(",", "."))
        except ValueError:
            raise IndicatorError("not_a_number", indicator) from None
    if not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise IndicatorError("not_a_number", indicator)
    if indicator.get("whole") and not float(raw).is_integer():
        raise IndicatorError("not_whole", indicator)   # a count (bit errors) has no fraction
    low, high = indicator["range"]
    if not low <= raw <= high:
        raise IndicatorError("out_of_range", indicator)
    return int(raw) if float(raw).is_integer() else float(raw)


def number_text(value):
    """A number as the phone writes it (JavaScript's String(): "-28", "-29.5", "1000000")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def standard_text(indicator, lang="zh"):
    """The standard in a few characters: "-28 ~ -8 dBm", "< 50 ms", "≤ 0", "是"; "" when the seeds give none."""
    standard = indicator.get("standard")
    if not standard:
        return ""
    unit = f" {indicator['unit']}" if indicator.get("unit") else ""
    if "equals" in standard:
        return {"zh": {"yes": "是", "no": "否"}, "en": {"yes": "yes", "no": "no"}}[lang][standard["equals"]]
    if "min" in standard and "max" in standard:
        return f"{number_text(standard['min'])} ~ {number_text(standard['max'])}{unit}"
    for key, sign in (("lt", "<"), ("gt", ">"), ("max", "≤"), ("min", "≥")):
        if key in standard:
            return f"{sign} {number_text(standard[key])}{unit}"
    return ""


def value_text(indicator, value, lang="zh"):
    if indicator["kind"] == "yes_no":
        return {"zh": {"yes": "是", "no": "否"}, "en": {"yes": "yes", "no": "no"}}[lang][value]
    return f"{number_text(value)} {indicator.get('unit', '')}".strip()


def check(service, values, lang="zh"):
    """Judge the values typed for a line's template; return the report's indicator rows and whether all pass.

    `values` is {indicator id: raw value}; every indicator of the template must be there (seed 001: 各类指标需填写)
    and nothing else. Returns (template key, rows, within_standard) with rows
    [{id, name, value, standard, passed (True/False/None)}] in the template's order; raises IndicatorError.
    """
    key, template = template_for(service)
    if not isinstance(values, dict):
        raise IndicatorError("missing", template["indicators"][0])
    known = {indicator["id"] for indicator in template["indicators"]}
    unknown = sorted(set(values) - known)
    if unknown:
        raise IndicatorError("unknown", str(unknown[0])[:60])
    rows = []
    for indicator in template["indicators"]:
        value = read_value(indicator, values.get(indicator["id"]))
        rows.append({"id": indicator["id"], "name": indicator["label"][lang], "value": value_text(indicator, value, lang),
                     "standard": standard_text(indicator, lang), "passed": passes(indicator, value)})
    return key, rows, all(row["passed"] is not False for row in rows)
