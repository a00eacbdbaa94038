"""Accessibility and HTML validity checks: axe-core in the browser, the Nu Html Checker."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page):
    """Run axe-core on the page as it is now; return the violations (ids and targets)."""
    if not AXE.exists() and not os.environ.get("CI"):
        import pytest

        pytest.skip("axe-core is installed by `npm ci` (see README: full test run)")
    # A click may still be navigating: wait for the document, and retry once if the page
    # was replaced while axe ran.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            if not page.evaluate("() => typeof window.axe !== 'undefined'"):
                # Evaluated through the DevTools protocol, so the page's CSP does not block it.
                page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                AXE_TAGS,
            )
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(300)
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], f"axe-core violations on {page.url}: {violations}"


def html_errors(documents):
    """Validate HTML documents ({name: html}) with one Nu Html Checker run; return errors."""
    java = shutil.which("java")
    if not (java and VNU.exists()) and not os.environ.get("CI"):
        import pytest

        pytest.skip("The Nu Html Checker needs Java and `npm ci` (see README: full test run)")
    assert java, "Java is needed for the Nu Html Checker"
    assert VNU.exists(), "Run `npm ci` to install the Nu Html Checker (vnu-jar)"
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page{number}.html"
            path.write_text(html, encoding="utf-8")
            paths[str(path)] = name
        completed = subprocess.run(  # noqa: S603 - fixed command, our own files
            [java, "-jar", str(VNU), "--errors-only", "--format", "json", *paths],
            capture_output=True,
            text=True,
            check=False,
        )
    messages = json.loads(completed.stderr or '{"messages": []}')["messages"]
    return [
        f"{paths.get(message.get('url', '').removeprefix('file:'), '?')}: "
        f"line {message.get('lastLine')}: {message['message']}"
        for message in messages
    ]


def assert_valid_html(documents):
    errors = html_errors(documents)
    assert errors == [], "Nu Html Checker errors:\n" + "\n".join(errors)


def log_in_as_editor(page, portal, email="redakteurin@example.org"):
    """A new editor account, logged in through the admin's login page in the browser."""
    from tests import factories

    factories.editor(email)
    page.goto(portal + "/admin/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/admin/")
