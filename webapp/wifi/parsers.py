"""Read Wi-Fi scans from the tools technicians have: iw, iwlist, OpenWrt's iwinfo, nmcli (terse or
its table), netsh (any display language), airport, macOS system_profiler JSON, wpa_cli /
wpa_supplicant, WiGLE CSV, termux JSON, and ONTrack's own JSON.

Detection and parsing read the shape of the data (a MAC-like value, "NN%", "N GHz", a header
row), not one spelling of a label. A BSSID that is a placeholder (empty, all zeros, letters put
in by someone anonymising: "xx:xx:…") is no identity: its network is kept on its own, never
merged with another and never refused. A number that is NaN or infinite is refused with a
sentence. A file that names networks but gives none that can be read is an error saying which
command to run (NoNetworksError), never "0 networks, clean air".

nmcli.py, netsh.py and macos.py hold the readers of those tools; the rest are here.

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
import math
import re

from flask_babel import gettext as _

from .channels import band_of, block_centre, channel_of, freq_of, numbered_channel
from .elements import operating_channel_of

FORMATS = ("iw", "iwlist", "iwinfo", "nmcli", "netsh", "airport", "macos", "wpa", "wigle", "termux", "ontrack")
MAX_BYTES = 8 * 1024 * 1024
# A BSSID as printed, or as someone anonymised it (xx:xx:…, **:**:…, 00:00:…): the shape, not the digits.
MAC = r"[0-9A-Za-z*?#_.]{1,2}(?::[0-9A-Za-z*?#_.]{1,2}){5}"
HEX_MAC = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_MAC = re.compile(MAC)
PLACEHOLDER_MACS = {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"}
# What to run when a file names networks but gives none we can read.
COMMANDS = {
    "iw": "sudo iw dev wlan0 scan", "iwlist": "sudo iwlist wlan0 scan", "iwinfo": "iwinfo wlan0 scan",
    "nmcli": "nmcli -t -f IN-USE,BSSID,SSID,CHAN,FREQ,SIGNAL,SECURITY dev wifi list",
    "netsh": "netsh wlan show networks mode=bssid", "airport": "airport -s",
    "macos": "system_profiler -json SPAirPortDataType", "wpa": "wpa_cli scan_results",
    "wigle": "WiGLE → Database → Export → CSV", "termux": "termux-wifi-scaninfo", "ontrack": "flask --app wsgi wifi scan --json",
}


class ScanFormatError(ValueError):
    """The input is not a scan in a format we read; the message says so in words."""


class NoNetworksError(ScanFormatError):
    """The file names networks but none of them can be read; the message names the command to run."""


def bssid_identity(text):
    """The BSSID as an identity (lower-case hex MAC), or None for a placeholder or redacted one."""
    value = (text or "").strip().lower()
    if not HEX_MAC.fullmatch(value) or value in PLACEHOLDER_MACS:
        return None
    return value


def finite(value, what="number"):
    """`value` as a float; NaN or ±infinity is a ScanFormatError (a tool never prints them for a real scan).

    `what` names the field in the message: "signal", "frequency", "centre", "width" or "number".
    """
    number = float(value)
    if not math.isfinite(number):
        names = {"signal": _("A signal level"), "frequency": _("A frequency"), "centre": _("A centre frequency"),
                 "width": _("A channel width"), "number": _("A number")}
        raise ScanFormatError(_("%(what)s in the scan is not a real number (%(value)s): the file was damaged or made by"
                                " hand.", what=names[what], value=repr(value)))
    return number


def decode_file(data):
    """Bytes of an uploaded or saved scan → text (UTF-8, UTF-16 from PowerShell, else GBK from Chinese Windows)."""
    if len(data) > MAX_BYTES:
        raise ScanFormatError(_("The file is too large for a Wi-Fi scan (8 MB at most)."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ScanFormatError(_("The file claims to be UTF-16 text but is not.")) from None
    unmarked = _utf16_without_bom(data)
    if unmarked:
        try:
            return data.decode(unmarked)
        except UnicodeDecodeError:
            raise ScanFormatError(_("The file looks like UTF-16 text but is not.")) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScanFormatError(_("The file is not text."))


def _utf16_without_bom(data):
    """"utf-16-le"/"utf-16-be" when text lost its BOM on the way (copied out of PowerShell, an editor
    saving "Unicode" without a signature): ASCII text then has a NUL in every other byte."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd = sample[1:2 * pairs:2].count(0)
    even = sample[0:2 * pairs:2].count(0)
    if odd >= 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd == 0:
        return "utf-16-be"
    return None


