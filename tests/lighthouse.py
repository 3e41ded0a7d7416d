"""Run Lighthouse (npm package pinned in bench/lighthouse/, installed by `make test`) in Debian's Chromium.

Shared by tests/test_lighthouse_browser.py and bench/lighthouse.py. Settings, the same every run:
Lighthouse's own mobile preset (a Moto G Power-sized screen; simulated slow 4G: 150 ms RTT,
1.6 Mbit/s down; simulated throttling, "lantern": the page loads unthrottled and Lighthouse
computes the throttled timings from the trace), so the network part does not depend on this box.

The CPU part does: Lighthouse slows the measured main-thread work down 4×, a factor meant for
a fast desktop host, and on a box shared with other work Lighthouse's own benchmark index of
this host measured anywhere from 360 to 2,210 within minutes (a 4× slowdown of a host at 360 is
a phone four times slower than the one the preset stands for). So the CPU slowdown is calibrated
the way Chrome DevTools calibrates its CPU throttling, with Lighthouse's own figures: the
phone the mobile preset emulates (Moto G Power) has a benchmark index of about 264 (DevTools'
"low-tier mobile"), and the multiplier is host index ÷ 264, at most Lighthouse's default 4 (so
a host with an index of 1,056 or more gets exactly Lighthouse's default). The host's index is
the one Lighthouse reported for the run just before: one calibration run first, then RUNS runs,
of which the median by performance score is kept (Lighthouse's docs/variability.md: several
runs, the median).
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
DEFAULT_CPU_SLOWDOWN = 4  # Lighthouse's mobile preset
EMULATED_PHONE_BENCHMARK_INDEX = 264  # Moto G Power, Chrome DevTools' CPU calibration ("low-tier mobile")


def binary():
    """The pinned Lighthouse CLI; runs `npm ci` in bench/lighthouse when it is not there yet."""
    path = PROJECT / "node_modules" / ".bin" / "lighthouse"
    if not path.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROJECT, check=True)
    return path


def cpu_slowdown(benchmark_index):
    """The CPU multiplier that makes this host as fast as the emulated phone (at most Lighthouse's default)."""
    if not benchmark_index:
        return DEFAULT_CPU_SLOWDOWN
    return round(max(1.0, min(DEFAULT_CPU_SLOWDOWN, benchmark_index / EMULATED_PHONE_BENCHMARK_INDEX)), 2)


def audit(url, cookie, out, slowdown=DEFAULT_CPU_SLOWDOWN):
    """Run the mobile preset on `url` with the session cookie and CPU `slowdown`; return the JSON report (a dict)."""
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run([str(binary()), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile", "--throttling-method=simulate",
                    f"--throttling.cpuSlowdownMultiplier={slowdown}",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                   check=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300, capture_output=True)
    return json.loads(pathlib.Path(out).read_text())


def median_run(url, cookie, folder, name, runs=RUNS):
    """Calibrate, audit `url` `runs` times; return the median run's summary by performance score, with every run's."""
    index = audit(url, cookie, pathlib.Path(folder) / f"{name}-calibration.json")["environment"].get("benchmarkIndex")
    results = []
    for n in range(runs):
        slowdown = cpu_slowdown(index)
        report = audit(url, cookie, pathlib.Path(folder) / f"{name}-{n}.json", slowdown)
        results.append({**summary(report), "cpu_slowdown": slowdown, "calibrated_on": index})
        index = report["environment"].get("benchmarkIndex")
    ordered = sorted(results, key=lambda result: result["performance"])
    return {**ordered[len(ordered) // 2], "runs": [(r["performance"], r["cpu_slowdown"]) for r in results]}


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
