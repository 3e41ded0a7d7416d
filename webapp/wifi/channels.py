"""Channels, frequencies, bands and the spectrum an access point occupies."""
import functools
import json
import pathlib

from flask_babel import gettext as _

HERE = pathlib.Path(__file__).resolve().parent


def band_of(freq_mhz):
    """'2.4', '5' or '6' for a centre frequency in MHz (None if it is none of them)."""
    if freq_mhz is None:
        return None
    if 2400 <= freq_mhz <= 2500:
        return "2.4"
    if 5150 <= freq_mhz <= 5925:
        return "5"
    if 5925 < freq_mhz <= 7125:
        return "6"
    return None


def channel_of(freq_mhz):
    """The channel number of a 20 MHz centre frequency."""
    band = band_of(freq_mhz)
    if band == "2.4":
        return 14 if freq_mhz == 2484 else (freq_mhz - 2407) // 5
    if band == "5":
        return (freq_mhz - 5000) // 5
    if band == "6":
        return (freq_mhz - 5950) // 5
    return None


def numbered_channel(channel, band=None):
    """Whether `channel` is a channel number of `band` ("2.4": 1-14; "5": 32-177; "6": 1-233, IEEE 802.11 Annex E),
    or with no band, of 2.4 or 5 GHz. Any other number (0, 15-31, 178 on: a WiGLE row's 0, a driver's garbage, a
    macOS "0 (2GHz, 20MHz)") is in no band: named in the analysis, counted in no advice. 6 GHz channels come with
    their band or frequency."""
    if band == "6":
        return 1 <= channel <= 233
    if band == "5":
        return 32 <= channel <= 177
    if band == "2.4":
        return 1 <= channel <= 14
    return 1 <= channel <= 14 or 32 <= channel <= 177


def freq_of(channel, band=None):
    """The centre frequency of a channel; the band is guessed from the number when not given."""
    if band is None or band not in ("2.4", "5", "6"):
        band = "2.4" if 1 <= channel <= 14 else "5"
    if band == "2.4":
        return 2484 if channel == 14 else 2407 + 5 * channel
    if band == "5":
        return 5000 + 5 * channel
    return 5950 + 5 * channel


# 5 GHz bonding blocks (hostapd acs.c bw_40/bw_80/bw_160): the 20 MHz channels each wide channel joins.
BLOCKS_5 = {
    40: [(36, 40), (44, 48), (52, 56), (60, 64), (100, 104), (108, 112), (116, 120), (124, 128), (132, 136),
         (140, 144), (149, 153), (157, 161)],
    80: [(36, 40, 44, 48), (52, 56, 60, 64), (100, 104, 108, 112), (116, 120, 124, 128), (132, 136, 140, 144),
         (149, 153, 157, 161)],
}


def block_of(channel, width):
    """The 5 GHz block of `width` MHz that a channel belongs to, or None."""
    for block in BLOCKS_5.get(width, []):
        if channel in block:
            return block
    return None


