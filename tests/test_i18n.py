"""Every user-facing string in the code and templates has a Simplified Chinese translation."""
import pathlib
import subprocess
import sys

from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATALOG = ROOT / "webapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_every_message_is_translated(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "N_", "-o", str(template), "."], cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as pot, CATALOG.open("rb") as po:
        wanted = {m.id for m in read_po(pot) if m.id}
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string}
    assert len(wanted) > 200
    assert sorted(wanted - translated) == []
