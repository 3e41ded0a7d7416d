"""Wi-Fi endpoints: analyse an uploaded scan (the phone, online), scan live (a laptop running ONTrack)."""
from flask import current_app, jsonify, render_template, request
from flask_babel import get_locale, gettext as _
from flask_login import login_required

from . import bp, guidance, parsers, scan
from .channels import countries


def lang():
    return "en" if str(get_locale()) == "en" else "zh"


def _options():
    country = (request.form.get("country") or "CN")[:8]
    own = (request.form.get("own_ssid") or "").strip()[:64] or None
    return country, own


# The first bytes of files a technician may pick by mistake from the phone's gallery or downloads.
NOT_SCANS = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG", "PNG"), (b"GIF8", "GIF"), (b"RIFF", "WebP"), (b"%PDF", "PDF"),
             (b"PK\x03\x04", "ZIP"))


def picked_by_mistake(head):
    """The kind of a file that is surely not a scan ("JPEG", "HEIC" …), from its first bytes, or None."""
    for magic, kind in NOT_SCANS:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":  # HEIC/HEIF/AVIF photos and MP4 videos
        return "HEIC" if head[8:12] in (b"heic", b"heix", b"mif1", b"msf1") else "MP4"
    return None


@bp.post("/api/wifi/analyze")
@login_required
def analyze_upload():
    """A scan file from the phone → networks, recommendation and findings (nothing stored)."""
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        return jsonify(error=_("Choose a scan file.")), 400
    country, own = _options()
    data = upload.read(parsers.MAX_BYTES + 1)
    kind = picked_by_mistake(data[:16])
    if kind:
        return jsonify(error=_("This is a %(kind)s file (a picture or a document), not a Wi-Fi scan. Choose the text file"
                               " the scan tool saved (iw, nmcli, netsh, WiGLE …).", kind=kind), code="not_a_scan"), 422
    try:
        text = parsers.decode_file(data)
        fmt, networks, off_band = parsers.read_scan(text, request.form.get("format") or "auto")
        return jsonify(guidance.analyze(fmt, networks, country, own, lang(), off_band))
    except parsers.NoNetworksError as exc:
        return jsonify(error=_("No network in this scan file can be read: %(why)s", why=str(exc))), 422
    except parsers.ScanFormatError as exc:
        return jsonify(error=_("This file is not a Wi-Fi scan ONTrack can read: %(why)s", why=str(exc))), 422
    except ValueError as exc:
        return jsonify(error=str(exc)), 400


@bp.get("/wifi/live")
@login_required
def live_page():
    """The page a technician opens on a Linux laptop that runs ONTrack: scan here, now."""
    from ..sync.reference import wifi_reference
    return render_template("wifi/live.html", countries=countries(), wifi_reference=wifi_reference())


@bp.post("/wifi/live")
@login_required
def live_scan():
    country, own = _options()
    try:
        networks = scan.live_scan(request.form.get("iface") or None, current_app.config.get("WIFI_CTRL_DIR"),
                                  wait=current_app.config.get("WIFI_SCAN_WAIT_SECONDS", 3.0))
        return jsonify(guidance.analyze("pywifi", networks, country, own, lang()))
    except scan.ScanError as exc:
        return jsonify(error=str(exc)), 503
    except ValueError as exc:
        return jsonify(error=str(exc)), 400
