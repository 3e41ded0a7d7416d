"""Walk the fault-finding trees: what follows an answer, whether a recorded run could have happened.

The trees are data (playbooks.json), read here and by the phone's runner (offline/runner.js),
which walks them by the same rules; tests/test_playbooks.py checks both agree on every path.
Every older version stays in archive/<version>.json, so a run recorded under it still replays
against the tree it followed.

Since 2026.11-4 (issue 21 item 6, domain reference §9.1 items 2–6) a step may carry what was
recorded with it: how an optical power was measured and at which wavelength (`power_method`,
`wavelength_nm`; seed 000 L45: ONT page or PON power meter at 1490 nm, the only wavelength the
seed's −8…−28 dBm bands are for), the FTTB port-test method (`port_test_method`, 000 B3), and on
a choice node with a `reading` the number that decides the answer: the splitter-port power in dBm
(H5.3, H5.3b; "normal" = within −8…−28 dBm) or the speed test's measured and subscribed rates in
Mbps (S2.1a.speed, S2.1b.speed; met when measured ≥ subscribed, seed 004 L225–227 网速达标).

Messages are English msgids marked with `N_`; the sync mutation translates them for the technician.
"""
import functools
import json
import math
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ARCHIVE = HERE / "archive"
LED_STATES = ("off", "on", "blinking")
MAX_STEPS = 60
DETAIL_KEYS = ("power_method", "wavelength_nm", "port_test_method", "subscribed_mbps")


def N_(message):
    """Mark a message for translation without translating it here."""
    return message


class InvalidRun(Exception):
    """A run that could not have happened on this playbook; the message says why (English, for logs)."""

    def __init__(self, message, **params):
        super().__init__(message % self.in_language(params, "en") if params else message)
        self.message, self.params = message, params

    @staticmethod
    def in_language(params, lang):
        """The params with words given in both languages ({"zh", "en"}) in `lang`."""
        return {k: v.get(lang, v.get("en")) if isinstance(v, dict) else v for k, v in params.items()}


