"""One way for each convention: checks over the source that keep a second way from coming
back (issue "Lean core", section 3)."""

import ast
import re
from pathlib import Path

from allauth.account.signals import password_reset
from django.apps import apps
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)

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


def _connect_calls():
    """Every `<signal>.connect(…)` in the source, with the function it is made in."""
    for path, text in source_files():
        tree = ast.parse(text, filename=str(path))
        enclosing = {}
        for function in ast.walk(tree):  # outer functions first: the innermost name wins
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                enclosing.update(dict.fromkeys(ast.walk(function), function.name))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
            ):
                at = f"{path.relative_to(ROOT)}:{node.lineno}"
                yield at, enclosing.get(node, "module"), node


def test_signals_are_connected_in_app_configs_ready_not_with_the_receiver_decorator():
    assert files_matching(r"\breceiver\b") == []
    calls = list(_connect_calls())
    assert calls, "no signal connected any more?"
    # Each app's AppConfig.ready() calls its modules' connect_signals(); nothing connects
    # a receiver as a side effect of being imported.
    assert {where for _at, where, _call in calls} <= {"connect_signals", "ready"}


def test_every_receiver_is_connected_with_a_dispatch_uid():
    """Connected twice (ready() runs again, a module imported under two names), a receiver
    without one would run twice."""
    missing = [
        at
        for at, _where, call in _connect_calls()
        if not any(keyword.arg == "dispatch_uid" for keyword in call.keywords)
    ]
    assert missing == []


def test_running_every_apps_ready_again_connects_nothing_twice():
    signals = [pre_save, post_save, pre_delete, post_delete, m2m_changed, post_migrate]
    signals.append(password_reset)
    before = [len(signal.receivers) for signal in signals]
    for config in apps.get_app_configs():
        config.ready()
    assert [len(signal.receivers) for signal in signals] == before


def _private_imports():
    for path, text in source_files():
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                modules, names = [alias.name for alias in node.names], []
            else:
                continue
            for module in modules:
                if module.split(".")[0] not in ("django", "allauth"):
                    continue
                parts = module.split(".")
                if "internal" in parts or any(part.startswith("_") for part in parts):
                    yield f"{path.relative_to(ROOT)}: {module}"
                yield from (
                    f"{path.relative_to(ROOT)}: {module}.{name}"
                    for name in names
                    if name.startswith("_")
                )


def test_nothing_imports_private_parts_of_django_or_allauth():
    """Underscore names and allauth's `internal` packages change without notice. Where
    there is no public way, the code says why and a test fails when it breaks (the search's
    StoredColumn, the adapter's _get_login_attempts_cache_key override)."""
    assert list(_private_imports()) == []
