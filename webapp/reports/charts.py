"""Server-drawn SVG bar charts (no script, no library): one bar per group, the KPI's rate in percent.

The chart is drawn at the size a phone shows it (CHART_WIDTH user units ≈ CSS pixels on a 390 px
screen, FONT_SIZE text), and the stylesheet caps how far a desk's wide screen scales it up
(`.chart`), so its words are neither tiny on a phone nor huge on a desk. A name longer than its
column is shortened with "…" (the full name is in the row's tooltip and the table below):
nothing is cut at the edge or drawn over a bar.
"""
import unicodedata

from markupsafe import Markup, escape

CHART_WIDTH, BAR_HEIGHT, GAP, FONT_SIZE = 360, 20, 8, 13
LABEL_MIN, LABEL_MAX, VALUE_WIDTH, PAD = 48, 132, 52, 6


def text_width(text, font_size=FONT_SIZE):
    """Estimate how wide a line of text is drawn (user units): CJK and other wide characters one em, the rest 0.7 em (DejaVu Sans, the widest fallback)."""
    return sum(font_size if unicodedata.east_asian_width(ch) in "WF" else font_size * 0.7 for ch in text)


def fit(text, width, font_size=FONT_SIZE):
    """The text, shortened with "…" where it would be wider than `width`."""
    if text_width(text, font_size) <= width:
        return text
    while text and text_width(text + "…", font_size) > width:
        text = text[:-1]
    return text + "…"


def bar_chart(items, title):
    """SVG for [(label, percent or None)]; a group with nothing counted shows '—'."""
    labels = [str(label) for label, _ in items]
    label_width = min(LABEL_MAX, max([LABEL_MIN, *(text_width(text) for text in labels)]) + PAD)
    bar_width = CHART_WIDTH - label_width - VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {CHART_WIDTH} {height}"'
             f' preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, (_, percent)) in enumerate(zip(labels, items)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        baseline = y + BAR_HEIGHT - 6
        width = 0 if percent is None else round(bar_width * min(max(percent, 0), 100) / 100, 1)
        shown = "—" if percent is None else f"{percent:g}%"
        parts.append(f'<g><title>{escape(label)}: {shown}</title>'
                     f'<text x="{label_width - PAD}" y="{baseline}" text-anchor="end" font-size="{FONT_SIZE}">'
                     f'{escape(fit(label, label_width - PAD))}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="#0b62c4"/>'
                     f'<text x="{label_width + width + 4}" y="{baseline}" font-size="{FONT_SIZE}">{shown}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
