"""Read the operation elements (HT, VHT, HE, EHT) that `iw … scan` and OpenWrt's `iwinfo … scan`
print for one BSS, and say which channel width and centre the BSS uses.

The two tools print the same elements with different words and numbering:

  iw     VHT operation:  * channel width: 1 (80 MHz)   * center freq segment 1: 42   (…segment 2: 50)
         HE Operation:   6 GHz Operation Information: Channel Width: 3, Center Frequency Segment 0/1
         EHT Operation:  Channel Width: 320 MHz, Center Frequency Segment 0/1
  iwinfo VHT Operation:  Center Frequency 1: 58, Center Frequency 2: 0, Channel Width: 80 MHz
         HE/EHT Operation: the same three lines

so a section is read by its shape: its header, the indented lines under it, a width that is a code
("1 (80 MHz)", "3") or MHz ("160 MHz", "80+80 MHz", "20 or 40 MHz"), and the centre segments in the
order their numbers give (whether a tool counts them from 0 or from 1). The meaning of the numbers
is channels.operating_channel's.
"""
import re

from .channels import operating_channel

_HEADER = re.compile(r"(?i)^(\s*)(?:\*\s*)?(EHT|VHT|HE|HT)\s+operation\s*:\s*$")
_FIELD = re.compile(r"^\s*(?:\*\s*)?([A-Za-z][A-Za-z0-9 ./-]*?)\s*:\s*(.*?)\s*$")


def sections(body):
    """{"HT": [(key, value)], "VHT": …, "HE": …, "EHT": …} for the operation elements in a BSS's text.

    A section is its header line and the lines indented deeper than it; sub-headers inside HE
    ("6 GHz Operation Information", "VHT Operation Information") are kept as marker keys.
    """
    found, current, indent = {}, None, 0
    for raw in body.splitlines():
        line = raw.expandtabs(8).rstrip()
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        header = _HEADER.match(line)
        if header:
            current, indent = header.group(2).upper(), depth
            found.setdefault(current, [])
            continue
        if current is None:
            continue
        if depth <= indent:
            current = None
            continue
        lowered = line.lower()
        if "6 ghz operation information" in lowered:
            found[current].append(("6 ghz", ""))
        elif "vht operation information" in lowered:
            found[current].append(("vht info", ""))
        field = _FIELD.match(line)
        if field:
            found[current].append((field.group(1).strip().lower(), field.group(2)))
    return found


def _width(value):
    """A width field → code (int ≤ 3), MHz (int), "80+80", or None ("20 or 40 MHz" says nothing more)."""
    value = value.strip()
    if "80+80" in value:
        return "80+80"
    code = re.match(r"^(\d+)\s*(?:\(|$)", value)
    if code:
        return int(code.group(1))
    mhz = re.fullmatch(r"(\d+)\s*MHz", value, flags=re.I)
    return int(mhz.group(1)) if mhz else None


def _element(fields):
    """(width, seg0, seg1) from one section's fields, or None."""
    width, segments = None, []
    for key, value in fields:
        if "width" in key and not key.startswith("sta "):
            width = _width(value)
        number = re.search(r"(?:segment|frequency|freq|ccfs)\s*(\d)", key)
        if ("center" in key or "centre" in key or key.startswith("ccfs")) and number:
            digits = re.match(r"\d+", value.strip())
            if digits:
                segments.append((int(number.group(1)), int(digits.group(0))))
    if width is None or not segments:
        return None
    segments.sort()
    seg0 = segments[0][1]
    seg1 = segments[1][1] if len(segments) > 1 else 0
    return width, seg0, seg1


def operating_channel_of(body, freq_mhz):
    """(width_mhz, center_mhz, center2_mhz) of the BSS whose iw/iwinfo text is `body`."""
    found = sections(body)
    offset = None
    for key, value in found.get("HT", []):
        if "secondary channel offset" in key:
            word = value.strip().lower()
            offset = word if word in ("above", "below") else None
    vht = _element(found.get("VHT", []))
    he = found.get("HE", [])
    he6 = _element(he)
    if he6 and any(key == "vht info" for key, _ in he) and not any(key == "6 ghz" for key, _ in he):
        vht, he6 = vht or he6, None  # HE's VHT Operation Information uses the VHT codes
    eht = _element(found.get("EHT", []))
    if eht and isinstance(eht[0], int) and eht[0] <= 4:  # a bare EHT code: 0–4 = 20/40/80/160/320 MHz
        eht = ({0: 20, 1: 40, 2: 80, 3: 160, 4: 320}[eht[0]], eht[1], eht[2])
    return operating_channel(freq_mhz, offset, vht=vht, he6=he6, eht=eht)
