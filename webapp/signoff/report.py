"""The visit report a customer signs: its canonical bytes, its hash, its PDF.

The report is a JSON object. Its canonical form is `json.dumps(..., ensure_ascii=False,
sort_keys=True, separators=(",", ":"))` encoded as UTF-8, which the phone reproduces
byte for byte (offline/screens/signoff.js `canonical`), so a report signed offline carries a hash the
server can check. The stored report is never edited: signing again after a change makes
the next version.
"""
import functools
import hashlib
import hmac
import io
import json
import logging
import subprocess
import unicodedata

SURVEY_ATTITUDES = ("satisfied", "average", "dissatisfied")
LOG = logging.getLogger(__name__)
# Fallback fonts, tried in order for each character the CJK font lacks (Debian packages, installed by
# `make fonts`): HanaMinB = CJK Extension B–F (生僻字 in names, e.g. 𡉃 U+21243), HanaMinA = Extension A and
# rare compatibility ideographs, BabelStone Han = Extensions G and H (Unicode 13–15),
# Noto Color Emoji = emoji (fpdf2 draws its colour bitmaps), Symbola and
# Noto Sans Symbols 2 = dingbats and symbols (☠). Source: py-pdf/fpdf2 issues #637 and #1446.
FALLBACK_FAMILIES = ("HanaMinB", "HanaMinA", "BabelStone Han", "Noto Color Emoji", "Symbola", "Noto Sans Symbols2")
# Characters that shape others and draw nothing themselves (variation selectors, ZWJ): never "missing".
SILENT = {"\u200d", "\u200c", "\ufe0e", "\ufe0f", "\u20e3"}
REPORT_KEYS = ("operator", "order_no", "order_version", "customer", "address", "technician", "found", "done",
               "measurements", "photos", "signer", "signer_role", "survey", "signature_sha256", "signed_at")


def indicator_line(item, labels):
    """One test-report row as text: "name: value (standard: …) pass/FAIL" (webapp/enterprise/test_report.py)."""
    line = f"{item.get('name', '')}: {item.get('value', '')}"
    if item.get("standard"):
        line += f" ({labels.get('standard', '标准')}: {item['standard']})"
    verdict = {True: labels.get("passed", "合格"), False: labels.get("failed", "不合格")}.get(item.get("passed"))
    return f"{line} {verdict}" if verdict else line


def canonical(report):
    return json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(report):
    return hashlib.sha256(canonical(report)).hexdigest()


def report_token(secret_key, signoff_id):
    """The customer's permanent, unguessable link to one report (no storage: an HMAC)."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return hmac.new(key, f"report:{signoff_id}".encode(), hashlib.sha256).hexdigest()[:32]


def check_survey(survey):
    """Return the survey cleaned, or raise ValueError saying what is wrong (English, for logs)."""
    if not isinstance(survey, dict):
        raise ValueError("survey missing")
    solved, charged = survey.get("solved"), survey.get("charged")
    attitude, score = survey.get("attitude"), survey.get("score")
    suggestions = survey.get("suggestions", "")
    if not isinstance(solved, bool) or not isinstance(charged, bool):
        raise ValueError("solved and charged must be yes or no")
    if attitude not in SURVEY_ATTITUDES:
        raise ValueError("attitude must be satisfied, average or dissatisfied")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 10:
        raise ValueError("score must be a whole number from 1 to 10")
    if not isinstance(suggestions, str) or len(suggestions) > 500:
        raise ValueError("suggestions must be text of at most 500 characters")
    return {"solved": solved, "attitude": attitude, "charged": charged, "score": score, "suggestions": suggestions.strip()}


@functools.lru_cache(maxsize=4)
def find_font(configured=None):
    """(path, collection index) of a CJK font to embed: the configured one, else fontconfig's Noto Sans CJK SC."""
    if configured:
        path, _, index = configured.partition(":")
        return path, int(index or 0)
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    path, _, index = out.rpartition(":")
    if not path or "CJK" not in path and "cjk" not in path.lower():
        raise RuntimeError("No CJK font found for the PDF: install fonts-noto-cjk (make run does) or set ONTRACK_PDF_FONT.")
    return path, int(index or 0)


