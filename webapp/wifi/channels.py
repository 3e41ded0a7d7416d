"""Channels, frequencies, bands and the spectrum an access point occupies."""
import functools
import json
import pathlib

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


def freq_of(channel, band=None):
    """The centre frequency of a channel; the band is guessed from the number when not given."""
    if band is None:
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


def span(freq_mhz, width_mhz, center_mhz=None):
    """(low, high) MHz that an AP occupies."""
    centre = center_mhz or freq_mhz
    return centre - width_mhz / 2, centre + width_mhz / 2


@functools.lru_cache(maxsize=None)
def _regdomains():
    return json.loads((HERE / "regdomains.json").read_text(encoding="utf-8"))


def domain(country):
    """The channel lists of a country (CN by default); raise ValueError for an unknown one."""
    data = _regdomains()
    code = (country or "CN").upper()
    code = data["aliases"].get(code, code)
    if code not in data["domains"]:
        raise ValueError(f"unknown country {country!r}; known: {', '.join(sorted(data['domains']))}")
    return {"code": code, **data["domains"][code]}


def countries():
    return sorted(_regdomains()["domains"])