# A shell prompt line, alone or with the command typed after it: bash/zsh/ash (user@host:~$,
# user@host ~ %, [root@host ~]#, MacBook:~ user$, $, ~ $), PowerShell (PS C:\…>) and cmd (C:\…>).
PROMPT_LINE = re.compile(r"""^\s*(?:
      PS\s[^>]*>
    | [A-Za-z]:\\[^>]*>
    | \[[^\]]*\]\s*[$#%]
    | [\w.-]+@[\w.-]+(?:[:\s]\S*)?\s*[$#%]
    | [\w.-]+:\S*\s+[\w.-]+\s*\$
    | ~?\s*[$#%]
    )(?:\s.*)?$""", re.X)


def terminal_copy(text):
    """A scan as a person copies it from a terminal → the tool's output: line ends made "\n" (CRLF
    from Windows, PuTTY or Notepad; a lone CR) and the shell prompts after the output dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and (not lines[-1].strip() or PROMPT_LINE.match(lines[-1])):
        lines.pop()
    return "\n".join(lines) + "\n"


def json_text(text):
    """The JSON document in a text, after the command line(s) that printed it; None if there is none."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:8]):
        if not line.lstrip().startswith(("{", "[")):
            continue
        if not all(not l.strip() or PROMPT_LINE.match(l) for l in lines[:i]):
            return None
        body = "\n".join(lines[i:])
        try:
            json.loads(body)
        except (ValueError, RecursionError):  # nested thousands deep: no tool writes that
            continue
        return body
    return None


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


def network(bssid, ssid, freq=None, channel=None, signal=None, width=20, security="", center=None, center2=None,
            band=None):
    """One network in the shape every caller gets.

    {"bssid": hex MAC or None (placeholder), "ssid", "hidden", "freq_mhz" (primary 20 MHz),
     "channel", "band" ("2.4"/"5"/"6"), "width_mhz", "signal_dbm" (None when the tool gave none),
     "security", "center_mhz" (centre of the whole channel; the primary's for 20 MHz),
     "center2_mhz" (second 80 MHz segment of an 80+80 channel, else None)}.
    Raises ScanFormatError for NaN/infinite numbers.
    """
    if signal is not None:
        signal = finite(signal, "signal")
    if freq is not None:
        freq = int(round(finite(freq, "frequency")))
    if freq is None and channel is not None and numbered_channel(channel, band if band in ("2.4", "5", "6") else None):
        freq = freq_of(channel, band)
    if channel is None and freq is not None:
        channel = channel_of(freq)
    text, hidden = decode_ssid(ssid) if isinstance(ssid, str) and "\\" in ssid else ((ssid or ""), not (ssid or "").strip("\x00"))
    if hidden:
        text = ""
    return {"bssid": bssid_identity(bssid), "ssid": text, "hidden": hidden,
            "freq_mhz": int(freq) if freq is not None else None, "channel": channel, "band": band_of(freq),
            "width_mhz": int(width or 20), "signal_dbm": round(signal, 1) if signal is not None else None,
            "security": security or "", "center_mhz": int(center) if center else (int(freq) if freq is not None else None),
            "center2_mhz": int(center2) if center2 else None}


def strongest_per_bssid(networks):
    """One entry per BSSID, the strongest reading kept. Entries without a BSSID identity (macOS
    hides them; placeholders) stay as they are; a network whose signal is unknown (macOS 15 lists
    neighbours without one) is kept, so its channel still counts."""
    best, extra = {}, []
    for n in networks:
        if n["band"] is None:
            continue
        if not n["bssid"]:
            extra.append(n)
            continue
        kept = best.get(n["bssid"])
        if kept is None or _louder(n, kept):
            best[n["bssid"]] = n
    return list(best.values()) + extra


