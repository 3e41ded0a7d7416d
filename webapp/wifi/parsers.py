"""Read Wi-Fi scans from the tools technicians have: iw, iwlist, nmcli, netsh (any display
language), airport, wpa_cli / wpa_supplicant, WiGLE CSV, termux JSON, and ONTrack's own JSON.

Every parser returns a list of network dicts (see `network()`), one per BSSID, the strongest
reading kept. Anything that is not a scan raises ScanFormatError with a sentence for a person;
no parser lets another exception out (tests/test_wifi_parsers.py runs hypothesis on each).

Signal percentages become dBm as their own tool defines them:
  nmcli SIGNAL      dBm = 0.6 × % − 100   (NetworkManager's level-to-quality, inverted)
  netsh Signal      dBm = % / 2 − 100     (Windows' linear 0 % = −100 dBm … 100 % = −50 dBm)
  iwlist level N/100  dBm = N / 2 − 100   (same linear scale; drivers vary)
"""
import csv
import io
import json
import re

from .channels import band_of, channel_of, freq_of

FORMATS = ("iw", "iwlist", "nmcli", "netsh", "airport", "wpa", "wigle", "termux", "ontrack")
MAX_BYTES = 8 * 1024 * 1024
MAC = r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}"
_MAC = re.compile(MAC)


class ScanFormatError(ValueError):
    """The input is not a scan in a format we read; the message says so in words."""


def decode_file(data):
    """Bytes of an uploaded or saved scan → text (UTF-8, UTF-16 from PowerShell, else GBK from Chinese Windows)."""
    if len(data) > MAX_BYTES:
        raise ScanFormatError("The file is too large for a Wi-Fi scan (8 MB at most).")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ScanFormatError("The file claims to be UTF-16 text but is not.") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScanFormatError("The file is not text.")


def decode_ssid(raw):
    """Undo wpa_supplicant / iw escaping (\\xNN, \\", \\\\, \\e, \\n, \\t, \\r) and decode: UTF-8, then GBK."""
    if raw is None:
        return "", True
    out = bytearray()
    i = 0
    escapes = {"n": 10, "r": 13, "t": 9, "e": 27, '"': 34, "\\": 92}
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            nxt = raw[i + 1]
            if nxt in "xX" and re.fullmatch(r"[0-9A-Fa-f]{2}", raw[i + 2:i + 4] or ""):
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            if nxt in escapes:
                out.append(escapes[nxt])
                i += 2
                continue
        out.extend(ch.encode("utf-8"))
        i += 1
    data = bytes(out)
    if not data.strip(b"\x00"):
        return "", True
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or all(ch.isprintable() for ch in text):
            return text, False
    return data.hex(), False


def network(bssid, ssid, freq=None, channel=None, signal=None, width=20, security="", center=None):
    """One network in the shape every caller gets."""
    if freq is None and channel is not None:
        freq = freq_of(channel)
    if channel is None and freq is not None:
        channel = channel_of(freq)
    text, hidden = decode_ssid(ssid) if isinstance(ssid, str) and "\\" in ssid else ((ssid or ""), not (ssid or "").strip("\x00"))
    if hidden:
        text = ""
    return {"bssid": bssid.lower() if bssid else None, "ssid": text, "hidden": hidden,
            "freq_mhz": int(freq) if freq is not None else None, "channel": channel, "band": band_of(freq),
            "width_mhz": int(width or 20), "signal_dbm": round(float(signal), 1) if signal is not None else None,
            "security": security or "", "center_mhz": center}


def strongest_per_bssid(networks):
    """One entry per BSSID (hidden-BSSID entries, e.g. recent macOS airport, stay as they are)."""
    best, extra = {}, []
    for n in networks:
        if n["band"] is None or n["signal_dbm"] is None:
            continue
        if not n["bssid"]:
            extra.append(n)
            continue
        kept = best.get(n["bssid"])
        if kept is None or n["signal_dbm"] > kept["signal_dbm"]:
            best[n["bssid"]] = n
    return list(best.values()) + extra


def flags_to_security(flags):
    """wpa_supplicant/WiGLE flags ([WPA2-PSK-CCMP][ESS]) → a short security word."""
    flags = flags or ""
    if "SAE" in flags and "PSK" not in flags:
        return "WPA3-SAE"
    if "WPA2-PSK" in flags or "RSN-PSK" in flags:
        return "WPA2-PSK+SAE" if "SAE" in flags else "WPA2-PSK"
    if "WPA2-EAP" in flags:
        return "WPA2-EAP"
    if "WPA-PSK" in flags:
        return "WPA-PSK"
    if "WPA-EAP" in flags:
        return "WPA-EAP"
    if "OWE" in flags:
        return "OWE"
    if "WEP" in flags:
        return "WEP"
    return "open"


