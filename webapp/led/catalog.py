"""The device catalog: each model's LEDs left to right, their colours and what each state means.

Positions are worked out from the groups: LEDs in a group are evenly spaced, and a gap of
GROUP_GAP spacings separates groups. `x` runs from 0 (the first LED) to 1 (the last), which
is how the capture guide places them between its two end marks.
"""
import functools
import json
import pathlib
import re

GROUP_GAP = 1.8
MAX_CUSTOM_LEDS = 16
# A light's name as its panel prints it, or as the technician says it: Latin letters, digits, ". - / +", or Chinese
# characters (the power light is the 电源灯, domain reference H1; review r58 found Chinese names refused with a message
# that did not say why). Only 电源 has a role among the Chinese names (catalog.json "labels").
LABEL = re.compile(r"^[A-Za-z0-9.\-/+ \u4e00-\u9fff]{1,12}$")
STATES = ("off", "on", "blinking")
COLORS = ("green", "red", "orange", "blue", "white")


@functools.cache
def load():
    return json.loads((pathlib.Path(__file__).with_name("catalog.json")).read_text("utf-8"))


def _positions(groups):
    steps, x = [], 0.0
    for g, group in enumerate(groups):
        for i, _label in enumerate(group):
            if g or i:
                x += GROUP_GAP if i == 0 else 1.0
            steps.append(x)
    span = steps[-1] or 1.0
    return [round(s / span, 4) for s in steps]


def _led(data, label, x, model):
    role = data["labels"].get(label.upper().replace(" ", ""))
    spec = data["roles"].get(role, {})
    meanings = {**spec.get("meanings", {}), **(model.get("overrides", {}).get(label, {}))}
    colors = model.get("colors", {}).get(label) or spec.get("colors") or list(COLORS[:3])
    return {"label": label, "role": role, "x": x, "colors": list(colors), "meanings": meanings,
            "tree": spec.get("tree"), "source": spec.get("source")}


@functools.cache
def _models():
    data = load()
    result = {}
    for model in data["models"]:
        labels = [label for group in model["groups"] for label in group]
        if len(labels) == 1:
            xs = [0.5]
        else:
            xs = _positions(model["groups"])
        result[model["id"]] = {
            "id": model["id"], "vendor": model["vendor"], "name": model["name"], "kind": model["kind"],
            "verified": bool(model.get("verified")), "source": model.get("source", ""),
            "leds": [_led(data, label, x, model) for label, x in zip(labels, xs)],
        }
    return result


def models():
    """Every catalog model, in catalog order."""
    return list(_models().values())


def model(model_id):
    """One catalog model, or None."""
    return _models().get(model_id)


class LabelError(ValueError):
    """The technician's list of LED names cannot be used."""


def parse_labels(text):
    """LED names typed left to right ("POWER,PON,LOS,LAN1") → a list; LabelError when unusable (none, more than
    MAX_CUSTOM_LEDS, a name LABEL refuses, or one name twice, in any case)."""
    if not isinstance(text, str):
        raise LabelError("names")
    labels = [part.strip() for part in re.split(r"[,，、;\s]+", text) if part.strip()]
    if not labels:
        raise LabelError("empty")
    if len(labels) > MAX_CUSTOM_LEDS:
        raise LabelError("many")
    if any(not LABEL.match(label) for label in labels):
        raise LabelError("name")
    if len({label.upper() for label in labels}) != len(labels):  # "X,X,X": one name for two lights mixes their words
        raise LabelError("duplicate")
    return labels


def custom(labels, kind="ont"):
    """A model for a panel that is not in the catalog: the technician named its LEDs left to right.

    Their positions are unknown (`x` is None): the reader finds the LEDs along the guide. Any
    colour may be lit, since nothing is known about the panel. A light whose name has a role keeps
    that role's colours as `usual_colors` (LOS and ALARM red, POWER, PON and LAN green: the roles'
    sources): not a limit on what it may show, only a sign of which end of the row comes first
    (reader._colour_direction: a green light where the row puts LOS says the photo is upside down).
    """
    leds = []
    for label in labels:
        led = _led(load(), label, None, {})
        leds.append({**led, "colors": list(COLORS), "usual_colors": led["colors"] if led["role"] else None})
    return {"id": "custom", "vendor": "", "name": "", "kind": kind, "verified": False, "source": "technician",
            "leds": leds}


def label_trees():
    """Which fault-finding question each known LED name answers (power, pon, los, wan, lan), for named panels."""
    data = load()
    return {label: data["roles"][role].get("tree") for label, role in data["labels"].items()}