def block_centre(channel, width, band):
    """Centre frequency (MHz) of the `width` MHz channel that a 20 MHz `channel` belongs to, or None.

    5 GHz: hostapd's bonding blocks (BLOCKS_5; 160 MHz = 36–64, 100–128, 149–177);
    6 GHz: 802.11ax Annex E, blocks aligned from channel 1 (40 MHz: 1+5 → 3; 80: → 7; 160: → 15; 320: → 31).
    """
    if width <= 20:
        return freq_of(channel, band)
    if band == "5":
        if width == 160:
            block = next(((first, first + 28) for first in (36, 100, 149) if first <= channel <= first + 28), None)
        else:
            found = block_of(channel, width)
            block = (found[0], found[-1]) if found else None
        return (freq_of(block[0], "5") + freq_of(block[1], "5")) // 2 if block else None
    if band == "6":
        size = width // 5
        first = (channel - 1) // size * size + 1
        return freq_of(first + size // 2 - 2, "6")
    return None


def span(freq_mhz, width_mhz, center_mhz=None):
    """(low, high) MHz that an AP occupies."""
    centre = center_mhz or freq_mhz
    return centre - width_mhz / 2, centre + width_mhz / 2


def spans(network):
    """[(low, high)] MHz a network dict occupies: one span, or two 80 MHz halves for 80+80."""
    if network.get("center2_mhz"):
        half = (network.get("width_mhz") or 160) / 4
        return [(c - half, c + half) for c in (network["center_mhz"], network["center2_mhz"])]
    return [span(network["freq_mhz"], network.get("width_mhz") or 20, network.get("center_mhz"))]


# What each encoding of an operating channel means (IEEE 802.11-2020 §9.4.2.158 Table 9-274 for VHT,
# §9.4.2.249 for the HE 6 GHz Operation Information, 802.11be §9.4.2.311 for EHT; iw's util.c and
# iwinfo's nl80211 printers show these fields as "channel width: 1 (80 MHz)", "Channel Width: 3",
# "Channel Width: 160 MHz" …). Segment numbers are channel numbers in the primary channel's band.
VHT_CODES = {0: None, 1: 80, 2: 160, 3: "80+80"}
HE6_CODES = {0: 20, 1: 40, 2: 80, 3: 160}


def operating_channel(freq_mhz, ht_offset=None, vht=None, he6=None, eht=None):
    """Width and centre(s) of a BSS from the operation elements it advertises.

    freq_mhz: primary 20 MHz channel; ht_offset: "above" / "below" / None (HT Operation);
    vht, he6, eht: (width, seg0, seg1) or None, where width is a code (VHT_CODES / HE6_CODES)
    or MHz as an int, or the string "80+80"; seg0/seg1 channel numbers (0 = absent).
    Returns (width_mhz, center_mhz, center2_mhz): center2_mhz only for 80+80 (then width 160).
    The richest element wins: EHT, then HE 6 GHz, then VHT, then HT (a BSS may keep an older
    element at a narrower width for older stations).
    Rule for 160 MHz (802.11-2016 and later): width 80 with segment 1 at ±8 channels from
    segment 0 is 160 MHz centred on segment 1; more than 16 channels apart is 80+80.
    """
    band = band_of(freq_mhz)
    for element, codes in ((eht, None), (he6, HE6_CODES), (vht, VHT_CODES)):
        if not element:
            continue
        width, seg0, seg1 = element
        if isinstance(width, int) and codes is not None and width in codes:
            width = codes[width]
        if width is None or not seg0:
            continue
        return _segments(band, width, seg0, seg1)
    if ht_offset in ("above", "below") and band in ("2.4", "5"):
        return 40, freq_mhz + (10 if ht_offset == "above" else -10), None
    return 20, None, None


def _segments(band, width, seg0, seg1):
    centre0 = freq_of(seg0, band)
    centre1 = freq_of(seg1, band) if seg1 else None
    distance = abs(seg1 - seg0) if seg1 else 0
    if width == "80+80":
        return (160, centre0, centre1) if seg1 else (80, centre0, None)
    if width in (80, 160) and distance == 8:
        return 160, centre1, None  # new encoding: segment 0 = primary 80, segment 1 = 160 MHz centre
    if width in (80, 160) and distance > 16:
        return 160, centre0, centre1  # 80+80 in the new encoding
    if width == 320 and distance == 16:
        return 320, centre1, None  # EHT: CCFS0 = primary 160, CCFS1 = 320 MHz centre
    if width in (160, 320) and seg1 and distance in (8, 16):
        return width, centre1, None
    return width, centre0, None


@functools.lru_cache(maxsize=None)
def _regdomains():
    return json.loads((HERE / "regdomains.json").read_text(encoding="utf-8"))


def domain(country):
    """The channel lists of a country (CN by default); raise ValueError for an unknown one."""
    data = _regdomains()
    code = (country or "CN").upper()
    code = data["aliases"].get(code, code)
    if code not in data["domains"]:
        raise ValueError(_("unknown country %(country)s; known: %(known)s", country=repr(country),
                           known=", ".join(sorted(data["domains"]))))
    return {"code": code, **data["domains"][code]}


def countries():
    return sorted(_regdomains()["domains"])
