"""Benchmark the Wi-Fi guidance: parsing scans and recommending channels.

Prints the median of repeated runs, against a baseline in the same run:
  - parse the largest real sample in ../shared/wifi-samples (if present) and a generated
    5,000-row WiGLE export (Wi-Fi and cell rows mixed, repeated sightings), beside a bare
    csv.reader pass over the same text (the floor any CSV parser pays). Target ≤ 200 ms.
  - parse a generated 500-network scan in each format read by its shape (iw with HT/VHT/HE/EHT
    width elements, OpenWrt iwinfo, nmcli's table, French netsh, macOS system_profiler JSON),
    beside a bare regex pass finding the MAC-like values in the same text. Target ≤ 200 ms each.
  - recommend channels for 500 networks (both bands, 20–160 MHz and 80+80 widths, some with unknown
    signal as macOS gives), beside the simplest published rule (PoweredLocal: count APs ≥ −60 dBm
    on 1/6/11). Target ≤ 10 ms.

Run from the project root:  .venv/bin/python bench/bench_wifi.py
The exit code is 0 even when a target is missed: this is a benchmark, not a test.
"""
import csv
import io
import json
import pathlib
import random
import re
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


VHT_VARIANTS = [  # (primary MHz, iw element text): HT40, VHT80, VHT160 old and new, 80+80, HE 6 GHz, EHT 320
    (5180, "\tHT operation:\n\t\t * secondary channel offset: above\n"),
    (5180, "\tVHT operation:\n\t\t * channel width: 1 (80 MHz)\n\t\t * center freq segment 1: 42\n\t\t * center freq segment 2: 0\n"),
    (5180, "\tVHT operation:\n\t\t * channel width: 2 (160 MHz)\n\t\t * center freq segment 1: 50\n\t\t * center freq segment 2: 0\n"),
    (5180, "\tVHT operation:\n\t\t * channel width: 1 (80 MHz)\n\t\t * center freq segment 1: 42\n\t\t * center freq segment 2: 50\n"),
    (5180, "\tVHT operation:\n\t\t * channel width: 3 (80+80 MHz)\n\t\t * center freq segment 1: 42\n\t\t * center freq segment 2: 155\n"),
    (6115, "\tHE Operation:\n\t\t6 GHz Operation Information\n\t\t\tPrimary Channel: 33\n\t\t\tChannel Width: 3\n"
           "\t\t\tCenter Frequency Segment 0: 39\n\t\t\tCenter Frequency Segment 1: 47\n"
           "\tEHT Operation:\n\t\tEHT Operation Info: 0x042f3f\n\t\t\tChannel Width: 320 MHz\n"
           "\t\t\tCenter Frequency Segment 0: 47\n\t\t\tCenter Frequency Segment 1: 63\n"),
]


def mac(i):
    return f"02:00:00:00:{i // 256:02x}:{i % 256:02x}"


