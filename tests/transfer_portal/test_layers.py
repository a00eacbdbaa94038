"""The three layers (README, "Aufbau"): imports point down only.

transfer_portal/            configuration (settings, root URLs, WSGI/ASGI)
transfer_portal/portal/     cross-app portal features: may import everything below
projects/ surveys/ offers/  domain apps: the library, each other, never the portal features
transfer_portal/lib/        shared library: imports no domain app and no portal feature
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("projects", "surveys", "offers")
PORTAL = "transfer_portal.portal"


def imported_modules(path):
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            # "from transfer_portal import portal" names the package it imports.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def python_files(folder):
    return sorted((ROOT / folder).rglob("*.py"))


def is_within(module, package):
    return module == package or module.startswith(package + ".")


def offences(files, forbidden):
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} imports {module}"
        for path in files
        for module in imported_modules(path)
        if any(is_within(module, package) for package in forbidden)
    ]


def test_the_library_imports_no_domain_app_and_no_portal_feature():
    files = python_files("transfer_portal/lib")
    assert files, "the library moved?"
    assert offences(files, (*DOMAIN_APPS, PORTAL, "benchmarks")) == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_a_domain_app_never_imports_the_portal_features(app):
    files = python_files(app)
    assert files
    assert offences(files, (PORTAL, "transfer_portal.urls", "benchmarks")) == []


def test_the_check_sees_an_offence(tmp_path):
    """The test above must be able to fail: an import inside a function counts too."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from transfer_portal.portal import search\n")
    assert offences([sample], (PORTAL,)) != []
    sample.write_text("from transfer_portal import portal\n")
    assert offences([sample], (PORTAL,)) != []
