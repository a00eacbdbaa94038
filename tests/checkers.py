"""Accessibility and HTML validity checks: axe-core in the browser, the Nu Html Checker."""

import atexit
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
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
            # resultTypes: details only for violations (passing nodes are not collected,
            # about a fifth of axe's time); the violations found are the same.
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})",
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


class _NuChecker:
    """One Nu Html Checker web service for the whole run, started in the background when the
    run begins (`pytest_configure` of the first process, so the test processes that pytest-xdist
    starts afterwards find its address in NU_CHECKER_URL): a JVM start costs seconds, a
    document sent to the running service a few milliseconds."""

    ENVIRON = "NU_CHECKER_URL"
    process = None

    @classmethod
    def launch(cls):
        """Start the service without waiting for it; return False where Java or vnu is missing."""
        java = shutil.which("java")
        if os.environ.get(cls.ENVIRON) or not (java and VNU.exists()):
            return False
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # Only the quick compiler: a test run checks a few hundred documents, and the optimising
        # one would cost more CPU than it saves. Its deeper frames need a larger stack.
        cls.process = subprocess.Popen(  # noqa: S603 - fixed command
            [java, "-XX:TieredStopAtLevel=1", "-Xss8m"]
            + ["-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU)]
            + ["nu.validator.servlet.Main", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(cls.process.terminate)
        os.environ[cls.ENVIRON] = f"http://127.0.0.1:{port}/?out=json&level=error"
        return True

    @classmethod
    def wait(cls):
        """Wait until the service answers (started here or by the process that started this one)."""
        if not os.environ.get(cls.ENVIRON):
            cls.launch()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                return cls.check("<!DOCTYPE html><html lang=de><title>x</title></html>")
            except OSError:
                assert cls.process is None or cls.process.poll() is None, (
                    "The Nu Html Checker service did not start"
                )
                time.sleep(0.2)
        raise AssertionError("The Nu Html Checker service did not answer within 90 s")

    @classmethod
    def check(cls, html):
        request = urllib.request.Request(  # noqa: S310 - our own loopback service
            os.environ[cls.ENVIRON],
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.load(response)["messages"]


def html_errors(documents):
    """Validate HTML documents ({name: html}) with the Nu Html Checker; return its errors."""
    java = shutil.which("java")
    if not (java and VNU.exists()) and not os.environ.get("CI"):
        import pytest

        pytest.skip("The Nu Html Checker needs Java and `npm ci` (see README: full test run)")
    assert java, "Java is needed for the Nu Html Checker"
    assert VNU.exists(), "Run `npm ci` to install the Nu Html Checker (vnu-jar)"
    _NuChecker.wait()
    return [
        f"{name}: line {message.get('lastLine')}: {message['message']}"
        for name, html in documents.items()
        for message in _NuChecker.check(html)
        if message.get("type") in {"error", "non-document-error"}
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