def generated_scans(count=500, seed=3):
    """{format: text} with `count` networks each, in the shapes the parsers read by shape."""
    rng = random.Random(seed)
    iw, iwinfo, table, netsh, mac_networks = [], [], [], [], []
    table.append("IN-USE  BSSID              SSID                 MODE   CHAN  RATE        SIGNAL  BARS  SECURITY")
    netsh.append("Nom de l’interface\u00a0: Wi-Fi\nIl existe actuellement %d réseaux visibles.\n" % count)
    for i in range(count):
        freq, element = rng.choice(VHT_VARIANTS)
        iw.append(f"BSS {mac(i)}(on wlan0)\n\tfreq: {freq}\n\tsignal: -{rng.randint(30, 90)}.00 dBm\n\tSSID: net {i}\n"
                  f"\tRSN:\t * Version: 1\n\t\t * Authentication suites: PSK\n{element}\tExtended capabilities:\n\t\t * BSS Transition\n")
        iwinfo.append(f'Cell {i:02d} - Address: {mac(i)}\n          ESSID: "net {i}"\n'
                      f"          Mode: Master  Frequency: 5.180 GHz  Band: 5 GHz  Channel: 36\n"
                      f"          Signal: -{rng.randint(30, 90)} dBm  Quality: 40/70\n          Encryption: WPA2 PSK (CCMP)\n"
                      f"          VHT Operation:\n                    Center Frequency 1: 42\n"
                      f"                    Center Frequency 2: 50\n                    Channel Width: 160 MHz\n")
        channel = rng.choice([1, 6, 11, 36, 149])
        table.append(f"        {mac(i)}  {'net ' + str(i):<19}  Infra  {channel:<4}  270 Mbit/s  {rng.randint(10, 99):<6}  ▂▄▆_  WPA2")
        ghz = "2,4" if channel <= 14 else "5"
        netsh.append(f"SSID {i + 1}\u00a0: réseau {i}\n    Type de réseau          \u00a0: Infrastructure\n"
                     f"    Authentification        \u00a0: WPA2 - Personnel\n    Chiffrement             \u00a0: CCMP\n"
                     f"    BSSID 1                 \u00a0: {mac(i)}\n         Signal             \u00a0: {rng.randint(10, 99)}\u00a0%\n"
                     f"         Type de radio      \u00a0: 802.11ac\n         Bande              \u00a0: {ghz} GHz\n"
                     f"         Canal              \u00a0: {channel}\n")
        mac_networks.append({"_name": f"SSID-{i}", "spairport_network_channel": f"{channel} ({'2' if channel <= 14 else '5'}GHz, 20MHz)",
                             "spairport_security_mode": "spairport_security_mode_wpa2_personal",
                             **({"spairport_signal_noise": f"-{rng.randint(30, 90)} dBm / -95 dBm"} if i % 2 else {})})
    macos = json.dumps({"SPAirPortDataType": [{"spairport_airport_interfaces": [
        {"_name": "en0", "spairport_airport_other_local_wireless_networks": mac_networks}]}]})
    return {"iw": "".join(iw), "iwinfo": "\n".join(iwinfo), "nmcli": "\n".join(table) + "\n",
            "netsh": "\n".join(netsh), "macos": macos}


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
        center2 = None
        if band == "5" and i % 25 == 0:  # some 160 MHz and 80+80 neighbours
            width, center, center2 = (160, 5250, None) if channel <= 64 else (160, 5210, 5775)
        signal = None if i % 40 == 0 else rng.uniform(-95, -30)  # macOS gives no signal for most neighbours
        nets.append(parsers.network(f"02:00:00:00:{i // 256:02x}:{i % 256:02x}", f"n{i}", freq=freq_of(channel, band),
                                    signal=signal, width=width, center=center, center2=center2))
    return nets


def powered_local(networks):
    counts = {c: sum(1 for n in networks if n["channel"] == c and (n["signal_dbm"] or -100) >= -60) for c in (1, 6, 11)}
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
    for name, text in generated_scans().items():
        fmt, found = parsers.parse(text)
        ms = median_ms(lambda: parsers.parse(text), 10)
        floor = median_ms(lambda: re.findall(parsers.MAC, text), 10)
        print(f"parse generated {name} scan (500 networks, {len(text) / 1024:.0f} KB, read as {fmt} → {len(found)}): "
              f"{ms:.1f} ms median; bare MAC regex pass {floor:.1f} ms   [target ≤200 ms {verdict(ms <= 200 and fmt == name)}]")
    nets = neighbourhood(500)
    ms = median_ms(lambda: guidance.recommend(nets), 50)
    base = median_ms(lambda: powered_local(nets), 50)
    rec = guidance.recommend(nets)["recommendation"]
    print(f"recommend for 500 networks: {ms:.2f} ms median (2.4 GHz → {rec['2.4']['channel']}, 5 GHz → {rec['5']['channel']}/"
          f"{rec['5']['width_mhz']} MHz); count-on-1/6/11 rule {base:.2f} ms   [target ≤10 ms {verdict(ms <= 10)}]")


if __name__ == "__main__":
    main()
