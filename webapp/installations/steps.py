"""The installation visit's steps (issue 21 leftover, field fault): what a technician does on an installation
(装机) order, in place of the repair guides' wording.

Sources: domain reference §6.2 (seed 004_90cb35396d5b5103.txt) and §7.3 (seed 003_80ad9b14419477b7.txt); each
step names its own. The list is data (steps.json), carried to the phone as reference data
"installation_steps", so it shows offline. Plain Python, no Flask.
"""
import functools
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def load():
    """The steps: {source, title: {zh, en}, steps: [{id, source, title: {zh, en}, text: {zh, en}}]}."""
    return json.loads((HERE / "steps.json").read_text(encoding="utf-8"))
