"""Walk the fault-finding trees: what follows an answer, whether a recorded run could have happened.

The trees are data (playbooks.json), read here and by the phone's runner (offline/runner.js),
which walks them by the same rules; tests/test_playbooks.py checks both agree on every path.
Every older version stays in archive/<version>.json, so a run recorded under it still replays
against the tree it followed.
"""
import functools
import json
import math
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ARCHIVE = HERE / "archive"
LED_STATES = ("off", "on", "blinking")
MAX_STEPS = 60


class InvalidRun(Exception):
    """A run that could not have happened on this playbook; the message says why (English, for logs)."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


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
    raise InvalidRun("No band of %(node)s holds %(value)s.", node=node["id"], value=value)


def follow(data, node_id, step, access_type=None):
    """Return (branch, band) for one step's answer at `node_id`; raise InvalidRun if impossible.

    A node with "answers_from": "access_type" asks the customer's access type; when the order's
    `access_type` is one of its answers, only that answer is possible (issue 16: the access type,
    not the technician's pick, decides which checks follow).
    """
    node = data["nodes"].get(node_id)
    if node is None:
        raise InvalidRun("Unknown step %(node)s.", node=node_id)
    node = {**node, "id": node_id}
    answer = step.get("answer")
    if node["kind"] == "measure":
        value = step.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidRun("%(node)s needs a measured number.", node=node_id)
        if not node["min"] <= value <= node["max"]:
            raise InvalidRun("%(value)s %(unit)s is not a possible reading at %(node)s (%(min)s to %(max)s).",
                             value=value, unit=node["unit"], node=node_id, min=node["min"], max=node["max"])
        band = band_of(node, value)
        if answer not in (None, band["code"]):
            raise InvalidRun("%(value)s %(unit)s is “%(band)s”, not “%(answer)s”.", value=value, unit=node["unit"],
                             band=band["code"], answer=answer)
        return band, band
    if node["kind"] == "checklist":
        ticked = step.get("checked")
        wanted = [item["id"] for item in node["items"]]
        if not isinstance(ticked, list) or sorted(ticked) != sorted(wanted):
            raise InvalidRun("Every item of %(node)s must be ticked.", node=node_id)
    branch = node["answers"].get(answer) if isinstance(answer, str) else None
    if branch is None:
        raise InvalidRun("“%(answer)s” is not an answer to %(node)s.", answer=answer, node=node_id)
    if node.get("answers_from") == "access_type" and access_type in node["answers"] and answer != access_type:
        raise InvalidRun("The order's access type is %(access)s, not %(answer)s (%(node)s).", access=access_type,
                         answer=answer, node=node_id)
    return branch, None


def check_run(data, playbook_id, steps, access_type=None):
    """Replay a recorded run; return the outcome id it must end at, or raise InvalidRun.

    `access_type` is the order's ("ftth", "fttb", "enterprise" or None for any).
    """
    book = playbook(data, playbook_id)
    if book is None:
        raise InvalidRun("Unknown playbook %(id)s.", id=playbook_id)
    if not isinstance(steps, list) or not steps or len(steps) > MAX_STEPS:
        raise InvalidRun("A run has between 1 and %(n)d steps.", n=MAX_STEPS)
    expected = book["start"]
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise InvalidRun("Step %(n)d is not readable.", n=index + 1)
        if step.get("node") != expected:
            raise InvalidRun("Step %(n)d should be %(expected)s, not %(node)s.", n=index + 1, expected=expected,
                             node=step.get("node"))
        branch, _band = follow(data, expected, step, access_type)
        if "end" in branch:
            if index != len(steps) - 1:
                raise InvalidRun("The run goes on after its conclusion at %(node)s.", node=expected)
            return branch["end"]
        expected = branch["next"]
    raise InvalidRun("The run stops at %(node)s without a conclusion.", node=expected)


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


def all_paths(data, playbook_id):
    """Every path through a playbook: [(steps, outcome)], each step as a run records it."""
    results = []

    def walk(node_id, steps, seen):
        if node_id in seen:
            raise InvalidRun("The playbook loops at %(node)s.", node=node_id)
        node = data["nodes"][node_id]
        if node["kind"] == "measure":
            options = [{"node": node_id, "value": v} for v in sample_values(node)]
        elif node["kind"] == "checklist":
            options = [{"node": node_id, "answer": a, "checked": [i["id"] for i in node["items"]]} for a in node["answers"]]
        else:
            options = [{"node": node_id, "answer": a} for a in node["answers"]]
        for step in options:
            branch, band = follow(data, node_id, step)
            if band is not None:
                step = {**step, "answer": band["code"]}
            if "end" in branch:
                results.append((steps + [step], branch["end"]))
            else:
                walk(branch["next"], steps + [step], seen | {node_id})

    walk(playbook(data, playbook_id)["start"], [], frozenset())
    return results


def describe(data, steps, lang="zh"):
    """The path as readable lines: question, answer, measured value with its band.

    `data` must be the tree the run followed (`tree(run["playbook_version"])`).
    """
    lines = []
    for step in steps:
        node = data["nodes"][step["node"]]
        question = node["ask"][lang]
        if node["kind"] == "measure":
            band = band_of({**node, "id": step["node"]}, step["value"])
            answer = f"{step['value']:g} {node['unit']} · {band['label'][lang]}"
        elif node["kind"] == "led":
            answer = LED_WORDS[lang][step["answer"]]
        else:
            answer = node["answers"][step["answer"]].get("label", {}).get(lang, step["answer"])
        lines.append({"node": step["node"], "question": question, "answer": answer,
                      "value": step.get("value"), "unit": node.get("unit")})
    return lines


LED_WORDS = {"zh": {"off": "灭", "on": "常亮", "blinking": "闪烁"}, "en": {"off": "off", "on": "steady on", "blinking": "flashing"}}
