"""Bidirectional control characters are refused in names and free text.

Invisible, they make a text display in another order than it is stored ("Trojan Source"):
a name in the editors' list or in an e-mail could read as something else.
"""

import pytest
from django.core.exceptions import ValidationError

from offers.models import Registration
from tests.offers import factories as offer_factories
from transfer_portal.lib.validators import no_bidi_controls, single_line

CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
MESSAGE = "Der Text enthält unsichtbare Zeichen, die die Schreibrichtung ändern"


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("validator", [no_bidi_controls, single_line])
def test_each_control_is_refused(validator, control):
    with pytest.raises(ValidationError) as error:
        validator(f"Karla {control}lanummoK")
    assert error.value.code == "bidi_control"


@pytest.mark.parametrize(
    "text",
    [
        "Karla Kommunal",
        "Zoë Müller-Lüdenscheidt",
        "مدينة ذكية",  # right-to-left script itself is fine
        "עיר חכמה",
        "Grüße\u200e",  # a left-to-right mark does not reorder anything
    ],
)
def test_ordinary_text_in_any_script_passes(text):
    no_bidi_controls(text)
    single_line(text)


def test_single_line_still_refuses_line_breaks():
    with pytest.raises(ValidationError) as error:
        single_line("Karla\nKommunal")
    assert error.value.code == "line_break"


@pytest.mark.django_db
class TestForms:
    @pytest.mark.parametrize("field", ["name", "municipality", "message"])
    def test_question_to_a_model_project(self, client, seeded, mailoutbox, field):
        data = {
            "name": "Karla Kommunal",
            "municipality": "Musterfeld",
            "email": "karla@musterfeld.example",
            "message": "Wie viele Zählstellen gibt es?",
        }
        data[field] = "\u202egnuhciltnefförev " + data[field]
        response = client.post("/modellprojekte/cottbus/frage/", data)
        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        assert mailoutbox == []

    @pytest.mark.parametrize("field", ["first_name", "last_name"])
    def test_profile_names(self, member_client, member, field):
        data = {"first_name": "Karla", "last_name": "Kommunal"}
        data[field] = "Karla\u2067 Kommunal\u2069"
        response = member_client.post("/konto/profil/", data)
        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        member.refresh_from_db()
        assert (member.first_name, member.last_name) == ("", "")

    def test_profile_names_without_controls_are_saved(self, member_client, member):
        data = {"first_name": "Karla", "last_name": "Kommunal"}
        assert member_client.post("/konto/profil/", data).status_code == 302
        member.refresh_from_db()
        assert (member.first_name, member.last_name) == ("Karla", "Kommunal")

    def test_registration_for_a_date_through_single_line(self, client):
        event = offer_factories.event_date(days=20, capacity=5)
        response = client.post(
            event.get_absolute_url(),
            {"name": "Karla\u202d Kommunal", "email": "karla@example.org", "privacy_consent": "on"},
        )
        assert response.status_code == 400
        assert MESSAGE in response.content.decode()
        assert not Registration.objects.exists()
