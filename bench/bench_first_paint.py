"""The technician's landing page on its first load: how soon the job list paints, and what the first sync costs the main thread.

Issue 14 (Lighthouse performance at least 0.98 on /jobs/). Compares an older commit (`--baseline`,
by default where this branch left main: the list drawn only once the first sync was written to IndexedDB) with this
checkout, each served as `make run` serves it (tests/stack.py: gunicorn and the job worker on a
fresh demo city; the older commit from `git archive` into a temporary folder). Variants alternate
run by run, so the load of a shared box falls on both alike.

Per run and variant:
  probe      Chromium (Playwright) as Lighthouse's phone (412×823, en-US), CPU slowed 4× (CDP, Lighthouse's mobile
             factor), a new profile: opens /jobs/ logged in as tech1 and waits until the first
             sync's cursor is stored. From the page's own performance entries: LCP (ms after
             navigation) and its element, CLS, the longest main-thread task (Long Tasks API) and
             the blocking time (each task's part beyond 50 ms, summed) from navigation until the
             cursor is stored.
  lighthouse the settings of tests/test_lighthouse_browser.py (tests/lighthouse.py: mobile preset,
             simulated throttling, CPU slowdown calibrated on the host): score, LCP, TBT, CLS and
             the longest task of its "long-tasks" audit.
Prints each run, the medians and the load average before and after.

    .venv/bin/python bench/bench_first_paint.py [--baseline COMMIT] [--runs 3] [--no-lighthouse]
"""
import argparse
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests import lighthouse  # noqa: E402
from tests.stack import Browser, Stack  # noqa: E402
from webapp.demo import DEMO_PASSWORD  # noqa: E402

# Lighthouse's mobile preset screen (Moto G Power) in its language: the words of the status bar wrap as there.
LIGHTHOUSE_PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
                    "has_touch": True, "locale": "en-US"}
PROBE_CPU_SLOWDOWN = 4
LONG_TASK_MS = 50

# Installed before the page's own scripts: every LCP candidate, layout shift and long task, buffered.
OBSERVE = """
window.__firstPaint = {lcp: [], shifts: [], tasks: []};
const describe = (node) => node && node.nodeType === 1 ? node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
  (node.className ? '.' + String(node.className).split(' ').join('.') : '') : String(node && node.nodeName);
new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__firstPaint.lcp.push(
  {at: e.startTime, size: e.size, element: describe(e.element)}))).observe({type: 'largest-contentful-paint', buffered: true});
new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__firstPaint.shifts.push(
  {at: e.startTime, value: e.value, input: e.hadRecentInput, sources: (e.sources || []).map((s) => describe(s.node))})))
  .observe({type: 'layout-shift', buffered: true});
new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__firstPaint.tasks.push(
  {at: e.startTime, ms: e.duration}))).observe({type: 'longtask', buffered: true});
"""
CURSOR_STORED = """async () => {
  const boot = JSON.parse(document.getElementById('boot').textContent);
  if (!self.ONTrackStore) { return null; }
  const db = await self.ONTrackStore.open(boot.user.id);
  const cursor = await self.ONTrackStore.getMeta(db, 'cursor');
  db.close();
  return cursor == null ? null : performance.now();
}"""


def baseline_checkout(revision, folder):
    """`revision` of this repository unpacked into `folder`, translations compiled: a checkout Stack can run."""
    archive = folder / "baseline.tar"
    subprocess.run(["git", "archive", "--output", str(archive), revision], cwd=ROOT, check=True)
    root = folder / "baseline"
    root.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    subprocess.run([str(pathlib.Path(sys.executable).parent / "pybabel"), "compile", "-d", str(root / "webapp" / "translations")],
                   check=True, capture_output=True)
    return root


def probe(playwright, stack, shots=None):
    """{lcp_ms, lcp_element, cls, longest_task_ms, blocking_ms, stored_ms} of one first load of /jobs/ as tech1."""
    browser = Browser(stack.url).login("tech1", DEMO_PASSWORD)
    chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    try:
        context = chromium.new_context(timezone_id="Asia/Shanghai", **LIGHTHOUSE_PHONE)
        context.add_cookies([{"name": c.name, "value": c.value, "url": stack.url} for c in browser.jar])
        context.add_init_script(OBSERVE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PROBE_CPU_SLOWDOWN})
        page.goto(stack.url + "/jobs/")
        deadline = time.monotonic() + 60
        stored = None
        while stored is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the first sync was not stored within 60 s")
            page.wait_for_timeout(100)
            stored = page.evaluate(CURSOR_STORED)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        if shots:
            page.screenshot(path=str(shots), full_page=False)
        seen = page.evaluate("window.__firstPaint")
    finally:
        chromium.close()
    tasks = [t for t in seen["tasks"] if t["at"] <= stored]
    last = seen["lcp"][-1] if seen["lcp"] else {"at": None, "element": None}
    return {"lcp_ms": round(last["at"]) if last["at"] is not None else None, "lcp_element": last["element"],
            "cls": round(sum(s["value"] for s in seen["shifts"] if not s["input"]), 3),
            "shifted": sorted({src for s in seen["shifts"] for src in s["sources"]}),
            "longest_task_ms": round(max((t["ms"] for t in tasks), default=0)),
            "blocking_ms": round(sum(max(0, t["ms"] - LONG_TASK_MS) for t in tasks)), "stored_ms": round(stored)}


