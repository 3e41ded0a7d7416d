"""The phone and the server say the same lights are "lit" (one photo's lit light, steady or flashing unknown).

The rule is written twice because the phone works offline: offline/led.js confirmedLeds tells the fault tree "lit",
webapp/led/checks.py photo_lit tells the order page and the history. Both are run here on the same checks: readings of
one photo and of bursts, unsure lights leaning either way, taps saved with the photo, and confirmations that took the
photo's word or that the technician tapped ("tapped": true; review r52: a photo's lit light could not be confirmed
steady on)."""
import json
import pathlib
import random
import shutil
import subprocess

import pytest

from webapp.led import checks

ROOT = pathlib.Path(__file__).resolve().parents[1]
READ = [{"state": "on"}, {"state": "off"}, {"state": "blinking"}, {"state": "unsure", "lean": "on"},
        {"state": "unsure", "lean": "off"}, {"state": "unsure"}]
TAPS = [None, {"state": "on"}, {"state": "off"}, {"state": "blinking"}, {"state": "unsure"}]
SAID = [{"state": "on"}, {"state": "on", "tapped": True}, {"state": "blinking"}, {"state": "blinking", "tapped": True},
        {"state": "off"}]


def cases(count=400, seed=52):
    rng = random.Random(seed)
    for _ in range(count):
        n = rng.randint(1, 4)
        known = rng.choice([True, False, None])
        reading = {"leds": [dict(rng.choice(READ), label=f"L{i}") for i in range(n)]}
        if known is not None:
            reading["steady_known"] = known
        taps = None if rng.random() < 0.5 else [dict(rng.choice(TAPS) or {"state": "unsure"}, label=f"L{i}")
                                                   for i in range(n)]
        states = [dict(rng.choice(SAID), label=f"L{i}", color=None) for i in range(n)]
        yield {"reading": reading, "capture": rng.choice(["photo", "burst"]), "frames": rng.choice([1, 10]),
               "tapped": taps}, states


@pytest.mark.skipif(shutil.which("node") is None, reason="node is installed by make install")
def test_the_phone_and_the_server_call_the_same_lights_lit():
    found = list(cases())
    script = ("global.window = global; require(process.argv[1]); const L = window.ONTrackLed;"
              "const all = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(all.map(([check, states]) =>"
              " L.confirmedLeds(Object.assign({}, check, {confirmed: states}), null).map((l) => l.state === 'lit'))));")
    phone = json.loads(subprocess.run([shutil.which("node"), "-e", script, str(ROOT / "offline" / "led.js")],
                                      input=json.dumps(found), capture_output=True, text=True, timeout=60,
                                      check=True).stdout)
    server = [checks.photo_lit(check, states) for check, states in found]
    assert sum(map(any, server)) > 20  # the cases hold lit lights to tell apart, not only "no"
    differ = [(case, p, s) for case, p, s in zip(found, phone, server) if p != s]
    assert not differ, differ[:3]


def test_a_photo_lit_light_confirmed_tapped_on_is_steady():
    check = {"reading": {"steady_known": False, "leds": [{"label": "PON", "state": "on"}]}, "capture": "photo",
             "frames": 1, "tapped": None}
    assert checks.photo_lit(check, [{"label": "PON", "state": "on", "color": "green"}]) == [True]
    assert checks.photo_lit(check, [{"label": "PON", "state": "on", "color": "green", "tapped": True}]) == [False]
    # the same check as the database row holds it (JSON text)
    row = dict(check, reading=json.dumps(check["reading"]), tapped=None)
    assert checks.photo_lit(row, [{"label": "PON", "state": "on", "color": "green", "tapped": True}]) == [False]


def test_a_row_with_empty_text_reads_as_nothing_stored():
    """A led_checks row's reading or taps held as empty text (not NULL) is nothing stored, not a JSON error: the
    capture decides whether it was one photo."""
    row = {"reading": "", "capture": "photo", "frames": 1, "tapped": ""}
    assert checks.single_photo(row) is True
    assert checks.single_photo(dict(row, capture="burst", frames=10)) is False
    assert checks.photo_lit(row, [{"label": "PON", "state": "on", "color": "green"}]) == []  # no reading, nothing lit
