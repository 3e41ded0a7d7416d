"""Run Lighthouse (npm package pinned in bench/lighthouse/, installed by `make test`) in Debian's Chromium.

Shared by tests/test_lighthouse_browser.py and bench/lighthouse.py. Settings, the same every
run: Lighthouse's own mobile preset (a Moto G Power-sized screen, simulated slow 4G: 150 ms
RTT, 1.6 Mbit/s down; 4× CPU slowdown), simulated throttling ("lantern": the page loads
unthrottled and Lighthouse computes the throttled timings from the trace), so the score does
not depend on how fast this box's network is, only partly on how busy its CPU is. On a box
shared with other work the CPU part still wanders (Lighthouse's benchmark index of this host
measured 1,220–2,210 within minutes), so each page is audited RUNS times and the median run
by performance score is kept, as Lighthouse's own guidance on variability recommends
(docs/variability.md: several runs, the median).
"""
import json
import os
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROJECT = ROOT / "bench" / "lighthouse"
CATEGORIES = ("performance", "accessibility")
RUNS = 3


def binary():
    """The pinned Lighthouse CLI; runs `npm ci` in bench/lighthouse when it is not there yet."""
    path = PROJECT / "node_modules" / ".bin" / "lighthouse"
    if not path.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROJECT, check=True)
    return path


def audit(url, cookie, out):
    """Run the mobile preset on `url` with the session cookie; return the JSON report (a dict)."""
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run([str(binary()), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile", "--throttling-method=simulate",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                   check=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300, capture_output=True)
    return json.loads(pathlib.Path(out).read_text())


def median_run(url, cookie, folder, name, runs=RUNS):
    """Audit `url` `runs` times; return the summary of the median run by performance score, with every score."""
    results = [summary(audit(url, cookie, pathlib.Path(folder) / f"{name}-{n}.json")) for n in range(runs)]
    ordered = sorted(results, key=lambda result: result["performance"])
    return {**ordered[len(ordered) // 2], "runs": [result["performance"] for result in results]}


def summary(report):
    """{performance, accessibility, transferred_bytes, requests, fcp_ms, lcp_ms, tbt_ms, cls, failing}."""
    audits = report["audits"]
    items = audits["network-requests"]["details"]["items"]
    failing = {}
    for ref in report["categories"]["accessibility"]["auditRefs"]:
        result = audits[ref["id"]]
        if ref["weight"] and result["score"] is not None and result["score"] < 1:
            nodes = (result.get("details") or {}).get("items") or []
            failing[ref["id"]] = [(item.get("node") or {}).get("snippet", "") for item in nodes][:5]
    return {"performance": report["categories"]["performance"]["score"],
            "accessibility": report["categories"]["accessibility"]["score"],
            "transferred_bytes": sum(item.get("transferSize", 0) for item in items), "requests": len(items),
            "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
            "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3), "failing": failing,
            "benchmark_index": report["environment"].get("benchmarkIndex")}