# ---- wpa_cli scan_results / wpa_supplicant SCAN_RESULTS ----

def parse_wpa(text):
    lines = [l.rstrip("\r") for l in text.splitlines()]
    try:
        start = next(i for i, l in enumerate(lines) if l.strip().startswith("bssid / frequency / signal level"))
    except StopIteration:
        raise ScanFormatError("No 'bssid / frequency / signal level / flags / ssid' header: not wpa_cli output.") from None
    result = []
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 4 or not _MAC.fullmatch(cols[0]):
            raise ScanFormatError(f"A line of the wpa_cli output is not readable: {line[:60]!r}")
        try:
            freq, level = int(cols[1]), int(cols[2])
        except ValueError:
            raise ScanFormatError(f"Frequency or signal is not a number: {line[:60]!r}") from None
        if level > 0:  # old drivers report a 0–255 quality, not dBm
            level = level / 255 * 60 - 100
        result.append(network(cols[0], cols[4] if len(cols) > 4 else "", freq=freq, signal=level,
                              security=flags_to_security(cols[3])))
    return result


# ---- iw dev IF scan ----

def parse_iw(text):
    blocks = re.split(rf"(?m)^BSS ({MAC})", text)
    if len(blocks) < 3:
        raise ScanFormatError("No 'BSS <mac>' blocks: not 'iw scan' output.")
    result = []
    for mac, body in zip(blocks[1::2], blocks[2::2]):
        freq = _search(r"(?m)^\s*freq:\s*([\d.]+)", body)
        signal = _search(r"(?m)^\s*signal:\s*(-?[\d.]+)\s*dBm", body)
        if signal is None:
            pct = _search(r"(?m)^\s*signal:\s*([\d.]+)/100", body)
            signal = float(pct) / 2 - 100 if pct is not None else None
        ssid_match = re.search(r"(?m)^\s*SSID: ?(.*)$", body)
        primary = _search(r"primary channel:\s*(\d+)", body) or _search(r"DS Parameter set: channel (\d+)", body)
        freq = float(freq) if freq is not None else None
        width, center = 20, None
        offset = _search(r"secondary channel offset:\s*(above|below)", body, cast=str)
        if offset:
            width = 40
            center = freq + (10 if offset == "above" else -10) if freq else None
        vht = _search(r"\* channel width:\s*(\d)", body)
        seg1 = _search(r"center freq segment 1:\s*(\d+)", body)
        if vht in (1, 2, 3) and seg1:
            width = 80 if vht in (1, 3) else 160
            center = freq_of(seg1, band_of(freq))
        security = "open"
        if "RSN:" in body:
            suites = _search(r"RSN:.*?Authentication suites:\s*([^\n]*)", body, cast=str, flags=re.S) or ""
            security = ("WPA3-SAE" if "SAE" in suites and "PSK" not in suites else
                        "WPA2-EAP" if "802.1X" in suites else "WPA2-PSK")
        elif "WPA:" in body:
            security = "WPA-PSK"
        elif re.search(r"capability:.*Privacy", body):
            security = "WEP"
        if freq is None or signal is None:
            raise ScanFormatError(f"The block of BSS {mac} has no frequency or signal.")
        result.append(network(mac, ssid_match.group(1).rstrip("\r") if ssid_match else "", freq=int(freq),
                              signal=float(signal), width=width, center=center, security=security))
    return result


def _search(pattern, text, cast=int, flags=0):
    match = re.search(pattern, text, flags)
    if not match:
        return None
    try:
        return cast(float(match.group(1))) if cast is int else cast(match.group(1))
    except ValueError:
        return None


# ---- iwlist IF scan ----

