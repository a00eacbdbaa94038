"""Root URLs: every address leads to an app's urls.py, and from there to a view whose
template carries the view's name (templates/<app>/<view>.html)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from offers import urls as offers_urls
from transfer_portal.portal import urls as portal_urls

# German pages at the root, the English interface under /en/ (issue 5): the language is
# part of the address, so it never depends on a browser's Accept-Language header.
urlpatterns = i18n_patterns(
    path("", include(portal_urls.urlpatterns)),
    path("", include("projects.urls")),
    path("", include("surveys.urls")),
    path("", include("offers.urls")),
    path("konto/", include("allauth.urls")),
    prefix_default_language=False,
) + [
    path("admin/", admin.site.urls),
    path("", include(portal_urls.unprefixed_urlpatterns)),
    path("", include(offers_urls.unprefixed_urlpatterns)),
]

if settings.BENCHMARK_MODE:
    urlpatterns.append(path("benchmark/", include("benchmarks.urls")))

handler500 = "transfer_portal.portal.views.server_error"
