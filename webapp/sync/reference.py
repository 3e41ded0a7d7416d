"""Reference data every technician needs on the phone offline, kept in the database so pull can send changes.

Each item is stored with a digest of its content; an item whose content changed gets a new
row version, which the change log (a trigger) hands to every phone on its next pull.
"""
import hashlib
import json
import pathlib

from .. import images
from ..db import one
from ..orders.lifecycle import ACTIONS, CLOSURE_FIELDS, TECHNICIAN
from ..enterprise import test_report as enterprise_test_report
from ..installations import steps as installation_steps
from ..playbooks import engine as playbook_engine

HERE = pathlib.Path(__file__).resolve().parent


def technician_lifecycle():
    """The part of the state machine a technician drives, so the phone offers the right buttons offline."""
    return {
        "actions": [
            {"name": a.name, "sources": sorted(a.sources), "target": a.target, "required": list(a.required)}
            for a in ACTIONS.values() if a.roles & TECHNICIAN
        ],
        "closure_fields": list(CLOSURE_FIELDS),
    }


def wifi_reference():
    """What the phone needs to score typed-in Wi-Fi networks offline, exactly as the server does."""
    from ..wifi import channels, guidance
    return {"regdomains": channels._regdomains(), "messages": guidance.messages(), "blocks_5": channels.BLOCKS_5,
            "partial": guidance.PARTIAL, "floor_dbm": guidance.FLOOR_DBM, "bias_24": guidance.BIAS_24,
            "dfs_penalty": guidance.DFS_PENALTY, "good_signal_dbm": guidance.GOOD_SIGNAL_DBM,
            "off_band_named": guidance.OFF_BAND_NAMED}


def led_reference():
    """The device catalog and the capture guide, so a technician can check LEDs offline."""
    from ..led import catalog, checks, reader
    return {"version": catalog.load()["version"], "models": catalog.models(), "colors": list(catalog.COLORS),
            "label_trees": catalog.label_trees(),
            "guide": {"left": reader.GUIDE_LEFT, "right": reader.GUIDE_RIGHT, "band": 0.2},
            "min_burst_frames": checks.MIN_BURST_FRAMES, "max_frames": reader.MAX_FRAMES}


def photo_reference():
    """The most pixels a photo may hold, a JPEG's apart (decoded at half size, review r59), so the phone says "too many
    pixels" of a picture it cannot open offline only when the server would say so too; and the fewest on its short side
    (MIN_PHOTO_SIDE) and the most against the other (MAX_ASPECT), so the phone refuses a thumbnail or a thin strip
    before it is queued, as the server would."""
    return {"max_pixels": images.MAX_PIXELS, "max_jpeg_pixels": images.MAX_JPEG_PIXELS,
            "min_side": images.MIN_PHOTO_SIDE, "max_aspect": images.MAX_ASPECT}


def items():
    """Return {id: data} of everything that goes into the briefcase besides orders."""
    return {
        "lifecycle": technician_lifecycle(),
        "thresholds": json.loads((HERE / "thresholds.json").read_text(encoding="utf-8")),
        # the current trees, and the older versions so a run started or recorded under one replays on the phone
        "playbooks": {**playbook_engine.load(), "archive": playbook_engine.archive()},
        "wifi": wifi_reference(),
        "leds": led_reference(),
        "test_templates": enterprise_test_report.load(),  # the enterprise end-to-end test report (issue 21 item 13)
        "tools": tool_reference(),
        "installation_steps": installation_steps.load(),  # an installation's visit steps (§6.2, §7.3)
        "photos": photo_reference(),
    }


def tool_reference():
    """The tool checklist of a visit's start (§9.6 item 33), so it is ticked offline."""
    from ..measurements import captures, tools
    return {**tools.load(), "capture_types": captures.CAPTURE_TYPES, "max_capture_bytes": captures.MAX_CAPTURE_BYTES}


def publish(db):
    """Store changed reference items (inside the caller's transaction); return the ids written."""
    written = []
    for item_id, data in items().items():
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        row = one(db, "SELECT digest FROM reference_data WHERE id = ?", [item_id])
        if row is None:
            db.conn.execute("INSERT INTO reference_data (id, digest, data) VALUES (?, ?, ?)", [item_id, digest, text])
        elif row["digest"] != digest:
            db.conn.execute("UPDATE reference_data SET digest = ?, data = ? WHERE id = ?", [digest, text, item_id])
        else:
            continue
        written.append(item_id)
    return written
