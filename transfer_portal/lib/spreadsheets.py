"""Files that editors and visitors open in spreadsheet programs: one CSV writer (plain, or
"CSV für Excel") and XLSX, each cell kept from running as a formula."""

import csv
import io
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# German Excel reads UTF-8 (umlauts) only with it, and expects semicolons and a decimal comma.
BYTE_ORDER_MARK = "\ufeff"
EXCEL_DELIMITER = ";"


def defuse_formula(value):
    """Keep spreadsheet programs from running text like "=HYPERLINK(…)" as a formula.

    Text starting with a formula character gets a leading apostrophe; other values
    (numbers, dates, None) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(out, rows, *, excel=False):
    """Write `rows` (the header first) to `out`, anything with write(str), such as an
    HttpResponse: RFC 4180 with commas, or for Excel with semicolons after a byte-order
    mark and decimal commas. Every text cell is defused; numbers stay numbers and None is an
    empty cell."""
    cell = defuse_formula
    if excel:
        out.write(BYTE_ORDER_MARK)
        cell = excel_cell
    writer = csv.writer(out, delimiter=EXCEL_DELIMITER if excel else ",")
    for row in rows:
        writer.writerow([cell(value) for value in row])


def excel_cell(value):
    """A cell of the CSV for Excel: a decimal number with a decimal comma – German Excel
    reads "12.5" as the 12th of May and "33.3" as text – anything else as in every CSV."""
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return defuse_formula(value)


def csv_text(rows, *, excel=False):
    """The CSV of write_csv() as one string."""
    buffer = io.StringIO()
    write_csv(buffer, rows, excel=excel)
    return buffer.getvalue()


def xlsx_bytes(rows, sheet_title):
    """An Excel workbook with one sheet of `rows`, every text cell defused as in the CSV
    (openpyxl would store text starting with "=" as a formula)."""
    # Imported here: openpyxl is large, and only editors export (worker memory).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])  # Excel's limit for a sheet's name
    for row in rows:
        sheet.append([defuse_formula(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