@functools.lru_cache(maxsize=1)
def fallback_fonts():
    """[(family, path, collection index)] of the FALLBACK_FAMILIES fontconfig has (missing ones left out)."""
    found = []
    for family in FALLBACK_FAMILIES:
        try:
            out = subprocess.run(["fc-match", "-f", "%{family}|%{file}|%{index}", family],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        names, _, rest = out.partition("|")
        path, _, index = rest.rpartition("|")
        if path and family.lower() in names.lower():
            found.append((family, path, int(index or 0)))
    return found


@functools.lru_cache(maxsize=16)
def _cmap(path, index):
    from fontTools.ttLib import TTFont
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def drawable(text, fonts):
    """`text` with every character none of `fonts` [(path, index)] can draw written as [U+XXXX], and those characters."""
    cmaps = [_cmap(path, index) for path, index in fonts]
    out, missing = [], []
    for ch in text:
        if ch in SILENT or unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch == " ":
            out.append(ch if ch not in SILENT else "")
        elif any(ord(ch) in cmap for cmap in cmaps):
            out.append(ch)
        else:
            out.append(f"[U+{ord(ch):04X}]")
            missing.append(ch)
    return "".join(out), missing


def _fallbacks_needed(path, index, text):
    """[(path, index)] of the fallback fonts that draw a character of `text` the main font lacks, in
    FALLBACK_FAMILIES order; embedding only those keeps an ordinary report as small and quick as before."""
    lacking = {ord(ch) for ch in set(text)} - _cmap(path, index)
    chosen = []
    for _family, fallback_path, fallback_index in fallback_fonts():
        if not lacking:
            break
        covered = lacking & _cmap(fallback_path, fallback_index)
        if covered:
            chosen.append((fallback_path, fallback_index))
            lacking -= covered
    return chosen


def _add_font(doc, name, path, index):
    if path.lower().endswith((".ttc", ".otc")):
        doc.add_font(name, "", path, collection_font_number=index)
    else:
        doc.add_font(name, "", path)


def pdf(report, report_hash, signature_png, tester_png=None, font=None, labels=None, verified=True, version=1):
    """Render the signed report as a PDF (bytes) with the Chinese text, the signature and the hash.

    Every character is drawn with the CJK font or a fallback (fallback_fonts()); one that no font
    has is printed as [U+XXXX], logged with the order number, and the PDF says so under the hash
    (labels["undrawable"]) instead of dropping it. Raises RuntimeError when no CJK font is installed.
    """
    from fpdf import FPDF
    labels = labels or {}
    path, index = find_font(font)
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    _add_font(doc, "cjk", path, index)
    fonts = [(path, index)] + _fallbacks_needed(path, index, json.dumps([report, labels], ensure_ascii=False))
    for number, (fallback_path, fallback_index) in enumerate(fonts[1:]):
        _add_font(doc, f"fallback{number}", fallback_path, fallback_index)
    doc.set_fallback_fonts([f"fallback{n}" for n in range(len(fonts) - 1)], exact_match=False)
    missing = []

    def text(value):
        shown, lacking = drawable(str(value), fonts)
        missing.extend(lacking)
        return shown

    doc.set_font("cjk", size=16)
    doc.cell(0, 10, text(f"{report.get('operator', '')} · {labels.get('title', '装维服务报告')}"), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=10)
    rows = [
        (labels.get("order_no", "工单"), f"{report['order_no']} · v{version}"),
        (labels.get("customer", "客户"), report.get("customer", "")),
        (labels.get("address", "地址"), report.get("address", "")),
        (labels.get("technician", "装维人员"), report.get("technician", "")),
        (labels.get("found", "发现"), report.get("found", "")),
        (labels.get("done", "处理"), report.get("done", "")),
        (labels.get("remarks", "装维人员说明"), report.get("remarks", "")),
    ]
    for item in report.get("measurements", []):
        rows.append((labels.get("measured", "测量"), f"{item.get('what', '')}: {item.get('value', '')}"))
    for item in (report.get("test_report") or {}).get("indicators", []):
        rows.append((labels.get("indicator", "测试指标"), indicator_line(item, labels)))
    if (report.get("test_report") or {}).get("remark"):
        rows.append((labels.get("test_remark", "测试人说明"), report["test_report"]["remark"]))
    rows.append((labels.get("survey", "评价"), labels.get("survey_line") or json.dumps(report.get("survey", {}), ensure_ascii=False)))
    rows.append((labels.get("signer", "签字人"), f"{report.get('signer', '')} {labels.get('signer_role_value', '')}".strip()))
    rows.append((labels.get("signed_at", "签字时间"), labels.get("signed_at_value") or report.get("signed_at", "")))
    for label, value in rows:
        if not str(value).strip():
            continue
        doc.set_font("cjk", size=9)
        doc.cell(28, 7, text(label))
        doc.set_font("cjk", size=10)
        doc.multi_cell(0, 7, text(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.cell(0, 7, text(labels.get("signature", "客户签字")), new_x="LMARGIN", new_y="NEXT")
    doc.image(io.BytesIO(signature_png), w=70)
    if tester_png:
        doc.cell(0, 7, text(labels.get("tester_signature", "测试人签字")), new_x="LMARGIN", new_y="NEXT")
        doc.image(io.BytesIO(tester_png), w=70)
    doc.ln(3)
    doc.set_font("cjk", size=8)
    doc.multi_cell(0, 5, text(f"{labels.get('hash', 'SHA-256')}: {report_hash}"), new_x="LMARGIN", new_y="NEXT")
    if verified:
        doc.multi_cell(0, 5, text(labels.get("verified", "")), new_x="LMARGIN", new_y="NEXT")
    if missing:
        codes = " ".join(sorted({f"U+{ord(ch):04X}" for ch in missing}))
        LOG.warning("order %s v%s: the PDF cannot draw %s", report.get("order_no"), version, codes)
        note = labels.get("undrawable", "本 PDF 无法显示的字符以 [U+编码] 表示；签字的报告原文中这些字符没有改变。")
        doc.multi_cell(0, 5, text(f"{note} ({codes})"), new_x="LMARGIN", new_y="NEXT")
    data = bytes(doc.output())
    for embedded in doc.fonts.values():  # fpdf2 opens fonts lazily and leaves colour fonts open
        ttfont = getattr(embedded, "ttfont", None)
        if ttfont is not None:
            ttfont.close()
    return data
