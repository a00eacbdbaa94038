"""Helpers for files that editors open in spreadsheet programs (CSV, XLSX)."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value):
    """Keep spreadsheet programs from running text like "=HYPERLINK(…)" as a formula.

    Text starting with a formula character gets a leading apostrophe; other values
    (numbers, dates, None) are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
