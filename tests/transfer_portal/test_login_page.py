"""The login page in German: a verb on its button, a failed login announced."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_login_button_says_anmelden(client):
    html = client.get("/konto/login/").content.decode()
    button = html[html.index('<button class="btn btn-primary" type="submit">') :]
    assert button[: button.index("</button>")].split(">")[1].strip() == "Anmelden"


def test_a_wrong_password_is_announced(client):
    factories.user("falsch@example.org")
    response = client.post(
        "/konto/login/", {"login": "falsch@example.org", "password": "nicht-das-passwort"}
    )
    html = response.content.decode()
    assert '<div class="alert alert-block alert-danger" role="alert">' in html
