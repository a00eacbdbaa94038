"""Load once, at start-up, what requests would otherwise load on first use.

gunicorn loads the app in its master and forks the workers from it (preload_app), so
whatever is loaded here is ready in every worker – also in one that replaces a recycled
worker while the others are under load – instead of making its first requests slow.
"""

from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def warm_up():
    # Cache backends are created on first use: creating them here imports their client
    # libraries (redis-py alone takes most of a second) without opening a connection,
    # which a forked worker must not share.
    for alias in settings.CACHES:
        caches[alias]  # noqa: B018
    import_module(settings.SESSION_ENGINE)
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")  # the catalogue of the language
            resolver.reverse_dict  # noqa: B018 - URL patterns, built per language
    engine = engines["django"]
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)  # compiled once, kept by the cached loader
            except TemplateSyntaxError:
                continue  # reported when the page is requested, as without warm-up