def _louder(a, b):
    if b["signal_dbm"] is None:
        return True
    return a["signal_dbm"] is not None and a["signal_dbm"] > b["signal_dbm"]


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
        raise ScanFormatError(_("No 'bssid / frequency / signal level / flags / ssid' header: not wpa_cli output.")) from None
    result = []
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 4 or not (_MAC.fullmatch(cols[0]) or not cols[0].strip()):
            raise ScanFormatError(_("A line of the %(tool)s output is not readable: %(line)s", tool="wpa_cli", line=repr(line[:60])))
        level = cols[2].strip()
        if level.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            finite(level, "signal")
        try:
            freq, level = int(cols[1]), int(level)
        except ValueError:
            raise ScanFormatError(_("Frequency or signal is not a number: %(line)s", line=repr(line[:60]))) from None
        if level > 0:  # old drivers report a 0–255 quality, not dBm
            level = level / 255 * 60 - 100
        result.append(network(cols[0], cols[4] if len(cols) > 4 else "", freq=freq, signal=level,
                              security=flags_to_security(cols[3])))
    return result


# ---- iw dev IF scan ----

def parse_iw(text):
    blocks = re.split(rf"(?m)^BSS ({MAC})", text)
    if len(blocks) < 3:
        raise ScanFormatError(_("No 'BSS <mac>' blocks: not 'iw scan' output."))
    result = []
    for mac, body in zip(blocks[1::2], blocks[2::2]):
        freq = _search(r"(?m)^\s*freq:\s*([\d.]+)", body)
        signal = _search(r"(?m)^\s*signal:\s*(-?[\d.]+)\s*dBm", body)
        if signal is None:
            pct = _search(r"(?m)^\s*signal:\s*([\d.]+)/100", body)
            signal = float(pct) / 2 - 100 if pct is not None else None
        ssid_match = re.search(r"(?m)^\s*SSID: ?(.*)$", body)
        freq = float(freq) if freq is not None else None
        width, center, center2 = operating_channel_of(body, freq) if freq else (20, None, None)
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
            raise ScanFormatError(_("The block of BSS %(mac)s has no frequency or signal.", mac=mac))
        result.append(network(mac, ssid_match.group(1).rstrip("\r") if ssid_match else "", freq=int(freq),
                              signal=float(signal), width=width, center=center, center2=center2, security=security))
    return result


def _search(pattern, text, cast=int, flags=0):
    match = re.search(pattern, text, flags)
    if not match:
        return None
    try:
        return cast(float(match.group(1))) if cast is int else cast(match.group(1))
    except ValueError:
        return None


# ---- iwlist IF scan, and OpenWrt's iwinfo IF scan (the same "Cell NN - Address:" shape) ----

def parse_iwlist(text):
    return _parse_cells(text, "iwlist")


def parse_iwinfo(text):
    return _parse_cells(text, "iwinfo")


def _parse_cells(text, tool):
    """iwlist: `ESSID:"x"`, `Signal level=-61 dBm` or `=49/70`, `(Channel 52)`.
    iwinfo: `ESSID: "x"` (or `ESSID: unknown` for a hidden one), `Signal: -61 dBm  Quality: 49/70`
    (already dBm), `Channel: 52`, `Band: 6 GHz`, and HT/VHT/HE/EHT Operation blocks for the width."""
    cells = re.split(rf"(?m)^\s*Cell \d+ - Address: ?({MAC})?[ \t]*$", text)
    if len(cells) < 3:
        raise ScanFormatError(_("No 'Cell NN - Address:' lines: not '%(tool)s scan' output.", tool=tool))
    result = []
    for mac, body in zip(cells[1::2], cells[2::2]):
        mac = mac or ""
        freq = _search(r"Frequency[:=]\s*([\d.,]+)\s*GHz", body.replace(",", "."), cast=float)
        channel = _search(r"\(Channel (\d+)\)", body) or _search(r"Channel[:=]\s*(\d+)", body)
        freq = int(round(freq * 1000)) if freq else None
        dbm = _search(r"Signal(?: level)?[:=]\s*(-?\d+(?:\.\d+)?)\s*dBm", body, cast=float)
        if dbm is None:
            level = re.search(r"Signal level[:=]\s*(\d+)/(\d+)", body)
            if level is None or int(level.group(2)) == 0:
                raise ScanFormatError(_("Cell %(mac)s has no signal level.", mac=mac or _("(no address)")))
            dbm = int(level.group(1)) / int(level.group(2)) * 50 - 100
        essid = re.search(r'ESSID:\s?"(.*)"', body)
        width, center, center2 = operating_channel_of(body, freq) if freq else (20, None, None)
        result.append(network(mac, essid.group(1) if essid else "", freq=freq, channel=channel if not freq else None,
                              signal=dbm, security=_cell_security(body), width=width, center=center, center2=center2))
    return result


