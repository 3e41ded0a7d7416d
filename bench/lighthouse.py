"""Lighthouse (mobile) on the technician's and the dispatcher's landing pages, served as `make run` serves them.

Starts the Procfile's web server and job worker on a fresh demo city, logs in as tech1 and as
dispatch1, and runs Lighthouse 12 (bench/lighthouse/, `npm ci` there) in Debian's Chromium with
the session cookie. Prints each page's performance score and bytes transferred, against the
targets: performance at least 0.98; the technician's landing page at most 150 KB.

    .venv/bin/python bench/lighthouse.py        (make lighthouse)
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stack import Browser, Stack  # noqa: E402

HERE = ROOT / "bench" / "lighthouse"
TARGET_SCORE = 0.98
TARGET_TECH_BYTES = 150 * 1024
PAGES = (("technician", "tech1", "/jobs/"), ("dispatcher", "dispatch1", "/dispatch/"))


def lighthouse_binary():
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return binary


def cookie_header(browser):
    return "; ".join(f"{c.name}={c.value}" for c in browser.jar)


def audit(binary, url, cookie, out):
    """Run Lighthouse's mobile preset (simulated slow 4G, 4× CPU slowdown) on one page; return its JSON report."""
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={out}", "--only-categories=performance",
                    "--form-factor=mobile", f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                   check=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300)
    return json.loads(pathlib.Path(out).read_text())


def summary(report):
    audits = report["audits"]
    transferred = sum(item.get("transferSize", 0) for item in audits["network-requests"]["details"]["items"])
    return {"score": report["categories"]["performance"]["score"], "transferred_bytes": transferred,
            "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
            "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
            "requests": len(audits["network-requests"]["details"]["items"])}


def main():
    binary = lighthouse_binary()
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-lighthouse-"))
    stack = Stack(folder)
    stack.prepare()
    stack.start()
    results, ok = {}, True
    try:
        for name, username, path in PAGES:
            browser = Browser(stack.url).login(username, "ontrack-demo")
            results[name] = summary(audit(binary, stack.url + path, cookie_header(browser), folder / f"{name}.json"))
    finally:
        stack.stop()
    for name, result in results.items():
        checks = [result["score"] >= TARGET_SCORE]
        if name == "technician":
            checks.append(result["transferred_bytes"] <= TARGET_TECH_BYTES)
        ok = ok and all(checks)
        print(f"{name:10} performance {result['score']:.2f} (target ≥ {TARGET_SCORE}), {result['transferred_bytes'] / 1024:.0f} KB"
              f" in {result['requests']} requests{' (target ≤ 150 KB)' if name == 'technician' else ''};"
              f" FCP {result['fcp_ms']} ms, LCP {result['lcp_ms']} ms, TBT {result['tbt_ms']} ms, CLS {result['cls']}"
              f"  {'ok' if all(checks) else 'MISSED'}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
