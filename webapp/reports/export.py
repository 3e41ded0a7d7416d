"""The report as rows for Excel (openpyxl) and CSV: one line per dimension, group and KPI."""
import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from .kpi import KPIS, rate

HEADER = ("dimension", "group", "kpi", "met", "total", "rate_percent")
# A cell text starting with one of these is read as a formula by Excel, LibreOffice or WPS (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text value that would start a formula gets a leading single quote (OWASP CSV Injection); others pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _append(sheet, values):
    """Append a row; every text cell is stored as a string cell, never a formula.

    openpyxl turns any str starting with "=" into a formula cell (data_type "f"); here such a cell is set back
    to a plain string and marked quotePrefix, so the spreadsheet shows the text and never evaluates it.
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_STARTS)):
            cell.data_type = TYPE_STRING
            cell.quotePrefix = True


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
        writer.writerow(["" if value is None else csv_safe(value) for value in row])
    return out.getvalue()


def to_xlsx(report, name_of, titles):
    """The report as an .xlsx workbook's bytes: a summary sheet and one sheet per dimension.

    `titles` maps KPI codes to the reader's words for the header row.
    """
    book = Workbook()
    summary = book.active
    summary.title = "summary"
    _append(summary, ["period", report["first"], report["last"]])
    _append(summary, ["kpi", "title", "met", "total", "rate_percent"])
    for kpi in KPIS:
        met, total = report["totals"][kpi]
        _append(summary, [kpi, str(titles.get(kpi, kpi)), met, total, rate((met, total))])
    for policy, count in sorted(report["breaches"].items()):
        _append(summary, [f"breach:{policy}", str(titles.get(policy, policy)), count, None, None])
    for dimension, groups in report["by"].items():
        sheet = book.create_sheet(dimension)
        _append(sheet, ["group", *[f"{kpi}_met" for kpi in KPIS], *[f"{kpi}_total" for kpi in KPIS], "breaches"])
        for group in groups:
            _append(sheet, [name_of(dimension, group["key"]), *[group["figures"][k][0] for k in KPIS],
                          *[group["figures"][k][1] for k in KPIS], sum(group["breaches"].values())])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
