"""Which channel the customer's router should use, and what else the technician should tell them.

Score of a candidate channel c (research/anchors-wifi.md §2.7, our synthesis of published
rules): the sum over neighbouring networks a of overlap(a, c) × weight(a), where
  overlap = 0 when their spectra do not meet, 1 on the same primary channel (802.11 shares a
            channel politely), 10 when they only partly overlap (Google Fiber waveguide: partial
            overlap is far worse), spans being width-aware (20/40/80/160/320 MHz, and both
            80 MHz halves of an 80+80 channel);
  weight  = 10^((dBm + 70) / 10), linear power relative to −70 dBm, and 0 below −85 dBm; a network
            heard but of unknown strength (macOS lists neighbours without a signal) weighs 1, as
            if at −70 dBm: it is there, so its channel is not empty;
times 0.8 for 2.4 GHz channels 1, 6 and 11 (hostapd's bias). The customer's own network is
left out. On 5 GHz each channel is tried at 80, 40 and 20 MHz within the country's bonding
blocks, and a DFS channel carries a penalty of one co-channel neighbour at −70 dBm. Lowest
score wins; ties go to 1/6/11, then wider, then the lower channel. offline/wifi.js scores the
same way on the phone (tests check they agree).
"""
import functools
import json
import math
import pathlib

from flask_babel import gettext as _

from .channels import BLOCKS_5, domain, freq_of, span, spans

HERE = pathlib.Path(__file__).resolve().parent
PARTIAL = 10
FLOOR_DBM = -85
BIAS_24 = {1: 0.8, 6: 0.8, 11: 0.8}
DFS_PENALTY = 1.0
GOOD_SIGNAL_DBM = -70
# An SSID is at most 32 octets (IEEE 802.11 §9.4.2.2); undecodable ones are shown as hex, 64 characters.
MAX_SSID = 64
MAX_SECURITY = 100
NUMBER_FIELDS = ("signal_dbm", "freq_mhz", "center_mhz", "channel", "width_mhz")
# A received signal a scan can report, in dBm: radiotap's antenna signal is a signed octet
# (−128 at the bottom), and nothing is heard stronger than the +20 dBm a 2.4 GHz router may
# transmit in China (MIIT 2002-353). Outside this a number is a typing slip, not a reading.
SIGNAL_RANGE_DBM = (-128, 20)
MAX_NETWORKS = 1000  # networks one survey on the order holds (the sync mutation order.wifi_survey refuses more)


def _finite(n):
    return all(n.get(key) is None or (isinstance(n[key], (int, float)) and math.isfinite(n[key])) for key in NUMBER_FIELDS)


def check_networks(networks):
    """Refuse a survey with a non-finite number, a signal outside SIGNAL_RANGE_DBM, or an over-long SSID or security string.

    Raises ValueError with a sentence for the technician.
    """
    for n in networks:
        if not _finite(n):
            raise ValueError(_("A network's signal or frequency is not a number."))
        low, high = SIGNAL_RANGE_DBM
        if n.get("signal_dbm") is not None and not low <= n["signal_dbm"] <= high:
            raise ValueError(_("A signal of %(signal)s dBm cannot be heard: a Wi-Fi signal lies between %(low)d and"
                               " %(high)d dBm (typically −90 to −30).", signal=f"{n['signal_dbm']:g}", low=low, high=high))
        if len(n.get("ssid") or "") > MAX_SSID or len(n.get("security") or "") > MAX_SECURITY:
            raise ValueError(_("An SSID is at most %(ssid)d characters and a security type at most %(security)d.",
                               ssid=MAX_SSID, security=MAX_SECURITY))


def usable(networks):
    """(networks with finite numbers, SSID and security cut to their limits; how many were left out)."""
    kept = [{**n, "ssid": (n.get("ssid") or "")[:MAX_SSID], "security": (n.get("security") or "")[:MAX_SECURITY]}
            for n in networks if _finite(n)]
    return kept, len(networks) - len(kept)


@functools.lru_cache(maxsize=1)
def messages():
    return json.loads((HERE / "messages.json").read_text(encoding="utf-8"))


def say(code, lang, **params):
    return messages()[code][lang].format(**params)


UNKNOWN_SIGNAL_WEIGHT = 1.0


def weight(signal_dbm):
    """Linear weight of a neighbour (see the module docstring); unknown signal → UNKNOWN_SIGNAL_WEIGHT."""
    if signal_dbm is None:
        return UNKNOWN_SIGNAL_WEIGHT
    if signal_dbm < FLOOR_DBM:
        return 0.0
    return 10 ** ((signal_dbm + 70) / 10)


def network_spans(n):
    """[(low, high)] MHz the network occupies (two for 80+80)."""
    return spans(n)


def candidates(band, allowed):
    """[(primary channel, width, (low, high))] for a band in a country."""
    if band == "2.4":
        return [(c, 20, span(freq_of(c, "2.4"), 20)) for c in allowed["2.4"]]
    result = []
    for c in allowed["5"]:
        for width in (80, 40, 20):
            if width == 20:
                block = (c,)
            else:
                block = next((b for b in BLOCKS_5[width] if c in b), None)
                if block is None or not all(ch in allowed["5"] for ch in block):
                    continue
            low = freq_of(block[0], "5") - 10
            high = freq_of(block[-1], "5") + 10
            result.append((c, width, (low, high)))
    return result