def parse_iwlist(text):
    cells = re.split(rf"(?m)^\s*Cell \d+ - Address: ({MAC})", text)
    if len(cells) < 3:
        raise ScanFormatError("No 'Cell NN - Address:' lines: not 'iwlist scan' output.")
    result = []
    for mac, body in zip(cells[1::2], cells[2::2]):
        freq = _search(r"Frequency[:=]\s*([\d.]+)\s*GHz", body, cast=float)
        channel = _search(r"\(Channel (\d+)\)", body) or _search(r"(?m)^\s*Channel[:=](\d+)", body)
        freq = int(round(freq * 1000)) if freq else None
        dbm = _search(r"Signal level[:=]\s*(-?\d+)\s*dBm", body)
        if dbm is None:
            level = re.search(r"Signal level[:=]\s*(\d+)/(\d+)", body)
            if level is None:
                raise ScanFormatError(f"Cell {mac} has no signal level.")
            dbm = int(level.group(1)) / int(level.group(2)) * 50 - 100
        essid = re.search(r'ESSID:"(.*)"', body)
        encrypted = re.search(r"Encryption key:\s*on", body) is not None
        security = ("WPA2-PSK" if "WPA2" in body else "WPA-PSK" if "WPA Version" in body else
                    "WEP" if encrypted else "open")
        result.append(network(mac, essid.group(1) if essid else "", freq=freq, channel=channel, signal=dbm,
                              security=security))
    return result


# ---- nmcli -t ----

NMCLI_DEFAULT_FIELDS = ["in-use", "bssid", "ssid", "mode", "chan", "rate", "signal", "bars", "security"]


