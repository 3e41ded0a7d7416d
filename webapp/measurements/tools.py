"""The tool checklist at the start of a visit (domain reference §9.6 item 33; seed 000_41ab61d21fea1cf7.txt).

The list is data (tools.json), carried to the phone as reference data, so the checklist works
offline. A check records each item as carried or not: a missing tool is recorded, not refused
(the technician may still go; the desk sees what was missing). Plain Python, no Flask.
"""
import functools
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def N_(message):
    """Mark a message for translation without translating it here."""
    return message


@functools.lru_cache(maxsize=1)
def load():
    """The checklist: {source, items: [{id, zh, en, used_at}]}."""
    return json.loads((HERE / "tools.json").read_text(encoding="utf-8"))


def item_ids():
    return [item["id"] for item in load()["items"]]


def check_ticked(carried):
    """Return (carried ids in the list's order, missing ids) for the ids a phone sent as carried.

    Raises ValueError(message) when the answer is not a list of the checklist's own ids (each once).
    """
    wanted = item_ids()
    if not isinstance(carried, list) or not all(isinstance(i, str) for i in carried):
        raise ValueError(N_("The tool checklist must list the tools you carry."))
    if len(set(carried)) != len(carried) or not set(carried) <= set(wanted):
        raise ValueError(N_("The tool checklist names a tool that is not on the list."))
    return [i for i in wanted if i in carried], [i for i in wanted if i not in carried]


def words(ids, lang):
    """The tools' names in the person's language ("zh" or "en"), in the list's order."""
    names = {item["id"]: item[lang] for item in load()["items"]}
    return [names.get(i, i) for i in ids]