def score_band(networks, band, allowed):
    """Every candidate of a band with its score and the neighbours it counted."""
    # Spans and weights once per network; networks below the floor weigh nothing and drop out.
    neighbours = [(low, high, n["channel"], w, n) for n in networks if n["band"] == band
                  for w in (weight(n["signal_dbm"]),) if w for low, high in network_spans(n)]
    dfs = set(allowed.get("dfs", []))
    scored = []
    for primary, width, (cand_low, cand_high) in candidates(band, allowed):
        total, hits, counted = 0.0, [], set()
        for low, high, channel, w, n in neighbours:
            if high <= cand_low or low >= cand_high or id(n) in counted:
                continue  # (an 80+80 neighbour counts once even when both halves overlap)
            counted.add(id(n))
            total += w if channel == primary else PARTIAL * w
            hits.append(n)
        total *= BIAS_24.get(primary, 1.0) if band == "2.4" else 1.0
        penalty = DFS_PENALTY if band == "5" and any(ch in dfs for ch in _block(primary, width)) else 0.0
        scored.append({"channel": primary, "width_mhz": width, "score": round(total, 3), "rank": round(total + penalty, 3),
                       "dfs": bool(penalty), "hits": hits})
    scored.sort(key=lambda s: (s["rank"], 0 if (band == "2.4" and s["channel"] in BIAS_24) else 1, -s["width_mhz"], s["channel"]))
    return scored


def _block(primary, width):
    if width == 20:
        return (primary,)
    return next(b for b in BLOCKS_5[width] if primary in b)


def recommend(networks, country="CN", own_ssid=None, lang="zh"):
    """Return {"recommendation": {"2.4": …, "5": …}, "findings": [...], "channels": {band: [scored]}}."""
    allowed = domain(country)
    own = [n for n in networks if own_ssid and n["ssid"] == own_ssid]
    others = [n for n in networks if n not in own]
    recommendation, per_band = {}, {}
    for band in ("2.4", "5"):
        scored = score_band(others, band, allowed) if allowed.get(band) else []
        per_band[band] = [{k: v for k, v in s.items() if k != "hits"} for s in scored]
        if not scored:
            recommendation[band] = None
            continue
        best = scored[0]
        if best["hits"]:
            code, params = "reason_least", {"channel": best["channel"], "width": best["width_mhz"], "count": len(best["hits"]),
                                            "strongest": _strongest(best["hits"])}
        else:
            code, params = "reason_clear", {"channel": best["channel"], "width": best["width_mhz"]}
        recommendation[band] = {"channel": best["channel"], "width_mhz": best["width_mhz"], "score": best["score"],
                                "reason_code": code, "reason_params": params, "reason": say(code, lang, **params)}
    return {"recommendation": recommendation, "findings": findings(own, own_ssid, recommendation, per_band, allowed, lang),
            "channels": per_band, "country": allowed["code"]}


def findings(own, own_ssid, recommendation, per_band, allowed, lang):
    found = []

    def add(code, severity, **params):
        found.append({"code": code, "severity": severity, "params": params, "message": say(code, lang, **params)})

    if own_ssid and not own:
        add("own_not_found", "warning", ssid=own_ssid)
    for band in ("2.4", "5"):
        mine = [n for n in own if n["band"] == band and n["signal_dbm"] is not None]
        if not mine:
            continue
        best = max(mine, key=lambda n: n["signal_dbm"])
        if best["signal_dbm"] < GOOD_SIGNAL_DBM:
            add("weak_signal", "warning", ssid=own_ssid, signal=_num(best["signal_dbm"]))
        else:
            add("good_signal", "ok", ssid=own_ssid, signal=_num(best["signal_dbm"]))
        rec = recommendation.get(band)
        if rec and best["channel"] != rec["channel"]:
            add("change_channel", "warning", band=band, current=best["channel"], recommended=rec["channel"])
    if per_band.get("2.4") and min(s["score"] for s in per_band["2.4"]) >= 1:
        add("crowded_24", "warning")
    five = recommendation.get("5")
    if five and five["channel"] in allowed.get("dfs", []):
        add("dfs_channel", "info", channel=five["channel"])
    add("fix_channel", "info")
    add("band_advice", "info")
    add("wds_single_router", "info")
    return found


def _strongest(hits):
    known = [n["signal_dbm"] for n in hits if n["signal_dbm"] is not None]
    return _num(max(known)) if known else "?"


def _num(value):
    return int(value) if float(value).is_integer() else round(value, 1)


def strongest(networks, limit=MAX_NETWORKS):
    """(at most `limit` networks, the strongest kept; how many were left out). A network of unknown signal counts as weakest."""
    if len(networks) <= limit:
        return networks, 0
    ranked = sorted(networks, key=lambda n: -(n["signal_dbm"] if n.get("signal_dbm") is not None else 999))
    return ranked[:limit], len(networks) - limit


