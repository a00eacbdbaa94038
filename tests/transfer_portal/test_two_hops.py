"""Every address in two hops: URL → the app's urls.py → a view in the app's views.py →
the template named after the view (templates/<app>/<view>.html). Where one template serves
two views, the view's docstring says so."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

APPS = {"projects": "projects", "surveys": "surveys", "offers": "offers"}
PORTAL = "transfer_portal.portal"
# Views that are no Python function of views.py, by route name: Django's own or a feed.
NOT_IN_VIEWS = {
    "feed_new": "transfer_portal.portal.feeds",
    "feed_topic": "transfer_portal.portal.feeds",
    "django.contrib.sitemaps.views.sitemap": "django.contrib.sitemaps.views",
}
# Outside the language prefix and without a namespace: the app whose urls.py has them.
UNPREFIXED = {"contact_photo": "offers"}


def our_patterns(resolver=None, prefix=""):
    """(route name, view) of every address of the portal and its apps."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "")
            if module.startswith(("allauth", "django.contrib.admin")) or entry.app_name == "admin":
                continue
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from our_patterns(entry, prefix + namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry.callback


def test_every_route_leads_to_its_apps_views(settings):
    seen = list(our_patterns())
    assert len(seen) > 30
    for name, view in seen:
        module = getattr(view, "__module__", "")
        if name in NOT_IN_VIEWS:
            assert module.startswith(NOT_IN_VIEWS[name]), name
            continue
        app = name.split(":")[0] if ":" in name else UNPREFIXED.get(name)
        expected = f"{APPS[app]}.views" if app else f"{PORTAL}.views"
        assert module == expected, (name, module)


@pytest.fixture
def examples(seeded, editor):
    """An address of every HTML page, by route name."""
    from surveys import membership
    from surveys.models import Participant

    project = factories.project()
    measure = factories.measure(project)
    survey, _questions = survey_factories.full_survey("offen")
    date = offer_factories.event_date()
    colleague = survey_factories.participant(email="kollegin@example.org")
    newcomer = survey_factories.participant(
        Participant.objects.get(user=colleague).municipality, status="offen"
    )
    token = membership.decision_token(Participant.objects.get(user=newcomer), colleague)
    _request, confirm_token = offer_factories.pending_request(date)
    registration = offer_factories.registration(date)
    return {
        "home": "/",
        "search": "/suche/?q=Mobilität",
        "open_data": "/daten/",
        "profile": "/konto/profil/",
        "delete_my_account": "/konto/loeschen/",
        "legal_impressum": "/impressum/",
        "projects:project_list": "/modellprojekte/",
        "projects:project_detail": project.get_absolute_url(),
        "projects:ask_project": f"{project.get_absolute_url()}frage/",
        "projects:measure_list": "/massnahmen/",
        "projects:measure_detail": measure.get_absolute_url(),
        "projects:ask_measure": f"{measure.get_absolute_url()}frage/",
        "projects:insight_list": "/erkenntnisse/",
        "projects:topic_list": "/themen/",
        "projects:topic_detail": "/themen/partizipation/",
        "surveys:survey_list": "/umfragen/",
        "surveys:survey_detail": survey.get_absolute_url(),
        "surveys:survey_participate": f"{survey.get_absolute_url()}teilnehmen/",
        "surveys:response_history": f"{survey.get_absolute_url()}verlauf/",
        "surveys:survey_results": f"{survey.get_absolute_url()}ergebnisse/",
        "surveys:choose_municipality": "/umfragen/kommune-waehlen/",
        "surveys:membership": "/umfragen/ihre-kommune/",
        "surveys:decide_link": f"/umfragen/ihre-kommune/anfrage/{token}/",
        "offers:offer_list": "/angebote/",
        "offers:offer_detail": date.offer.get_absolute_url(),
        "offers:event_list": "/termine/",
        "offers:event_archive": "/termine/archiv/",
        "offers:event_detail": date.get_absolute_url(),
        "offers:contact_list": "/kontakt/",
        "offers:cancel_registration": registration.get_cancel_url(),
        "offers:confirm_registration": f"/teilnahme/{confirm_token}/bestaetigen/",
    }


def test_every_page_is_rendered_by_the_template_named_after_its_view(client, examples):
    from surveys.models import Participant

    views = dict(our_patterns())
    colleague = Participant.objects.get(user__email="kollegin@example.org").user
    for name, url in examples.items():
        client.force_login(colleague)
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        view = views[name]
        app = name.split(":")[0] if ":" in name else "portal"
        expected = f"{app}/{view.__name__}.html"
        used = response.templates[0].name
        if used != expected:
            # Shared on purpose: the view says which template serves it.
            assert used in (view.__doc__ or ""), (name, used, expected)