def _cell_security(body):
    iwinfo = re.search(r"(?m)^\s*Encryption:\s*(.+?)\s*$", body)
    if iwinfo and not re.fullmatch(r"(?i)on|off", iwinfo.group(1)):
        words = iwinfo.group(1).upper()
        if words.startswith("NONE") or words == "OPEN":
            return "open"
        if "SAE" in words and "PSK" not in words:
            return "WPA3-SAE"
        if "802.1X" in words or "EAP" in words:
            return "WPA2-EAP" if "WPA2" in words or "WPA3" in words else "WPA-EAP"
        if "OWE" in words:
            return "OWE"
        if "WEP" in words:
            return "WEP"
        if "WPA2" in words or "WPA3" in words:
            return "WPA2-PSK+SAE" if "SAE" in words else "WPA2-PSK"
        return "WPA-PSK" if "WPA" in words else "open"
    encrypted = re.search(r"Encryption key:\s*on", body) is not None
    return "WPA2-PSK" if "WPA2" in body else "WPA-PSK" if "WPA Version" in body else "WEP" if encrypted else "open"


# ---- macOS airport -s ----

def parse_airport(text):
    lines = text.splitlines()
    try:
        header_index = next(i for i, l in enumerate(lines) if re.search(r"\bSSID BSSID\s+RSSI CHANNEL", l))
    except StopIteration:
        raise ScanFormatError(_("No 'SSID BSSID RSSI CHANNEL' header: not 'airport -s' output.")) from None
    ssid_end = lines[header_index].index("SSID BSSID") + 4
    row = re.compile(rf"^\s*(?P<bssid>{MAC})?\s+(?P<rssi>-\d+)\s+(?P<channel>\d+)(?:,(?P<ext>[+-]?\d+))?\s+(?P<ht>[YN])\s+(?P<cc>\S+)\s+(?P<security>.*)$")
    result = []
    for line in lines[header_index + 1:]:
        if not line.strip():
            continue
        match = row.match(line[ssid_end:])
        if not match:
            raise ScanFormatError(_("A line of the %(tool)s output is not readable: %(line)s", tool="airport", line=repr(line[:60])))
        channel = int(match["channel"])
        width, center = 20, None
        if not numbered_channel(channel):  # in no band: named by its number in the analysis (off_band_networks)
            result.append(network(match["bssid"], line[:ssid_end].strip(), channel=channel, signal=int(match["rssi"])))
            continue
        freq = freq_of(channel)
        if match["ext"] in ("+1", "1", "-1"):
            width = 40
            center = freq + (10 if match["ext"] != "-1" else -10)
        elif match["ext"] in ("80", "160"):  # airport writes "149,80" / "36,160": the block's centre
            width = int(match["ext"])
            center = block_centre(channel, width, band_of(freq))
        security = match["security"].strip()
        result.append(network(match["bssid"], line[:ssid_end].strip(), freq=freq, signal=int(match["rssi"]),
                              width=width, center=center,
                              security="open" if security.upper() in ("NONE", "") else security))
    return result


# ---- WiGLE CSV ----

