"""macOS `system_profiler -json SPAirPortDataType`: the only scan a Mac can export since `airport`
was removed in macOS 14.4.

Shape: {"SPAirPortDataType": [{"spairport_airport_interfaces": [interface, …]}]}; each interface
may list `spairport_airport_other_local_wireless_networks`, each with `_name` (SSID),
`spairport_network_channel` ("44 (5GHz, 80MHz)" on macOS 13+, a bare number or "1,+1" on
macOS 12), `spairport_signal_noise` ("-39 dBm / -97 dBm", signal first; macOS 15 gives it only
for the joined network) and `spairport_security_mode`. macOS hides BSSIDs, so every entry is its
own network. The joined network (`spairport_current_network_information`) lends its signal to its
entry in the list when that entry has none; it is not added a second time.
"""
import re

from flask_babel import gettext as _

from . import parsers
from .channels import block_centre, freq_of

SECURITY = {"none": "open", "wep": "WEP", "wpa_personal": "WPA-PSK", "wpa2_personal": "WPA2-PSK",
            "wpa_wpa2_personal": "WPA2-PSK", "wpa3_personal": "WPA3-SAE", "wpa2_wpa3_personal": "WPA2-PSK+SAE",
            "wpa_enterprise": "WPA-EAP", "wpa2_enterprise": "WPA2-EAP", "wpa3_enterprise": "WPA2-EAP",
            "owe": "OWE", "owe_transition": "OWE"}
BANDS = {"2": "2.4", "2.4": "2.4", "5": "5", "6": "6"}


def parse_macos(text):
    """Return the networks in a system_profiler JSON text (see the module docstring)."""
    data = parsers.json.loads(text)
    try:
        interfaces = [i for entry in data["SPAirPortDataType"] for i in entry.get("spairport_airport_interfaces", [])]
    except (KeyError, TypeError, AttributeError):
        raise parsers.ScanFormatError(_("This system_profiler JSON has no SPAirPortDataType interfaces: run"
                                        " 'system_profiler -json SPAirPortDataType'.")) from None
    result = []
    for interface in interfaces:
        if not isinstance(interface, dict):
            continue
        current = interface.get("spairport_current_network_information")
        for entry in interface.get("spairport_airport_other_local_wireless_networks") or []:
            if isinstance(entry, dict):
                result.append(_network(entry, current if isinstance(current, dict) else {}))
    return result


def _network(entry, current):
    channel, band, width, above = _channel(entry.get("spairport_network_channel"))
    signal = _signal(entry.get("spairport_signal_noise"))
    same = (current.get("_name") == entry.get("_name")
            and _channel(current.get("spairport_network_channel"))[0] == channel)
    if signal is None and same:
        signal = _signal(current.get("spairport_signal_noise"))
    band = band or ("2.4" if channel <= 14 else "5")
    centre = None
    if width == 40 and band == "2.4":
        if above is None:  # "6 (2GHz, 40MHz)" says no side: 1–7 may bond above, 8–13 only below (802.11n)
            above = channel <= 7
        centre = freq_of(channel, band) + (10 if above else -10)
    elif width > 20:
        centre = block_centre(channel, width, band)
    mode = str(entry.get("spairport_security_mode") or "").replace("spairport_security_mode_", "")
    ssid = entry.get("_name") if isinstance(entry.get("_name"), str) else ""
    return parsers.network(None, ssid, channel=channel, band=band, signal=signal, width=width, center=centre,
                           security=SECURITY.get(mode, mode.replace("_", " ")))


def _channel(value):
    """(channel, band or None, width MHz, secondary above? or None) from any spelling macOS has used."""
    text = str(value if value is not None else "").strip()
    full = re.fullmatch(r"(\d+)\s*\((\d(?:\.\d)?)\s*GHz,\s*(\d+)\s*MHz\)", text)
    if full:
        return int(full.group(1)), BANDS.get(full.group(2)), int(full.group(3)), None
    paired = re.fullmatch(r"(\d+)\s*,\s*([+-]?\d+)", text)
    if paired:
        extra = paired.group(2)
        if extra in ("+1", "1", "-1"):
            return int(paired.group(1)), None, 40, extra != "-1"
        if extra in ("80", "160"):
            return int(paired.group(1)), None, int(extra), None
        return int(paired.group(1)), None, 20, None
    if re.fullmatch(r"\d+", text):
        return int(text), None, 20, None
    raise parsers.ScanFormatError(_("A macOS network has no channel ONTrack can read: %(value)s", value=repr(text[:40])))


def _signal(value):
    match = re.match(r"\s*(-?\d+(?:\.\d+)?)\s*dBm", str(value or ""))
    return float(match.group(1)) if match else None
