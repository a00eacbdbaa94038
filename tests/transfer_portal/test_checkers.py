"""The checkers that the HTML tests rely on find what they are there to find."""

import pytest

from tests.checkers import axe_violations, html_errors


def test_the_nu_html_checker_names_the_document_and_line_of_an_error():
    valid = "<!DOCTYPE html>\n<html lang=de><title>Gut</title><p>Text</p></html>"
    broken = "<!DOCTYPE html>\n<html lang=de><title>Kaputt</title>\n<p><div></p></html>"
    errors = html_errors({"gut": valid, "kaputt": broken})
    assert errors and all(error.startswith("kaputt: line 3: ") for error in errors), errors


@pytest.mark.browser
def test_axe_core_names_the_rule_and_element_of_a_violation(page):
    page.set_content(
        '<!DOCTYPE html><html lang="de"><title>Kaputt</title><main><h1>Seite</h1>'
        '<img src="data:," id="ohne-alt"><a href="/x" id="leer"></a></main></html>'
    )
    violations = {violation["id"]: violation["targets"] for violation in axe_violations(page)}
    assert violations == {"image-alt": [["#ohne-alt"]], "link-name": [["#leer"]]}, violations
