"""A sample municipality and a participant account for trying the survey form locally."""

import secrets

from projects.models import Municipality
from surveys.models import Participant
from transfer_portal.local_demo import create_verified_user

PARTICIPANT_EMAIL = "kommune@example.org"
SAMPLE_MUNICIPALITY = "Beispielgemeinde (Testdaten)"


def load(stdout):
    municipality, _created = Municipality.objects.get_or_create(
        slug="beispielgemeinde-testdaten",
        defaults={
            "name": SAMPLE_MUNICIPALITY,
            "kind": Municipality.Kind.MUNICIPALITY,
            "is_sample": True,
        },
    )
    password = secrets.token_urlsafe(12)
    user = create_verified_user(
        PARTICIPANT_EMAIL, password, first_name="Beispiel", last_name="Kommune"
    )
    Participant.objects.create(user=user, municipality=municipality)
    stdout.write(
        f"Lokales Teilnahmekonto für Umfragen ({SAMPLE_MUNICIPALITY}), "
        "Anmeldung unter http://127.0.0.1:8000/konto/login/:\n"
        f"  E-Mail:   {PARTICIPANT_EMAIL}\n  Passwort: {password}"
    )
