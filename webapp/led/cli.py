"""Read an ONT's or router's LEDs from the command line, for scripts and support staff.

    flask --app wsgi led analyze PHOTO … --model ID      (with the app's other commands)
    python -m webapp.led.cli PHOTO … --model ID          (the same command alone: it needs no app)

Its words are English, like every other command of webapp/cli.py (support staff's terminals).
"""
import json
import sys

import click
from flask.cli import AppGroup

from . import catalog, reader

led_cli = AppGroup("led", help="Read LED panels from photos; list the device catalog.")


def _fail(message, as_json=False, code="usage"):
    """Say what was wrong with the input and exit with status 2: on stderr, and with --json also on stdout as
    {"error": {"code", "message"}} (a script reading the JSON answer gets one on bad input too)."""
    click.echo(f"error: {message}", err=True)
    if as_json:
        click.echo(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False, indent=2))
    sys.exit(2)


def analyze_files(paths, model):
    """Read photos (several are one burst, in time order) → the command's JSON answer."""
    if len(paths) > reader.MAX_FRAMES:
        raise reader.PhotoError("frames", f"A burst has at most {reader.MAX_FRAMES} frames.")
    images = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read(reader.MAX_BYTES + 1)
        except OSError as exc:
            raise reader.PhotoError("file", f"cannot read {path}: {exc.strerror}") from None
        try:
            images.append(reader.open_photo(data))
        except reader.PhotoError as exc:
            raise reader.PhotoError(exc.code, f"{path}: {exc}") from None
    result = reader.read(images, model)
    return {
        "model": model["id"],
        "quality": {"ok": result["quality"]["ok"],
                    "problems": [{"code": code, "message": reader.RETAKE[code]} for code in result["quality"]["problems"]],
                    **({"advice": [{"code": code, "message": reader.ADVICE.get(code) or reader.RETAKE[code]}
                                   for code in result["quality"]["advice"]]} if result["quality"].get("advice") else {})},
        "leds": [{key: led[key] for key in ("label", "state", "color", "confidence", "lean") if key in led} for led in result["leds"]],
    }


@led_cli.command("analyze", with_appcontext=False)  # reads files only: no database, no app
@click.argument("photos", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--model", "model_id", default=None, help="A catalog model id (`flask --app wsgi led models` lists them).")
@click.option("--leds", "labels", default=None, help='For a model not in the catalog: its LEDs left to right, "POWER,PON,LOS,LAN1".')
@click.option("--json", "as_json", is_flag=True, help="Print the reading as JSON.")
def analyze_command(photos, model_id, labels, as_json):
    """Read the LEDs in PHOTO (several photos are one burst, in time order).

    Exit status: 0 read, 1 the photo must be retaken (the problems say why), 2 bad input.
    """
    if (model_id is None) == (labels is None):
        _fail("give either --model MODEL_ID or --leds \"POWER,PON,LOS,LAN1\"", as_json)
    if model_id is not None:
        model = catalog.model(model_id)
        if model is None:
            _fail(f"no model {model_id!r} in the catalog; `flask --app wsgi led models` lists them", as_json, "model")
    else:
        try:
            model = catalog.custom(catalog.parse_labels(labels))
        except catalog.LabelError:
            _fail(f"--leds takes 1 to {catalog.MAX_CUSTOM_LEDS} names separated by commas, each up to 12 letters, "
                  "digits or . - / +", as_json, "leds")
    try:
        result = analyze_files(photos, model)
    except reader.PhotoError as exc:
        _fail(str(exc), as_json, exc.code)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for problem in result["quality"]["problems"]:
            click.echo(f"retake: {problem['message']}")
        for advice in result["quality"].get("advice", []):
            click.echo(f"hardly read: {advice['message']}")
        for led in result["leds"]:
            click.echo(f"{led['label']:>10}  {led['state']:<8} {_colour(led):<7} {_said(led)}")
    sys.exit(0 if result["quality"]["ok"] else 1)


def _colour(led):
    """A light's colour as printed: only where it is read lit ("on", "blinking"); an "unsure" light shows none, even
    when the reading leaned to a colour, as on the phone (offline/screens/led-check.js; review r19: panel_03's unlit
    ALARM printed "unsure   red")."""
    return (led["color"] or "") if led["state"] in ("on", "blinking") else ""


def _said(led):
    """How sure: "0.96" for an on/off/blinking light; for an "unsure" one, the state it leans to and how likely that
    is ("leans off 0.81"), never a bare number that would read as 81 % sure of "unsure" (review r5)."""
    if led["state"] != "unsure":
        return f"{led['confidence']:.2f}"
    return f"leans {led['lean']} {led['confidence']:.2f}" if led.get("lean") else "(no lean)"


@led_cli.command("models", with_appcontext=False)
def models_command():
    """List the device catalog (every layout is unverified until checked against a real panel)."""
    for model in catalog.models():
        mark = "verified" if model["verified"] else "unverified"
        click.echo(f"{model['id']:<24} {model['vendor']} {model['name']} ({mark}): "
                   + " ".join(led["label"] for led in model["leds"]))


if __name__ == "__main__":  # python -m webapp.led.cli PHOTO … --model ID
    analyze_command.main(prog_name="python -m webapp.led.cli")
