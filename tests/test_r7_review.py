"""r7 review findings on the LED check's confirmation workflow (issue 18), as tests.

Each test says what was expected; each failed on main (945f9be) and passes on h19-ledserver."""
import json
import pathlib
import subprocess
import sys
import uuid

import numpy as np
import pytest
from PIL import Image

from tests.conftest import Phone
from tests.test_led import upload
from tests.test_led_confirmations import LABELS, confirm, confirmations, every_light_off
from tests.test_led_read_attempts import MODEL, photo, push_check
from tests.test_sync import order_id  # noqa: F401  (fixture)
from tests.test_uploads import Uploader

ROOT = pathlib.Path(__file__).resolve().parents[1]


def check_args(order_id, sha, **more):  # noqa: F811
    return {"order_id": order_id, "check_id": str(uuid.uuid4()), "capture": "photo", "sha256": sha, "frames": 1, **more}


def test_two_checks_synced_in_one_push_keep_the_order_they_were_taken_in(login, order_id, db):  # noqa: F811
    """checks.for_order sorts by (created_at, id): created_at is the push's receipt time, the same for a whole batch, and
    the id is the phone's random UUID. Offline the technician photographs the panel with no power (all off), fixes it,
    photographs it again (all on), confirms both; the phone then syncs once. The phone's fault tree takes the newest
    check (offline/screens/led-check.js ledSuggestion: the last of led_checks), so after the sync it may offer the stale
    "all off" (no power). Expected: the order they were taken in (the device time, or the order the phone sent them)."""
    phone = Phone(login("techa"))
    sha = upload(phone.session, photo())
    before, after = "ffffffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000"  # ids sort the other way
    lit = [{"label": label, "state": "on", "color": "green"} for label in LABELS]
    batch = [phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": before,
                                                "tapped": every_light_off()}),
             phone.mutation("order.led_check", {**check_args(order_id, sha, model_id=MODEL), "check_id": after,
                                                "tapped": lit})]
    assert [r["status"] for r in phone.push(batch).json["results"]] == ["applied", "applied"]
    pulled = next(c["data"] for c in phone.pull(None)["changes"] if c["table"] == "orders" and c["id"] == order_id)
    assert [c["id"] for c in pulled["led_checks"]] == [before, after]
