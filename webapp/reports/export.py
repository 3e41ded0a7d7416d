"""The report as rows for Excel (openpyxl) and CSV: one line per dimension, group and KPI."""
import csv
import io

from openpyxl import Workbook

from .kpi import KPIS, rate

HEADER = ("dimension", "group", "kpi", "met", "total", "rate_percent")


def rows(report, name_of):
    """Yield (dimension, group label, kpi, met, total, rate) for every group, then the totals and breaches."""
    for dimension, groups in report["by"].items():
        for group in groups:
            label = name_of(dimension, group["key"])
            for kpi in KPIS:
                met, total = group["figures"][kpi]
                if total:
                    yield (dimension, label, kpi, met, total, rate((met, total)))
            for policy, count in sorted(group["breaches"].items()):
                yield (dimension, label, f"breach:{policy}", count, None, None)
    for kpi in KPIS:
        met, total = report["totals"][kpi]
        yield ("all", "", kpi, met, total, rate((met, total)))
    for policy, count in sorted(report["breaches"].items()):
        yield ("all", "", f"breach:{policy}", count, None, None)


def to_csv(report, name_of):
    """The report as CSV text (UTF-8 with a BOM, so Excel reads the Chinese names)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows(report, name_of):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def to_xlsx(report, name_of, titles):
    """The report as an .xlsx workbook's bytes: a summary sheet and one sheet per dimension.

    `titles` maps KPI codes to the reader's words for the header row.
    """
    book = Workbook()
    summary = book.active
    summary.title = "summary"
    summary.append(["period", report["first"], report["last"]])
    summary.append(["kpi", "title", "met", "total", "rate_percent"])
    for kpi in KPIS:
        met, total = report["totals"][kpi]
        summary.append([kpi, str(titles.get(kpi, kpi)), met, total, rate((met, total))])
    for policy, count in sorted(report["breaches"].items()):
        summary.append([f"breach:{policy}", str(titles.get(policy, policy)), count, None, None])
    for dimension, groups in report["by"].items():
        sheet = book.create_sheet(dimension)
        sheet.append(["group", *[f"{kpi}_met" for kpi in KPIS], *[f"{kpi}_total" for kpi in KPIS], "breaches"])
        for group in groups:
            sheet.append([name_of(dimension, group["key"]), *[group["figures"][k][0] for k in KPIS],
                          *[group["figures"][k][1] for k in KPIS], sum(group["breaches"].values())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
