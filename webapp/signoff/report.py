"""The visit report a customer signs: its canonical bytes, its hash, its PDF.

The report is a JSON object. Its canonical form is `json.dumps(..., ensure_ascii=False,
sort_keys=True, separators=(",", ":"))` encoded as UTF-8, which the phone reproduces
byte for byte (offline/app.js `canonical`), so a report signed offline carries a hash the
server can check. The stored report is never edited: signing again after a change makes
the next version.
"""
import functools
import hashlib
import hmac
import io
import json
import subprocess

SURVEY_ATTITUDES = ("satisfied", "average", "dissatisfied")
REPORT_KEYS = ("operator", "order_no", "order_version", "customer", "address", "technician", "found", "done",
               "measurements", "photos", "signer", "signer_role", "survey", "signature_sha256", "signed_at")


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


def pdf(report, report_hash, signature_png, tester_png=None, font=None, labels=None, verified=True, version=1):
    """Render the signed report as a PDF (bytes) with the Chinese text, the signature and the hash."""
    from fpdf import FPDF
    labels = labels or {}
    path, index = find_font(font)
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    if path.endswith((".ttc", ".otc")):
        doc.add_font("cjk", "", path, collection_font_number=index)
    else:
        doc.add_font("cjk", "", path)
    doc.set_font("cjk", size=16)
    doc.cell(0, 10, f"{report.get('operator', '')} · {labels.get('title', '装维服务报告')}", new_x="LMARGIN", new_y="NEXT")
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
        rows.append((labels.get("indicator", "测试指标"), f"{item.get('name', '')}: {item.get('value', '')}"))
    rows.append((labels.get("survey", "评价"), labels.get("survey_line") or json.dumps(survey, ensure_ascii=False)))
    rows.append((labels.get("signer", "签字人"), f"{report.get('signer', '')} {labels.get('signer_role_value', '')}".strip()))
    rows.append((labels.get("signed_at", "签字时间"), labels.get("signed_at_value") or report.get("signed_at", "")))
    for label, value in rows:
        if not str(value).strip():
            continue
        doc.set_font("cjk", size=9)
        doc.cell(28, 7, str(label))
        doc.set_font("cjk", size=10)
        doc.multi_cell(0, 7, str(value), new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.cell(0, 7, labels.get("signature", "客户签字"), new_x="LMARGIN", new_y="NEXT")
    doc.image(io.BytesIO(signature_png), w=70)
    if tester_png:
        doc.cell(0, 7, labels.get("tester_signature", "测试人签字"), new_x="LMARGIN", new_y="NEXT")
        doc.image(io.BytesIO(tester_png), w=70)
    doc.ln(3)
    doc.set_font("cjk", size=8)
    doc.multi_cell(0, 5, f"{labels.get('hash', 'SHA-256')}: {report_hash}", new_x="LMARGIN", new_y="NEXT")
    if verified:
        doc.multi_cell(0, 5, labels.get("verified", ""), new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
