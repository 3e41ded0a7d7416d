"""Lighthouse (mobile) on the technician's and the dispatcher's landing pages, served as `make run` serves them.

Starts the Procfile's web server and job worker on a fresh demo city, logs in as tech1 and as
dispatch1, and runs Lighthouse 12 (bench/lighthouse/, `npm ci` there) in Debian's Chromium with
the session cookie, with the settings of tests/test_lighthouse_browser.py (tests/lighthouse.py:
mobile preset, simulated throttling, CPU slowdown calibrated on the host, median of three runs). Prints each page's scores, bytes
transferred and timings against the targets: performance at least 0.98, accessibility 1.00;
the technician's landing page at most 150 KB.

    .venv/bin/python bench/lighthouse.py        (make lighthouse)
"""
import json
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import lighthouse  # noqa: E402
from tests.stack import Browser, Stack  # noqa: E402

TARGET_SCORE = 0.98
TARGET_TECH_BYTES = 150 * 1024
PAGES = (("technician", "tech1", "/jobs/"), ("dispatcher", "dispatch1", "/dispatch/"))


def main():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-lighthouse-"))
    stack = Stack(folder)
    stack.prepare()
    stack.start()
    results, ok = {}, True
    try:
        for name, username, path in PAGES:
            browser = Browser(stack.url).login(username, "ontrack-demo")
            cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
            results[name] = lighthouse.median_run(stack.url + path, cookie, folder, name)
    finally:
        stack.stop()
    for name, result in results.items():
        checks = [result["performance"] >= TARGET_SCORE, result["accessibility"] == 1]
        if name == "technician":
            checks.append(result["transferred_bytes"] <= TARGET_TECH_BYTES)
        ok = ok and all(checks)
        print(f"{name:10} performance {result['performance']:.2f} (runs as (score, CPU slowdown): {result['runs']}; target ≥ {TARGET_SCORE}),"
              f" accessibility {result['accessibility']:.2f}, {result['transferred_bytes'] / 1024:.0f} KB"
              f" in {result['requests']} requests{' (target ≤ 150 KB)' if name == 'technician' else ''};"
              f" FCP {result['fcp_ms']} ms, LCP {result['lcp_ms']} ms, TBT {result['tbt_ms']} ms, CLS {result['cls']},"
              f" CPU slowdown {result['cpu_slowdown']}× (host benchmark index {result['calibrated_on']})"
              f"  {'ok' if all(checks) else 'MISSED'}")
        if result["failing"]:
            print(f"           failing accessibility audits: {result['failing']}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
