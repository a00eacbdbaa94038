"""The checkers that the HTML tests rely on find what they are there to find."""

from tests.checkers import html_errors


def test_the_nu_html_checker_names_the_document_and_line_of_an_error():
    valid = "<!DOCTYPE html>\n<html lang=de><title>Gut</title><p>Text</p></html>"
    broken = "<!DOCTYPE html>\n<html lang=de><title>Kaputt</title>\n<p><div></p></html>"
    errors = html_errors({"gut": valid, "kaputt": broken})
    assert errors and all(error.startswith("kaputt: line 3: ") for error in errors), errors
