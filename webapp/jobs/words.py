"""The words of the offline technician app (offline/), from the one Flask-Babel catalogue.

Each sentence is written once, where the phone uses it: `t("English msgid")` in an offline/
module. `make messages` extracts those calls into the catalogue with `extract_offline` (named
in babel.cfg), the translators fill the Chinese, and the shell carries the msgids the modules
use, translated into the person's language, because the app runs from the phone's cache with
no server to ask.
"""
import functools
import json
import re

from flask_babel import gettext

from .. import ROOT

OFFLINE_DIR = ROOT / "offline"
# t("…") with a plain double-quoted string: the only form the phone's modules use for words.
T_CALL = re.compile(r'\bt\(\s*"((?:[^"\\\n]|\\.)*)"')


def msgids_in(source):
    """Yield (line number, msgid) for every t("…") call in JavaScript source text."""
    for match in T_CALL.finditer(source):
        yield source.count("\n", 0, match.start()) + 1, json.loads(f'"{match.group(1)}"')


def extract_offline(fileobj, keywords, comment_tags, options):
    """Babel extractor for offline/**.js: (lineno, funcname, message, comments) per t() call."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, msgid in msgids_in(source):
        yield lineno, "gettext", msgid, []


def _modules():
    return sorted(p for p in OFFLINE_DIR.rglob("*.js") if p.name != "sw.js")


@functools.lru_cache(maxsize=4)
def _msgids(stamp):
    ids = set()
    for path in _modules():
        ids.update(msgid for _, msgid in msgids_in(path.read_text(encoding="utf-8")))
    return tuple(sorted(ids))


def offline_msgids():
    """Every msgid the offline modules use (re-read when a module changes)."""
    return _msgids(tuple((str(p), p.stat().st_mtime_ns) for p in _modules()))


def offline_words():
    """{msgid: translation in the request's language} for the shell."""
    return {msgid: gettext(msgid) for msgid in offline_msgids()}