OFF_BAND_NAMED = 8  # channels named in the off_band_networks finding; more are "…"
OFF_BAND_KEPT = 1000  # off-band networks the answer carries ("off_band"), for the survey saved to say them again


def _unheard(off_band, networks):
    """The off-band readings (network()'s shape) as networks: one per BSSID identity (a reading without one
    stays on its own), none whose BSSID is also heard on a band (`networks`)."""
    heard = {n["bssid"] for n in networks if n.get("bssid")}
    seen, kept = set(), []
    for n in off_band:
        bssid = n.get("bssid")
        if bssid and (bssid in heard or bssid in seen):
            continue
        seen.add(bssid)
        kept.append(n)
    return kept


def _where(network):
    """(kind, sort key, label) of where an off-band network was heard: its channel number, else its frequency
    ("4920 MHz"), else "?"; a number of more than 6 digits is shown cut ("1234567…")."""
    for kind, value, unit in ((0, network.get("channel"), ""), (1, network.get("freq_mhz"), " MHz")):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if isinstance(value, float) and not math.isfinite(value):
            continue
        text = str(value) if isinstance(value, int) or not value.is_integer() else str(int(value))
        order = len(text.lstrip("-")) * (-1 if text.startswith("-") else 1)  # by size, then by text: no float of a huge int
        return kind, (order, text), (text if len(text) <= 7 else text[:7] + "…") + unit
    return 2, (0, ""), "?"


def analyze(fmt, networks, country="CN", own_ssid=None, lang="zh", off_band=()):
    """The whole answer: format, networks, recommendation per band, findings.

    A network whose signal or frequency is NaN or infinite (a broken driver, a hostile file) is
    left out and counted in a finding: no non-finite number reaches the scoring or the answer.
    A scan of more than MAX_NETWORKS (what a survey on the order holds) keeps the strongest and says
    how many of the weakest were left out, so that what is shown is what can be saved.
    A network whose channel or frequency is in no Wi-Fi band (a WiGLE row on channel 0 or 15, a
    driver's garbage), among `networks` or in `off_band` (parsers.read_scan's), is left out of the
    networks and the advice, and a finding says how many and names their channels (frequencies in
    MHz where the tool gave no channel): nothing is left out unsaid.
    """
    networks, left_out = usable(networks)
    off_band = [n for n in networks if n.get("band") is None] + list(off_band)
    networks = [n for n in networks if n.get("band") is not None]
    off_band = _unheard(off_band, networks)
    heard = len(networks)
    networks, too_many = strongest(networks)
    result = recommend(networks, country, own_ssid, lang)
    findings_ = result["findings"]
    if too_many:
        params = {"count": heard, "kept": len(networks), "left_out": too_many}
        findings_ = [{"code": "too_many_networks", "severity": "info", "params": params,
                      "message": say("too_many_networks", lang, **params)}] + findings_
    if off_band:
        where = sorted({_where(n) for n in off_band}, key=lambda w: (w[0], w[1]))
        named = ", ".join(label for _, _, label in where[:OFF_BAND_NAMED])
        params = {"count": len(off_band), "channels": named + (", …" if len(where) > OFF_BAND_NAMED else "")}
        findings_ = [{"code": "off_band_networks", "severity": "warning", "params": params,
                      "message": say("off_band_networks", lang, **params)}] + findings_
    if left_out:
        findings_ = [{"code": "unreadable_networks", "severity": "warning", "params": {"count": left_out},
                      "message": say("unreadable_networks", lang, count=left_out)}] + findings_
    return {"format": fmt, "country": result["country"], "own_ssid": own_ssid or None,
            "networks": sorted(networks, key=lambda n: (n["band"] or "", -(n["signal_dbm"] or -999))),
            "recommendation": result["recommendation"], "findings": findings_, "channels": result["channels"],
            "off_band": off_band[:OFF_BAND_KEPT]}


def to_store(recommendation, findings_):
    """The advice as it is stored: codes and numbers only, no sentence in anyone's language.

    Returns (recommendation, findings) copies without "reason"/"message"; `worded` puts the
    sentences back in the reader's language (issue 15 item 9).
    """
    stored_recs = {band: ({k: v for k, v in rec.items() if k != "reason"} if rec else None)
                   for band, rec in recommendation.items()}
    return stored_recs, [{k: v for k, v in f.items() if k != "message"} for f in findings_]


def worded(recommendation, findings_, lang):
    """Stored advice with its sentences in `lang` ("zh" or "en"): (recommendation, findings).

    Rows stored before codes were kept (a sentence, no params) are shown as they were written.
    """
    def reason(rec):
        if not rec or "reason_code" not in rec:
            return rec
        return {**rec, "reason": say(rec["reason_code"], lang, **rec.get("reason_params", {}))}

    def message(finding):
        if "params" not in finding or finding.get("code") not in messages():
            return finding
        return {**finding, "message": say(finding["code"], lang, **finding["params"])}

    return ({band: reason(rec) for band, rec in (recommendation or {}).items()}, [message(f) for f in findings_ or []])