def lighthouse_run(stack, folder, name, n, index):
    """One Lighthouse run of /jobs/ (tests/lighthouse.py settings): its summary, the longest task, the next calibration index."""
    browser = Browser(stack.url).login("tech1", DEMO_PASSWORD)
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    slowdown = lighthouse.cpu_slowdown(index)
    report = lighthouse.audit(stack.url + "/jobs/", cookie, folder / f"{name}-{n}.json", slowdown)
    tasks = report["audits"]["long-tasks"].get("details", {}).get("items", [])
    found = {**lighthouse.summary(report), "cpu_slowdown": slowdown,
             "longest_task_ms": round(max((t["duration"] for t in tasks), default=0))}
    return found, report["environment"].get("benchmarkIndex")


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", help="the commit to compare with (default: git merge-base HEAD main)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true", help="the Playwright probe only")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped early: the servers are stopped too (finally below)
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ontrack-first-paint-"))
    if not args.baseline:
        args.baseline = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout.strip()
    revision = subprocess.run(["git", "rev-parse", "--short", args.baseline], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    roots = {f"old ({revision})": baseline_checkout(args.baseline, folder), "new (this checkout)": ROOT}
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    stacks = {}
    results = {name: {"probe": [], "lighthouse": []} for name in roots}
    try:
        for n, (name, root) in enumerate(roots.items()):
            stacks[name] = Stack(folder / f"city-{n}", root=root)
            stacks[name].prepare()
            stacks[name].start()
        index = {name: None for name in roots}
        with sync_playwright() as playwright:
            for run in range(args.runs):
                for n, (name, stack) in enumerate(stacks.items()):
                    found = probe(playwright, stack, ROOT / "test-artifacts" / f"first-paint-{n}.png" if run == 0 else None)
                    results[name]["probe"].append(found)
                    print(f"run {run + 1} {name:22} probe      LCP {found['lcp_ms']} ms ({found['lcp_element']}), CLS {found['cls']}"
                          f" {found['shifted']}, longest task {found['longest_task_ms']} ms, blocking {found['blocking_ms']} ms,"
                          f" sync stored at {found['stored_ms']} ms", flush=True)
                    if args.no_lighthouse:
                        continue
                    if index[name] is None:  # tests/lighthouse.py: one calibration run first
                        _found, index[name] = lighthouse_run(stack, folder, name.split()[0], "calibration", None)
                    found, index[name] = lighthouse_run(stack, folder, name.split()[0], run, index[name])
                    results[name]["lighthouse"].append(found)
                    print(f"run {run + 1} {name:22} lighthouse performance {found['performance']:.2f}, LCP {found['lcp_ms']} ms,"
                          f" TBT {found['tbt_ms']} ms, CLS {found['cls']}, longest task {found['longest_task_ms']} ms"
                          f" (CPU slowdown {found['cpu_slowdown']}×)", flush=True)
    finally:
        for stack in stacks.values():
            stack.stop()
    print(f"medians of {args.runs} runs:")
    for name, found in results.items():
        p, lh = found["probe"], found["lighthouse"]
        line = (f"  {name:22} probe (4× CPU): LCP {median([r['lcp_ms'] for r in p])} ms, CLS {median([r['cls'] for r in p])},"
                f" longest task {median([r['longest_task_ms'] for r in p])} ms, blocking {median([r['blocking_ms'] for r in p])} ms")
        if lh:
            line += (f"; lighthouse: performance {median([r['performance'] for r in lh])}"
                     f" (runs {[r['performance'] for r in lh]}), LCP {median([r['lcp_ms'] for r in lh])} ms,"
                     f" TBT {median([r['tbt_ms'] for r in lh])} ms, CLS {median([r['cls'] for r in lh])},"
                     f" longest task {median([r['longest_task_ms'] for r in lh])} ms")
        print(line)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "first_paint.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
