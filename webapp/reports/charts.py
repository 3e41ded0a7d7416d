"""Server-drawn SVG bar charts (no script, no library): one bar per group, the KPI's rate in percent."""
from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 18, 6, 140, 260


def bar_chart(items, title):
    """SVG for [(label, percent or None)]; a group with nothing counted shows '—'."""
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {LABEL_WIDTH + BAR_WIDTH + 60} {height}"'
             f' width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for index, (label, percent) in enumerate(items):
        y = GAP + index * (BAR_HEIGHT + GAP)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 5}" text-anchor="end" font-size="12">{escape(str(label)[:18])}</text>')
        width = 0 if percent is None else round(BAR_WIDTH * percent / 100, 1)
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" fill="#0b62c4"/>')
        shown = "—" if percent is None else f"{percent:g}%"
        parts.append(f'<text x="{LABEL_WIDTH + width + 4}" y="{y + BAR_HEIGHT - 5}" font-size="12">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