def _is_int(value):
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def parse_wigle(text):
    """WiGLE's CSV (an optional "WigleWifi-…" line, then the header). A last row cut short of the header's columns
    (the app stopped while writing, a partial copy) is left out; any other unreadable row is refused, by its line."""
    lines = text.splitlines()
    skipped = 0
    if lines and lines[0].startswith("WigleWifi-"):
        lines, skipped = lines[1:], 1
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    needed = {"MAC", "SSID", "AuthMode", "Channel", "RSSI"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise ScanFormatError(_("No WiGLE header (MAC,SSID,AuthMode,…,Channel,RSSI): not a WiGLE CSV."))
    result = []
    for row in reader:
        if (row.get("Type") or "WIFI") != "WIFI":
            continue
        try:
            channel = int(row["Channel"])
            rssi = int(row["RSSI"])
            freq = int(row["Frequency"]) if row.get("Frequency") else None
            freq = freq or None  # WiGLE 1.6 writes Frequency 0 beside Channel 0
        except (TypeError, ValueError):
            if reader.line_num == len(lines) and None in row.values():
                break  # the file stops inside its last row
            bad = next(key for key in ("Channel", "RSSI", "Frequency") if row.get(key) is None or not _is_int(row[key]))
            raise ScanFormatError(_("Line %(line)d of the WiGLE file has no number in %(column)s.", line=reader.line_num + skipped,
                                      column=bad)) from None
        if not _MAC.fullmatch(row["MAC"] or ""):
            raise ScanFormatError(_("A WiGLE Wi-Fi row has no MAC address."))
        result.append(network(row["MAC"], row["SSID"] or "", freq=freq, channel=channel if not freq else None,
                              signal=rssi, security=flags_to_security(row["AuthMode"])))
    return result


# ---- termux-wifi-scaninfo JSON, and ONTrack's own JSON (wifi scan --json) ----

def parse_termux(text):
    try:
        rows = json.loads(text)
    except ValueError:
        raise ScanFormatError(_("Not JSON.")) from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ScanFormatError(_("termux-wifi-scaninfo gives a JSON list of networks."))
    result = []
    for r in rows:
        try:
            freq = finite(r["frequency_mhz"], "frequency")
            width = _width_mhz(r.get("channel_bandwidth_mhz"))
            center = finite(r["center_frequency_mhz"], "centre") if r.get("center_frequency_mhz") else None
            rssi = finite(r["rssi"], "signal")
        except ScanFormatError:
            raise
        except (KeyError, TypeError, ValueError):
            raise ScanFormatError(_("A termux network lacks frequency_mhz or rssi.")) from None
        if r.get("bssid") not in (None, "") and not (isinstance(r["bssid"], str) and _MAC.fullmatch(r["bssid"])):
            raise ScanFormatError(_("A termux network's BSSID is not a MAC address."))
        result.append(network(r.get("bssid"), r.get("ssid") if isinstance(r.get("ssid"), str) else "", freq=freq,
                              signal=rssi, width=width, center=center))
    return result


WIDTHS_MHZ = (20, 40, 80, 160, 320)


def _width_mhz(value):
    """A channel width as JSON tools give it (80, "80", "80MHz", "80+80" = 160 in all) → MHz; unknown → 20."""
    text = str(value if value is not None else "").replace("MHz", "").strip()
    if text == "80+80":
        return 160
    try:
        width = int(finite(text, "width")) if text else 20
    except ValueError:
        return 20
    return width if width in WIDTHS_MHZ else 20


def parse_ontrack(text):
    try:
        data = json.loads(text)
        rows = data["networks"]
    except (ValueError, KeyError, TypeError):
        raise ScanFormatError(_("Not an ONTrack scan (JSON with \"networks\").")) from None
    if not isinstance(rows, list):
        raise ScanFormatError(_("\"networks\" must be a list."))
    result = []
    for r in rows:
        if not isinstance(r, dict):
            raise ScanFormatError(_("Each network must be an object."))
        try:
            freq = finite(r["freq_mhz"], "frequency") if r.get("freq_mhz") is not None else None
            channel = int(r["channel"]) if freq is None else None
            # null: heard but of unknown strength (a macOS scan analysed before); a missing key is refused
            signal = finite(r["signal_dbm"], "signal") if r["signal_dbm"] is not None else None
            width = _width_mhz(r.get("width_mhz"))
            centres = [finite(r[key], "centre") if r.get(key) else None for key in ("center_mhz", "center2_mhz")]
        except ScanFormatError:
            raise
        except (KeyError, TypeError, ValueError):
            raise ScanFormatError(_("A network lacks its channel or signal.")) from None
        bssid = r.get("bssid")
        if bssid not in (None, "") and (not isinstance(bssid, str) or not _MAC.fullmatch(bssid)):
            raise ScanFormatError(_("A BSSID is not a MAC address."))
        ssid = r.get("ssid") if isinstance(r.get("ssid"), str) else ""
        result.append(network(bssid, ssid, freq=freq, channel=channel, signal=signal, width=width,
                              center=centres[0], center2=centres[1], security=str(r.get("security") or "")))
    return result


# The tools with a module of their own build their networks with network() above.
from .macos import parse_macos  # noqa: E402
from .netsh import parse_netsh  # noqa: E402
from .nmcli import nmcli_command, parse_nmcli  # noqa: E402

PARSERS = {"iw": parse_iw, "iwlist": parse_iwlist, "iwinfo": parse_iwinfo, "nmcli": parse_nmcli, "netsh": parse_netsh,
           "airport": parse_airport, "macos": parse_macos, "wpa": parse_wpa, "wigle": parse_wigle,
           "termux": parse_termux, "ontrack": parse_ontrack}
READABLE = "iw, iwlist, iwinfo, nmcli, netsh, airport -s, macOS system_profiler -json, wpa_cli, WiGLE CSV, termux JSON"


def detect(text):
    """Name the format of a scan by its shape, or raise ScanFormatError."""
    head = text.lstrip()[:4096]
    document = json_text(text)
    if document is not None:
        return _detect_json(document)
    looks_json = head.startswith(("[", "{"))
    if looks_json and not re.match(r"\[[^\]\n]*@[^\]\n]*\]\s*[$#]", head):  # "[root@host ~]#" is a prompt
        return _detect_json(text)
    if head.startswith("WigleWifi-") or re.match(r"MAC,SSID,AuthMode", head):
        return "wigle"
    if "bssid / frequency / signal level" in head:
        return "wpa"
    if re.search(rf"(?m)^BSS {MAC}", head):
        return "iw"
    if re.search(r"(?m)^\s*Cell \d+ - Address:", head):
        iwinfo = re.search(r"(?m)^\s*Signal:\s*-?\d+\s*dBm|^\s*ESSID: |Mode: \w+\s+Frequency: ", head)
        return "iwinfo" if iwinfo else "iwlist"
    if re.search(r"(?m)^\s*SSID BSSID\s+RSSI CHANNEL", head):
        return "airport"
    if re.search(r"(?m)^SSID\s+\d+\s*:", head):
        return "netsh"
    if re.search(r"(?:[0-9A-Za-z*?#_.]{1,2}\\:){5}[0-9A-Za-z*?#_.]{1,2}", head) \
            or re.search(r"(?m)^\s*(?:IN-USE|\*)?\s*(?:BSSID\s+)?SSID\s+.*\bSIGNAL\b", head) \
            or any(nmcli_command(line) is not None for line in head.splitlines()[:3]):
        return "nmcli"
    raise ScanFormatError(_("This is not a Wi-Fi scan ONTrack can read (%(formats)s).", formats=READABLE))


def _detect_json(text):
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ScanFormatError(_("The file looks like JSON but is not valid JSON.")) from None
    if isinstance(data, dict) and "networks" in data:
        return "ontrack"
    if isinstance(data, dict) and "SPAirPortDataType" in data:
        return "macos"
    if isinstance(data, list):
        return "termux"
    raise ScanFormatError(_("This JSON is not a Wi-Fi scan ONTrack can read (%(formats)s).", formats=READABLE))


def parse(text, fmt="auto"):
    """Return (format, networks): one network per BSSID identity, the strongest reading.

    Raises ScanFormatError with a sentence for anything that is not a readable scan, and
    NoNetworksError when the file names networks but none of them can be used. A terminal copy
    (CRLF line ends, prompts before and after the output) reads as the output itself.
    Networks on no Wi-Fi band are left out (read_scan says which).
    """
    fmt, usable, _off_band = read_scan(text, fmt)
    return fmt, usable


def read_scan(text, fmt="auto"):
    """parse(), and what it left out: (format, networks, off_band), `off_band` the networks (network()'s
    shape, band None) whose channel or frequency is in no Wi-Fi band (WiGLE writes channel 0 on some
    rows; a driver's garbage), for guidance.analyze to name. Raises as parse()."""
    text = terminal_copy(text)
    if fmt in (None, "auto"):
        fmt = detect(text)
    if fmt not in PARSERS:
        raise ScanFormatError(_("Unknown format %(format)s; one of: auto, %(formats)s.", format=repr(fmt),
                                  formats=", ".join(FORMATS)))
    if fmt in ("macos", "termux", "ontrack"):
        text = json_text(text) or text
    try:
        networks = PARSERS[fmt](text)
    except ScanFormatError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError, csv.Error,
            RecursionError) as exc:
        raise ScanFormatError(_("The %(tool)s output could not be read (%(error)s).", tool=fmt,
                                error=type(exc).__name__)) from None
    usable = strongest_per_bssid(networks)
    if networks and not usable:
        raise NoNetworksError(_("The %(tool)s output names %(count)d network(s) but none on a Wi-Fi band ONTrack knows: run"
                                " '%(command)s' again and keep its whole output.", tool=fmt, count=len(networks),
                                command=COMMANDS[fmt]))
    return fmt, usable, [n for n in networks if n["band"] is None]