def _split_nmcli(line):
    fields, current, i = [], [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            current.append(line[i + 1])
            i += 2
            continue
        if line[i] == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(line[i])
        i += 1
    fields.append("".join(current))
    return fields


def parse_nmcli(text):
    lines = [l.rstrip("\r") for l in text.splitlines() if l.strip()]
    fields = None
    rows = []
    for line in lines:
        command = re.search(r"(?:--fields|-f)[ =]([\w,-]+)", line)
        if line.lstrip().startswith(("$", "nmcli")) and command:
            fields = [f.lower() for f in command.group(1).split(",")]
            continue
        rows.append(_split_nmcli(line))
    if not rows:
        raise ScanFormatError("No nmcli rows.")
    if fields is None:
        if all(len(r) == len(NMCLI_DEFAULT_FIELDS) for r in rows):
            fields = NMCLI_DEFAULT_FIELDS
        else:
            raise ScanFormatError("nmcli output without its field list: run 'nmcli -t -f SSID,BSSID,CHAN,FREQ,SIGNAL,SECURITY dev wifi list' and keep the command line.")
    if "bssid" not in fields or "signal" not in fields or not ({"freq", "chan"} & set(fields)):
        raise ScanFormatError("nmcli output needs the BSSID, SIGNAL and CHAN or FREQ fields.")
    result = []
    for row in rows:
        if len(row) != len(fields):
            raise ScanFormatError(f"An nmcli row has {len(row)} fields, not {len(fields)}.")
        values = dict(zip(fields, row))
        if not _MAC.fullmatch(values["bssid"]):
            raise ScanFormatError(f"Not a BSSID in nmcli output: {values['bssid'][:30]!r}")
        try:
            pct = int(values["signal"])
            freq = int(values["freq"].split()[0]) if values.get("freq") else None
            chan = int(values["chan"]) if values.get("chan") else None
        except ValueError:
            raise ScanFormatError("A number in the nmcli output is not a number.") from None
        security = values.get("security", "")
        result.append(network(values["bssid"], values.get("ssid", ""), freq=freq, channel=chan,
                              signal=0.6 * pct - 100, security=("open" if security in ("", "--") else security)))
    return result


# ---- netsh wlan show networks mode=bssid (labels in any language) ----

def parse_netsh(text):
    """Read by shape, not by label: 'SSID n : name' opens a network, a MAC value opens a BSSID,
    'NN%' is its signal, a bare number after it the channel, 'N GHz' the band."""
    result, ssid, auth, ssid_values, current = [], None, "", [], None
    seen_ssid = False
    for raw in text.splitlines():
        line = raw.rstrip("\r")
        if ":" not in line:
            continue
        key, _, value = line.partition(":") if not _MAC.search(line) else _split_mac_line(line)
        value = value.strip()
        top = re.match(r"^SSID\s+\d+\s*$", key.strip()) and not line.startswith((" ", "\t"))
        if top:
            _flush_netsh(current, result)
            current, ssid, ssid_values, seen_ssid = None, value, [], True
            continue
        if not seen_ssid:
            continue
        if _MAC.fullmatch(value):
            _flush_netsh(current, result)
            auth = ssid_values[1] if len(ssid_values) > 1 else ""
            current = {"bssid": value, "ssid": ssid, "signal": None, "channel": None, "band": None, "security": auth}
            continue
        if current is None:
            ssid_values.append(value)
            continue
        if re.fullmatch(r"\d{1,3}\s*%", value) and current["signal"] is None:
            current["signal"] = int(value.rstrip("% "))
        elif re.fullmatch(r"\d+(\.\d+)?\s*GHz", value):
            current["band"] = value.split()[0]
        elif re.fullmatch(r"\d{1,3}", value) and current["signal"] is not None and current["channel"] is None:
            current["channel"] = int(value)
    _flush_netsh(current, result)
    if not seen_ssid:
        raise ScanFormatError("No 'SSID n :' blocks: not 'netsh wlan show networks mode=bssid' output.")
    return result


def _split_mac_line(line):
    match = _MAC.search(line)
    head = line[:match.start()]
    return head.rsplit(":", 1)[0], ":", line[match.start():match.end()]


def _flush_netsh(current, result):
    if current is None:
        return
    if current["signal"] is None or current["channel"] is None:
        raise ScanFormatError(f"BSSID {current['bssid']} has no signal or channel.")
    band = {"2.4": "2.4", "5": "5", "6": "6"}.get(current["band"]) if current["band"] else None
    freq = freq_of(current["channel"], band)
    result.append(network(current["bssid"], current["ssid"], freq=freq, signal=current["signal"] / 2 - 100,
                          security=_netsh_security(current["security"])))


def _netsh_security(auth):
    text = (auth or "").upper()
    if "WPA3" in text:
        return "WPA3-SAE"
    if "WPA2" in text:
        return "WPA2-EAP" if "ENTERPRISE" in text or "企业" in auth else "WPA2-PSK"
    if "WPA" in text:
        return "WPA-PSK"
    if "WEP" in text:
        return "WEP"
    return "open" if auth else ""


# ---- macOS airport -s ----

def parse_airport(text):
    lines = text.splitlines()
    try:
        header_index = next(i for i, l in enumerate(lines) if re.search(r"\bSSID BSSID\s+RSSI CHANNEL", l))
    except StopIteration:
        raise ScanFormatError("No 'SSID BSSID RSSI CHANNEL' header: not 'airport -s' output.") from None
    ssid_end = lines[header_index].index("SSID BSSID") + 4
    row = re.compile(rf"^\s*(?P<bssid>{MAC})?\s+(?P<rssi>-\d+)\s+(?P<channel>\d+)(?:,(?P<ext>[+-]?\d+))?\s+(?P<ht>[YN])\s+(?P<cc>\S+)\s+(?P<security>.*)$")
    result = []
    for line in lines[header_index + 1:]:
        if not line.strip():
            continue
        match = row.match(line[ssid_end:])
        if not match:
            raise ScanFormatError(f"A line of the airport output is not readable: {line[:60]!r}")
        channel = int(match["channel"])
        width, center = 20, None
        freq = freq_of(channel)
        if match["ext"] in ("+1", "1", "-1"):
            width = 40
            center = freq + (10 if match["ext"] != "-1" else -10)
        elif match["ext"] == "80":
            width = 80
        security = match["security"].strip()
        result.append(network(match["bssid"], line[:ssid_end].strip(), freq=freq, signal=int(match["rssi"]),
                              width=width, center=center,
                              security="open" if security.upper() in ("NONE", "") else security))
    return result


# ---- WiGLE CSV ----

def parse_wigle(text):
    lines = text.splitlines()
    if lines and lines[0].startswith("WigleWifi-"):
        lines = lines[1:]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    needed = {"MAC", "SSID", "AuthMode", "Channel", "RSSI"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise ScanFormatError("No WiGLE header (MAC,SSID,AuthMode,…,Channel,RSSI): not a WiGLE CSV.")
    result = []
    for row in reader:
        if (row.get("Type") or "WIFI") != "WIFI":
            continue
        try:
            channel = int(row["Channel"])
            rssi = int(row["RSSI"])
            freq = int(row["Frequency"]) if row.get("Frequency") else None
        except (TypeError, ValueError):
            raise ScanFormatError(f"A WiGLE row has no number where one belongs: {str(row)[:60]!r}") from None
        if not _MAC.fullmatch(row["MAC"] or ""):
            raise ScanFormatError("A WiGLE Wi-Fi row has no MAC address.")
        result.append(network(row["MAC"], row["SSID"] or "", freq=freq, channel=channel if not freq else None,
                              signal=rssi, security=flags_to_security(row["AuthMode"])))
    return result


# ---- termux-wifi-scaninfo JSON, and ONTrack's own JSON (wifi scan --json) ----

def parse_termux(text):
    try:
        rows = json.loads(text)
    except ValueError:
        raise ScanFormatError("Not JSON.") from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ScanFormatError("termux-wifi-scaninfo gives a JSON list of networks.")
    result = []
    for r in rows:
        try:
            freq = int(r["frequency_mhz"])
            width = int(r.get("channel_bandwidth_mhz") or 20)
            center = int(r["center_frequency_mhz"]) if r.get("center_frequency_mhz") else None
            rssi = float(r["rssi"])
        except (KeyError, TypeError, ValueError):
            raise ScanFormatError("A termux network lacks frequency_mhz or rssi.") from None
        if not isinstance(r.get("bssid"), str) or not _MAC.fullmatch(r["bssid"]):
            raise ScanFormatError("A termux network has no BSSID.")
        result.append(network(r["bssid"], r.get("ssid") if isinstance(r.get("ssid"), str) else "", freq=freq,
                              signal=rssi, width=width if width in (20, 40, 80, 160) else 20, center=center))
    return result


def parse_ontrack(text):
    try:
        data = json.loads(text)
        rows = data["networks"]
    except (ValueError, KeyError, TypeError):
        raise ScanFormatError("Not an ONTrack scan (JSON with \"networks\").") from None
    if not isinstance(rows, list):
        raise ScanFormatError("\"networks\" must be a list.")
    result = []
    for r in rows:
        if not isinstance(r, dict):
            raise ScanFormatError("Each network must be an object.")
        try:
            freq = int(r["freq_mhz"]) if r.get("freq_mhz") is not None else None
            channel = int(r["channel"]) if freq is None else None
            signal = float(r["signal_dbm"])
            width = int(r.get("width_mhz") or 20)
        except (KeyError, TypeError, ValueError):
            raise ScanFormatError("A network lacks its channel or signal.") from None
        bssid = r.get("bssid")
        if bssid is not None and (not isinstance(bssid, str) or not _MAC.fullmatch(bssid)):
            raise ScanFormatError("A BSSID is not a MAC address.")
        ssid = r.get("ssid") if isinstance(r.get("ssid"), str) else ""
        result.append(network(bssid, ssid, freq=freq, channel=channel, signal=signal,
                              width=width if width in (20, 40, 80, 160) else 20, security=str(r.get("security") or "")))
    return result


PARSERS = {"iw": parse_iw, "iwlist": parse_iwlist, "nmcli": parse_nmcli, "netsh": parse_netsh,
           "airport": parse_airport, "wpa": parse_wpa, "wigle": parse_wigle, "termux": parse_termux,
           "ontrack": parse_ontrack}


def detect(text):
    """Name the format of a scan, or raise ScanFormatError."""
    head = text.lstrip()[:4096]
    if head.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError:
            raise ScanFormatError("The file looks like JSON but is not valid JSON.") from None
        if isinstance(data, dict) and "networks" in data:
            return "ontrack"
        if isinstance(data, list):
            return "termux"
        raise ScanFormatError("This JSON is not a Wi-Fi scan.")
    if head.startswith("WigleWifi-") or re.match(r"MAC,SSID,AuthMode", head):
        return "wigle"
    if "bssid / frequency / signal level" in head:
        return "wpa"
    if re.search(rf"(?m)^BSS {MAC}", head):
        return "iw"
    if re.search(rf"(?m)^\s*Cell \d+ - Address: {MAC}", head):
        return "iwlist"
    if re.search(r"(?m)^\s*SSID BSSID\s+RSSI CHANNEL", head):
        return "airport"
    if re.search(r"(?m)^SSID \d+ :", head):
        return "netsh"
    if re.search(r"(?:[0-9A-Fa-f]{2}\\:){5}[0-9A-Fa-f]{2}", head):
        return "nmcli"
    raise ScanFormatError("This is not a Wi-Fi scan ONTrack can read (iw, iwlist, nmcli -t, netsh, airport -s, wpa_cli, WiGLE CSV, termux JSON).")


def parse(text, fmt="auto"):
    """Return (format, networks) — one network per BSSID, strongest reading."""
    if fmt in (None, "auto"):
        fmt = detect(text)
    if fmt not in PARSERS:
        raise ScanFormatError(f"Unknown format {fmt!r}; one of: auto, {', '.join(FORMATS)}.")
    try:
        networks = PARSERS[fmt](text)
    except ScanFormatError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, csv.Error, RecursionError) as exc:
        raise ScanFormatError(f"The {fmt} output could not be read ({type(exc).__name__}).") from None
    return fmt, strongest_per_bssid(networks)
