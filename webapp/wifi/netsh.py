"""Windows `netsh wlan show networks mode=bssid` in any display language Windows ships, read by the
shape of the lines, not their labels. Signal % → dBm as % / 2 − 100 (Windows' linear scale)."""
import re

from flask_babel import gettext as _

from .parsers import _MAC, COMMANDS, NoNetworksError, ScanFormatError, network

# Right-to-left display languages (Arabic, Hebrew) put direction marks around values and labels.
BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

def parse_netsh(text):
    """Read by shape, not by label, so every display language Windows ships reads the same:
    'SSID n : name' opens a network, a MAC-like value (or a 'BSSID n' key) opens a BSSID, 'NN%'
    ('%NN' in Turkish) is its signal, a bare number after it the channel, 'N GHz' the band
    ('2,4 GHz' with a decimal comma). French typography puts a no-break space before each colon."""
    result, ssid, auth, ssid_values, current = [], None, "", [], None
    ssid_blocks = 0
    for raw in text.splitlines():
        line = BIDI_MARKS.sub("", raw.rstrip("\r"))
        if ":" not in line:
            continue
        key, _sep, value = line.partition(":") if not _MAC.search(line) else _split_mac_line(line)
        key, value = key.strip(), value.strip()
        if re.match(r"^SSID\s+\d+$", key) and not line[:1].isspace():
            _flush_netsh(current, result)
            current, ssid, ssid_values = None, value, []
            ssid_blocks += 1
            continue
        if not ssid_blocks:
            continue
        if _MAC.fullmatch(value) or re.fullmatch(r"BSSID\s*\d+", key):
            _flush_netsh(current, result)
            auth = ssid_values[1] if len(ssid_values) > 1 else ""
            current = {"bssid": value, "ssid": ssid, "signal": None, "channel": None, "band": None, "security": auth}
            continue
        if current is None:
            ssid_values.append(value)
            continue
        percent = re.fullmatch(r"(\d{1,3})\s*%|%\s*(\d{1,3})", value)
        if percent and current["signal"] is None:
            current["signal"] = int(percent.group(1) or percent.group(2))
        elif re.fullmatch(r"\d+([.,]\d+)?\s*GHz", value):
            current["band"] = value.split()[0].replace(",", ".")
        elif re.fullmatch(r"\d{1,3}", value) and current["signal"] is not None and current["channel"] is None:
            current["channel"] = int(value)
    _flush_netsh(current, result)
    if not ssid_blocks:
        raise ScanFormatError(_("No 'SSID n :' blocks: not 'netsh wlan show networks mode=bssid' output."))
    if not result:
        raise NoNetworksError(_(
            "This netsh output names %(count)d network(s) but has no BSSID, signal or channel lines: run '%(command)s'"
            " (mode=bssid is needed); some Wi-Fi drivers never give them, then scan with a phone app.",
            count=ssid_blocks, command=COMMANDS["netsh"]))
    return result


def _split_mac_line(line):
    match = _MAC.search(line)
    head = line[:match.start()]
    return head.rsplit(":", 1)[0], ":", line[match.start():match.end()]


def _flush_netsh(current, result):
    if current is None:
        return
    if current["signal"] is None or current["channel"] is None:
        raise ScanFormatError(_("BSSID %(bssid)s has no signal or channel.", bssid=current["bssid"] or _("(no address)")))
    band = {"2.4": "2.4", "5": "5", "6": "6"}.get(current["band"]) if current["band"] else None
    result.append(network(current["bssid"], current["ssid"], channel=current["channel"], band=band,
                          signal=current["signal"] / 2 - 100,
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
