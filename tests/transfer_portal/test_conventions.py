"""One way for each convention: checks over the source that keep a second way from coming
back (issue "Lean core", section 3)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FOLDERS = ("transfer_portal", "projects", "surveys", "offers", "bin", "benchmarks")


def source_files():
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def files_matching(pattern):
    return sorted(
        str(path.relative_to(ROOT)) for path, text in source_files() if re.search(pattern, text)
    )


def test_only_the_library_writes_csv_files():
    """Byte-order mark, semicolons for Excel and defused formulas in one place."""
    assert files_matching(r"csv\.(writer|DictWriter)\(|\\ufeff") == [
        "transfer_portal/lib/spreadsheets.py"
    ]
    assert files_matching(r"openpyxl") == ["transfer_portal/lib/spreadsheets.py"]
