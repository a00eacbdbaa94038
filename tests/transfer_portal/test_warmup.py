"""Start-up warm-up: templates and URL patterns are ready before the first request."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from transfer_portal.lib.warmup import warm_up


def test_warm_up_compiles_every_project_template_into_the_cached_loader():
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, CachedLoader)
    loader.reset()
    warm_up()
    cached = set(loader.get_template_cache)
    assert {
        "base.html",
        "portal/home.html",
        "projects/project_detail.html",
        "portal/search.html",
    } <= cached


def test_warm_up_builds_the_url_patterns_of_every_language(settings):
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver._reverse_dict.clear()
    warm_up()
    assert {code for code, _name in settings.LANGUAGES} <= set(resolver._reverse_dict)
