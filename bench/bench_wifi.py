"""Benchmark the Wi-Fi guidance: parsing scans and recommending channels.

Prints the median of repeated runs, against a baseline in the same run:
  - parse the largest real sample in ../shared/wifi-samples (if present) and a generated
    5,000-row WiGLE export (Wi-Fi and cell rows mixed, repeated sightings), beside a bare
    csv.reader pass over the same text (the floor any CSV parser pays). Target ≤ 200 ms.
  - recommend channels for 500 networks (both bands, mixed widths), beside the simplest
    published rule (PoweredLocal: count APs ≥ −60 dBm on 1/6/11). Target ≤ 10 ms.

Run from the project root:  .venv/bin/python bench/bench_wifi.py
The exit code is 0 even when a target is missed: this is a benchmark, not a test.
"""
import csv
import io
import pathlib
import random
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from webapp.wifi import guidance, parsers  # noqa: E402
from webapp.wifi.channels import freq_of  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "wifi-samples"


def median_ms(fn, reps):
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def wigle_export(rows, seed=1):
    rng = random.Random(seed)
    bssids = [":".join(f"{rng.randrange(256):02x}" for _ in range(6)) for _ in range(rows // 3)]
    out = io.StringIO()
    out.write("WigleWifi-1.6,appRelease=2.70,model=Pixel,release=14,device=bench,display=x,board=x,brand=google,star=Sol,body=3,subBody=0\n")
    writer = csv.writer(out)
    writer.writerow(["MAC", "SSID", "AuthMode", "FirstSeen", "Channel", "Frequency", "RSSI", "CurrentLatitude",
                     "CurrentLongitude", "AltitudeMeters", "AccuracyMeters", "RCOIs", "MfgrId", "Type"])
    for i in range(rows):
        if i % 10 == 9:
            writer.writerow(["460-00-12345-678", "", "GSM", "2026-11-22 10:00:00", "0", "0", "-80", "30.5", "114.3", "20", "5", "", "", "GSM"])
            continue
        channel = rng.choice([1, 6, 11, 3, 9, 13, 36, 44, 149, 157, 161])
        band = "2.4" if channel <= 14 else "5"
        writer.writerow([rng.choice(bssids), f"网络-{i % 700}", "[WPA2-PSK-CCMP][ESS]", "2026-11-22 10:00:00", channel,
                         freq_of(channel, band), rng.randint(-95, -30), "30.5", "114.3", "20", "5", "", "", "WIFI"])
    return out.getvalue()


def neighbourhood(count, seed=2):
    rng = random.Random(seed)
    nets = []
    for i in range(count):
        channel = rng.choice([1, 2, 3, 6, 9, 11, 13, 36, 40, 44, 48, 52, 149, 153, 157, 161, 165])
        band = "2.4" if channel <= 14 else "5"
        width = rng.choice([20, 20, 40, 80]) if band == "5" and channel not in (165,) else 20
        center = None
        if width == 40:
            center = freq_of(channel + (2 if channel in (36, 44, 52, 149, 157) else -2), band)
        if width == 80:
            center = freq_of({36: 42, 40: 42, 44: 42, 48: 42, 52: 58, 149: 155, 153: 155, 157: 155, 161: 155}[channel], band)
        nets.append(parsers.network(f"02:00:00:00:{i // 256:02x}:{i % 256:02x}", f"n{i}", freq=freq_of(channel, band),
                                    signal=rng.uniform(-95, -30), width=width, center=center))
    return nets


def powered_local(networks):
    counts = {c: sum(1 for n in networks if n["channel"] == c and n["signal_dbm"] >= -60) for c in (1, 6, 11)}
    return min(counts, key=lambda c: (counts[c], c))


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main():
    samples = sorted((p for p in SAMPLES.glob("*") if p.name != "SOURCES.md"), key=lambda p: p.stat().st_size) if SAMPLES.exists() else []
    if samples:
        largest = samples[-1]
        text = parsers.decode_file(largest.read_bytes())
        fmt, found = parsers.parse(text)
        ms = median_ms(lambda: parsers.parse(text), 30)
        print(f"parse largest sample {largest.name} ({len(text) / 1024:.0f} KB, {fmt}, {len(found)} networks): "
              f"{ms:.1f} ms median   [target ≤200 ms {verdict(ms <= 200)}]")
    else:
        print("parse largest sample: skipped (../shared/wifi-samples not found)")
    export = wigle_export(5000)
    fmt, found = parsers.parse(export)
    ms = median_ms(lambda: parsers.parse(export), 10)
    floor = median_ms(lambda: list(csv.reader(io.StringIO(export))), 10)
    print(f"parse generated WiGLE export (5,000 rows, {len(export) / 1024:.0f} KB → {len(found)} BSSIDs): {ms:.1f} ms median; "
          f"bare csv.reader over the same text {floor:.1f} ms   [target ≤200 ms {verdict(ms <= 200)}]")
    nets = neighbourhood(500)
    ms = median_ms(lambda: guidance.recommend(nets), 50)
    base = median_ms(lambda: powered_local(nets), 50)
    rec = guidance.recommend(nets)["recommendation"]
    print(f"recommend for 500 networks: {ms:.2f} ms median (2.4 GHz → {rec['2.4']['channel']}, 5 GHz → {rec['5']['channel']}/"
          f"{rec['5']['width_mhz']} MHz); count-on-1/6/11 rule {base:.2f} ms   [target ≤10 ms {verdict(ms <= 10)}]")


if __name__ == "__main__":
    main()