@functools.lru_cache(maxsize=1)
def load():
    """The playbooks, parsed once."""
    return json.loads((HERE / "playbooks.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def archive():
    """Older versions of the playbooks, kept for replay: {version: playbooks}."""
    trees = {}
    for path in sorted(ARCHIVE.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        trees[data["version"]] = data
    return trees


def tree(version):
    """The playbooks of `version` (the current one or an archived one), or None if unknown."""
    current = load()
    if version == current["version"]:
        return current
    return archive().get(version) if isinstance(version, str) else None


def playbook(data, playbook_id):
    return next((p for p in data["playbooks"] if p["id"] == playbook_id), None)


def band_of(node, value):
    """The band a measured value falls in."""
    for band in node["bands"]:
        if "gt" in band and not value > band["gt"]:
            continue
        if "ge" in band and not value >= band["ge"]:
            continue
        if "lt" in band and not value < band["lt"]:
            continue
        if "le" in band and not value <= band["le"]:
            continue
        return band
    raise InvalidRun(N_("No band of %(node)s holds %(value)s."), node=node["id"], value=value)


def _number(value):
    """A measured number as JSON carries it: finite, not a boolean; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value


def _measured(node_id, spec, value):
    """Check a typed reading against what the instrument can show (spec: unit, min, max)."""
    if _number(value) is None:
        raise InvalidRun(N_("%(node)s needs a measured number."), node=node_id)
    if not spec["min"] <= value <= spec["max"]:
        raise InvalidRun(N_("%(value)s %(unit)s is not a possible reading at %(node)s (%(min)s to %(max)s)."),
                         value=value, unit=spec["unit"], node=node_id, min=spec["min"], max=spec["max"])
    return value


def check_details(data, node_id, node, step):
    """Check what a step recorded beside its answer (issue 21 item 6): how and at which wavelength an
    optical power was measured, the port-test method. Raise InvalidRun when one is missing or wrong.

    Only nodes that name `details` ask for them (trees before 2026.11-4 have none). The wavelength
    must be the one the seed's bands are for (1490 nm, 000 L45); the ONT page reads that signal.
    """
    for name in node.get("details", []):
        spec = data["details"][name]
        value = step.get(name)
        if name == "wavelength_nm":
            if isinstance(value, bool) or value not in spec["options"]:
                raise InvalidRun(N_("Say at which wavelength the power was measured (%(options)s nm)."),
                                 options="/".join(str(o) for o in spec["options"]))
            if value != spec["judged"]:
                raise InvalidRun(N_("The guide's bands (−8 to −28 dBm) are for %(judged)s nm only; a reading at %(value)s nm"
                                    " cannot be judged: set the power meter to %(judged)s nm and measure again."),
                                 judged=spec["judged"], value=value)
        elif not isinstance(value, str) or value not in spec["options"]:
            raise InvalidRun(N_("Say how this was done at %(node)s: %(what)s (%(options)s)."), node=node_id,
                             what={lang: spec["label"][lang] for lang in ("zh", "en")},
                             options={lang: " / ".join(o[lang] for o in spec["options"].values()) for lang in ("zh", "en")})


def reading_answer(node_id, reading, step):
    """The answer a choice node's `reading` gives (splitter-port dBm bands, or a speed test); raise InvalidRun.

    Speed test (domain reference §2.10, §4.5; seed 004 L225–227): met (网速达标) when the measured rate
    is at least `met_at_ratio` × the subscribed rate (1.0: the seeds give no tolerance).
    """
    value = _measured(node_id, reading, step.get("value"))
    if "bands" in reading:
        return band_of({**reading, "id": node_id}, value)["answer"]
    subscribed = step.get("subscribed_mbps")
    if _number(subscribed) is None or not reading["subscribed"]["min"] <= subscribed <= reading["subscribed"]["max"]:
        raise InvalidRun(N_("%(node)s needs the subscribed rate in Mbps (%(min)s to %(max)s)."), node=node_id,
                         min=reading["subscribed"]["min"], max=reading["subscribed"]["max"])
    return reading["met"] if value >= subscribed * reading["met_at_ratio"] else reading["not_met"]


def follow(data, node_id, step, access_type=None):
    """Return (branch, band) for one step's answer at `node_id`; raise InvalidRun if impossible.

    A node with "answers_from": "access_type" asks the customer's access type; when the order's
    `access_type` is one of its answers, only that answer is possible (issue 16: the access type,
    not the technician's pick, decides which checks follow). A choice node with a `reading` takes
    its answer from the number measured; the step's answer must be that one.
    """
    node = data["nodes"].get(node_id)
    if node is None:
        raise InvalidRun(N_("Unknown step %(node)s."), node=node_id)
    node = {**node, "id": node_id}
    answer = step.get("answer")
    if node["kind"] == "measure":
        value = _measured(node_id, node, step.get("value"))
        band = band_of(node, value)
        if answer not in (None, band["code"]):
            raise InvalidRun(N_("%(value)s %(unit)s is “%(band)s”, not “%(answer)s”."), value=value, unit=node["unit"],
                             band=band["code"], answer=answer)
        check_details(data, node_id, node, step)
        return band, band
    if node["kind"] == "checklist":
        ticked = step.get("checked")
        wanted = [item["id"] for item in node["items"]]
        if not isinstance(ticked, list) or sorted(ticked) != sorted(wanted):
            raise InvalidRun(N_("Every item of %(node)s must be ticked."), node=node_id)
    if "reading" in node:
        judged = reading_answer(node_id, node["reading"], step)
        if answer != judged:
            raise InvalidRun(N_("The reading at %(node)s means “%(judged)s”, not “%(answer)s”."), node=node_id,
                             judged=judged, answer=answer)
    branch = node["answers"].get(answer) if isinstance(answer, str) else None
    if branch is None:
        raise InvalidRun(N_("“%(answer)s” is not an answer to %(node)s."), answer=answer, node=node_id)
    if node.get("answers_from") == "access_type" and access_type in node["answers"] and answer != access_type:
        raise InvalidRun(N_("The order's access type is %(access)s, not %(answer)s (%(node)s)."), access=access_type,
                         answer=answer, node=node_id)
    check_details(data, node_id, node, step)
    return branch, None


def check_run(data, playbook_id, steps, access_type=None):
    """Replay a recorded run; return the outcome id it must end at, or raise InvalidRun.

    `access_type` is the order's ("ftth", "fttb", "enterprise" or None for any).
    """
    book = playbook(data, playbook_id)
    if book is None:
        raise InvalidRun(N_("Unknown playbook %(id)s."), id=playbook_id)
    if not isinstance(steps, list) or not steps or len(steps) > MAX_STEPS:
        raise InvalidRun(N_("A run has between 1 and %(n)d steps."), n=MAX_STEPS)
    expected = book["start"]
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise InvalidRun(N_("Step %(n)d is not readable."), n=index + 1)
        if step.get("node") != expected:
            raise InvalidRun(N_("Step %(n)d should be %(expected)s, not %(node)s."), n=index + 1, expected=expected,
                             node=step.get("node"))
        branch, _band = follow(data, expected, step, access_type)
        if "end" in branch:
            if index != len(steps) - 1:
                raise InvalidRun(N_("The run goes on after its conclusion at %(node)s."), node=expected)
            return branch["end"]
        expected = branch["next"]
    raise InvalidRun(N_("The run stops at %(node)s without a conclusion."), node=expected)


def position(data, playbook_id, steps, access_type=None):
    """Where a partial run stands, as the phone's runner says (runner.js `position`):
    {"node": id} to ask next, or {"outcome": id}; raise InvalidRun on an impossible step."""
    node_id = playbook(data, playbook_id)["start"]
    for step in steps:
        branch, _band = follow(data, node_id, step, access_type)
        if "end" in branch:
            return {"outcome": branch["end"]}
        node_id = branch["next"]
    return {"node": node_id}


def sample_values(node):
    """One plausible value inside each band of a measure node (for walking every path)."""
    values = []
    for band in node["bands"]:
        low = band.get("ge", band.get("gt", node["min"]))
        high = band.get("le", band.get("lt", node["max"]))
        values.append(round((max(low, node["min"]) + min(high, node["max"])) / 2, 1))
    return values


def sample_details(data, node):
    """Plausible details for a node that asks for them (power meter at the judged wavelength, first method)."""
    details = {}
    for name in node.get("details", []):
        spec = data["details"][name]
        details[name] = spec["judged"] if name == "wavelength_nm" else (
            "power_meter" if name == "power_method" else next(iter(spec["options"])))
    return details


def sample_readings(node_id, node):
    """One step per answer of a choice node with a reading, with a value that gives that answer."""
    reading = node["reading"]
    if "bands" in reading:
        steps = {}
        for band, value in zip(reading["bands"], sample_values({**reading, "id": node_id})):
            steps.setdefault(band["answer"], {"node": node_id, "answer": band["answer"], "value": value})
        return list(steps.values())
    return [{"node": node_id, "answer": reading["met"], "value": 100, "subscribed_mbps": 100},
            {"node": node_id, "answer": reading["not_met"], "value": 35.5, "subscribed_mbps": 100}]


def all_paths(data, playbook_id):
    """Every path through a playbook: [(steps, outcome)], each step as a run records it."""
    results = []

    def walk(node_id, steps, seen):
        if node_id in seen:
            raise InvalidRun(N_("The playbook loops at %(node)s."), node=node_id)
        node = data["nodes"][node_id]
        if node["kind"] == "measure":
            options = [{"node": node_id, "value": v} for v in sample_values(node)]
        elif node["kind"] == "checklist":
            options = [{"node": node_id, "answer": a, "checked": [i["id"] for i in node["items"]]} for a in node["answers"]]
        elif "reading" in node:
            options = sample_readings(node_id, node)
        else:
            options = [{"node": node_id, "answer": a} for a in node["answers"]]
        for step in options:
            step = {**step, **sample_details(data, node)}
            branch, band = follow(data, node_id, step)
            if band is not None:
                step = {**step, "answer": band["code"]}
            if "end" in branch:
                results.append((steps + [step], branch["end"]))
            else:
                walk(branch["next"], steps + [step], seen | {node_id})

    walk(playbook(data, playbook_id)["start"], [], frozenset())
    return results


def number_words(value):
    """A reading as the phone writes it (JavaScript's String(n)): 100, -29.5, 35.25."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def detail_words(data, node, step, lang):
    """What was recorded beside an answer, in words: ["PON 光功率计", "1490 nm"] (nothing for older runs)."""
    words = []
    for name in node.get("details", []):
        value = step.get(name)
        if value is None:
            continue
        options = data["details"][name]["options"]
        words.append(f"{value} nm" if name == "wavelength_nm" else options.get(value, {}).get(lang, str(value)))
    return words


def answer_words(data, node_id, step, lang):
    """(answer in words, the number it rests on or None) for one recorded step."""
    node = data["nodes"][node_id]
    if node["kind"] == "measure":
        band = band_of({**node, "id": node_id}, step["value"])
        parts = [f"{number_words(step['value'])} {node['unit']}", band["label"][lang]]
    elif node["kind"] == "led":
        return LED_WORDS[lang][step["answer"]], None
    else:
        parts = [node["answers"][step["answer"]].get("label", {}).get(lang, step["answer"])]
        reading = node.get("reading")
        if reading and step.get("value") is not None:
            if "bands" in reading:
                band = band_of({**reading, "id": node_id}, step["value"])
                parts += [f"{number_words(step['value'])} {reading['unit']}", band["label"][lang]]
            else:
                parts.append(reading["shown"][lang].format(measured=number_words(step["value"]),
                                                           subscribed=number_words(step["subscribed_mbps"])))
    return " · ".join(parts + detail_words(data, node, step, lang)), step.get("value")


def describe(data, steps, lang="zh"):
    """The path as readable lines: question, answer, measured value with its band and how it was measured.

    `data` must be the tree the run followed (`tree(run["playbook_version"])`). `value` is set on a
    line that rests on a number (a measure node, a splitter-port power, a speed test).
    """
    lines = []
    for step in steps:
        node = data["nodes"][step["node"]]
        answer, value = answer_words(data, step["node"], step, lang)
        unit = node.get("unit") or node.get("reading", {}).get("unit")
        lines.append({"node": step["node"], "question": node["ask"][lang], "answer": answer, "value": value, "unit": unit})
    return lines


LED_WORDS = {"zh": {"off": "灭", "on": "常亮", "blinking": "闪烁"}, "en": {"off": "off", "on": "steady on", "blinking": "flashing"}}
