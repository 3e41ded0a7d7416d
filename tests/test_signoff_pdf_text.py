"""The signed PDF draws every character a Chinese name or a suggestion can hold (fallback fonts),
and says so when one cannot be drawn: the handed case from ../shared and generated names."""
import io
import json
import pathlib

import pypdfium2 as pdfium
import pytest
from PIL import Image

from webapp.signoff import report

CASE = pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "public-cases" / "pdf-rare-cjk-and-emoji"


def white_png():
    out = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(out, "PNG")
    return out.getvalue()


def pdf_text(data):
    document = pdfium.PdfDocument(data)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def sample(**changes):
    body = {"operator": "示例宽带", "order_no": "WO-9", "customer": "李四", "address": "示例路2号", "technician": "张三",
            "found": "光猫 LOS 红灯", "done": "更换尾纤", "measurements": [], "photos": [], "signer": "李四",
            "signer_role": "customer", "survey": {"solved": True, "attitude": "satisfied", "charged": False, "score": 10,
                                                  "suggestions": ""},
            "signature_sha256": "0" * 64, "signed_at": "2026-11-30T02:00:00Z"}
    body.update(changes)
    return body


@pytest.mark.public_case
def test_rare_cjk_name_and_emoji_of_the_public_case_are_all_in_the_pdf(caplog):
    body = json.loads((CASE / "report.json").read_text(encoding="utf-8"))
    line = f"已解决 · 满意 · 未收费 · 评分: 9 · {body['survey']['suggestions']}"
    text = pdf_text(report.pdf(body, report.digest(body), white_png(), labels={"survey_line": line}))
    assert text.count("王𡉃") == 2
    for piece in ("🔧", "👍", "🔴🟢🔵💀☠", "更换尾纤"):
        assert piece in text
    assert "[U+" not in text and "cannot draw" not in caplog.text


# One name per block a Chinese name can draw on: common, Extension A, B, C, D, E, F, G, H, compatibility.
NAMES = ["王小明", "王㐀", "王𡉃", "王𪜀", "王𫝀", "王𫠠", "王𬺰", "王𰀀", "王\U00031350", "王兀"]


@pytest.mark.parametrize("name", NAMES)
def test_every_block_of_cjk_ideographs_is_drawn(name):
    body = sample(customer=name, signer=name)
    text = pdf_text(report.pdf(body, report.digest(body), white_png()))
    assert text.count(name) == 2 and "[U+" not in text


def test_emoji_and_symbols_typed_on_phones_are_drawn():
    suggestions = "好评😀🙏🏻❤️👨‍👩‍👧🀄☎✔⚡€"
    body = sample(survey={**sample()["survey"], "suggestions": suggestions})
    text = pdf_text(report.pdf(body, report.digest(body), white_png()))
    for ch in "好评😀🙏🏻❤👨👩👧🀄☎✔⚡€":
        assert ch in text, ch
    assert "[U+" not in text


def test_a_character_no_font_has_is_shown_as_its_code_and_the_pdf_says_so(caplog):
    body = sample(customer="王\U0002EBF0")  # CJK Extension I (Unicode 15.1): in no installed font
    labels = {"undrawable": "Characters this PDF cannot draw are shown as [U+code]."}
    text = pdf_text(report.pdf(body, report.digest(body), white_png(), labels=labels))
    assert "王[U+2EBF0]" in text
    assert "Characters this PDF cannot draw" in text and "U+2EBF0" in text.split("cannot draw", 1)[1]
    assert "WO-9" in caplog.text and "U+2EBF0" in caplog.text


def test_pdf_without_a_survey_line_does_not_fail():
    body = sample()
    assert "satisfied" in pdf_text(report.pdf(body, report.digest(body), white_png()))
