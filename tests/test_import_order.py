"""Review rv1: every package of the app imports on its own, whatever is imported first.

webapp.signoff.routes imported a helper from webapp.sync.mutations while webapp.sync.mutations imports webapp.signoff:
`import webapp.sync` (first) failed with "partially initialized module", and tests/test_images.py, test_led.py,
test_sync_properties.py and test_wifi_guidance.py could not be collected when run alone.
"""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.name for p in (ROOT / "webapp").iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_first(package):
    done = subprocess.run([sys.executable, "-c", f"import webapp.{package}"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-600:]
