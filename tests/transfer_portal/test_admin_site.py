"""The editors' admin site as a whole; `form_data` lets other admin tests submit a change
form as a browser would, with its inlines, changing only what the test is about."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit for the admin's main form (id ends in _form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self.in_form = False
        self.select = None
        self.first_option = None
        self.textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = (attrs.get("id") or "").endswith("_form")
        if not self.in_form or "__prefix__" in attrs.get("name", ""):
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self.select = name
            self.multiple = "multiple" in attrs
            self.first_option = None
            self.data.setdefault(name, [])
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            # A single choice without a selected option sends the first one.
            if not self.multiple and not self.data[self.select] and self.first_option is not None:
                self._add(self.select, self.first_option)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data.removeprefix("\n")


def form_data(client, url, **changes):
    """The admin form at `url` as the browser would send it, with `changes` applied."""
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}
    data.update(changes)
    return data


def test_django_61s_new_admin_texts_are_german(editor_client):
    from tests.offers import factories

    factories.registration()
    html = editor_client.get("/admin/offers/eventdate/").content.decode()
    assert ">Ausführen</button>" in html
    assert '<option value="" selected>– Bitte auswählen –</option>' in html
    assert "Nach Beginn filtern" in html
    assert "Termine durchsuchen" in html
    assert "Seitennavigation Termine" in html
    for english in [">Run<", "Select an option", "Filter by", "Pagination"]:
        assert english not in html


def test_the_delete_confirmation_is_german(editor_client):
    from tests.offers import factories

    date = factories.registration().event_date
    html = editor_client.get(f"/admin/offers/eventdate/{date.pk}/delete/").content.decode()
    assert "Sind Sie sicher, dass Sie Termin „" in html


def test_the_admins_javascript_texts_are_german(editor_client):
    script = editor_client.get("/admin/jsi18n/").content.decode()
    assert '"Today (%(date)s)": "Heute (%(date)s)"' in script
    assert 'the Run button rather than the Save button.": "Sie haben' in script
    assert '"Today": "Heute"' in script  # Django's own catalogue still underneath
