"""Property-based tests: random and hostile input into every public form and parameter.

Whatever arrives – unicode, 100 KB strings, HTML/JS payloads, SQL fragments, NUL bytes –
the answer is never a 5xx, and a payload is never rendered unescaped.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE projects_measure; --",
    "1 OR 1=1",
    "\x00",
    "Mobilität\x00<b>fett</b>",
    "{{ 7*7 }}{% debug %}",
    "%(name)s %s {0}",
    "../../etc/passwd",
    "ß" * 1000,
    "x" * 100_000,
]
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50).map(
        lambda text: f"<i>{text}</i>"
    ),
)
FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(response, payload):
    assert response.status_code < 500, (response.status_code, payload[:100])
    content = response.content.decode("utf-8", errors="replace")
    if any(char in payload for char in "<>\"'") and len(payload) > 3:
        assert payload not in content, f"unescaped payload: {payload[:100]!r}"


@pytest.fixture
def portal(seeded):
    event = offer_factories.event_date(days=20, capacity=5)
    survey, questions = survey_factories.full_survey()
    participant = survey_factories.participant()
    return {"event": event, "survey": survey, "questions": questions, "participant": participant}


GET_URLS = [
    ("/suche/", "q"),
    ("/modellprojekte/", "thema"),
    ("/modellprojekte/", "kommune"),
    ("/massnahmen/", "thema"),
    ("/massnahmen/", "projekt"),
    ("/massnahmen/", "status"),
    ("/massnahmen/", "seite"),
    ("/erkenntnisse/", "thema"),
    ("/erkenntnisse/", "projekt"),
    ("/erkenntnisse/", "art"),
    ("/erkenntnisse/", "seite"),
    ("/angebote/", "thema"),
    ("/angebote/", "art"),
    ("/termine/", "seite"),
    ("/termine/archiv/", "seite"),
    ("/umfragen/", "seite"),
    ("/konto/login/", "next"),
    # The English interface marks German content (lang="de") with its own code paths.
    ("/en/suche/", "q"),
    ("/en/massnahmen/", "thema"),
    ("/en/angebote/", "thema"),
]


@pytest.mark.parametrize(("url", "parameter"), GET_URLS)
def test_query_parameters_never_cause_an_error_or_unescaped_output(portal, url, parameter):
    client = Client()

    @FAST
    @given(value=hostile)
    def check(value):
        _check(client.get(url, {parameter: value}), value)

    check()


def test_path_segments_never_cause_an_error(portal):
    client = Client()

    @FAST
    @given(value=hostile)
    def check(value):
        for prefix in ["/modellprojekte/", "/massnahmen/", "/themen/", "/angebote/", "/umfragen/"]:
            _check(client.get(prefix + value.replace("/", "") + "/"), value)

    check()


def test_question_form_never_errors(portal):
    client = Client()

    @FAST
    @given(name=hostile, municipality=hostile, email=hostile, message=hostile)
    def check(name, municipality, email, message):
        from django.core.cache import cache

        cache.clear()  # the rate limit is tested elsewhere
        response = client.post(
            "/modellprojekte/cottbus/frage/",
            {"name": name, "municipality": municipality, "email": email, "message": message},
        )
        for value in (name, municipality, email, message):
            _check(response, value)

    check()


def test_registration_form_never_errors(portal):
    client = Client()
    url = portal["event"].get_absolute_url()

    @FAST
    @given(name=hostile, email=st.one_of(hostile, st.emails()), municipality=hostile)
    def check(name, email, municipality):
        response = client.post(
            url,
            {"name": name, "email": email, "municipality": municipality, "privacy_consent": "on"},
        )
        for value in (name, email, municipality):
            _check(response, value)

    check()


def test_survey_form_never_errors(portal):
    client = Client()
    client.force_login(portal["participant"])
    survey, questions = portal["survey"], portal["questions"]
    url = f"/umfragen/{survey.slug}/teilnehmen/"

    @FAST
    @given(
        values=st.fixed_dictionaries(dict.fromkeys(questions, hostile)),
        draft=st.booleans(),
        loaded_version=hostile,
    )
    def check(values, draft, loaded_version):
        data = {f"frage_{questions[name].pk}": value for name, value in values.items()}
        data[f"frage_{questions['multiple'].pk}_sonstiges"] = values["text"]
        data["stand"] = loaded_version  # the state the form was loaded in, sent back
        if draft:
            data["action"] = "zwischenspeichern"
        response = client.post(url, data)
        for value in [*values.values(), loaded_version]:
            _check(response, value)

    check()


def test_municipality_search_never_errors(portal):
    client = Client()
    client.force_login(factories.user())

    @FAST
    @given(value=hostile)
    def check(value):
        _check(client.get("/umfragen/kommune-waehlen/", {"q": value}), value)
        _check(client.post("/umfragen/kommune-waehlen/", {"name": value}), value)
        _check(client.post("/umfragen/kommune-waehlen/", {"municipality": value}), value)

    check()


def test_signup_and_login_never_error(portal):
    client = Client()

    @FAST
    @given(email=hostile, password=hostile)
    def check(email, password):
        _check(client.post("/konto/login/", {"login": email, "password": password}), email)
        _check(
            client.post(
                "/konto/signup/", {"email": email, "password1": password, "password2": password}
            ),
            email,
        )

    check()
