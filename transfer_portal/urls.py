from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from transfer_portal import views
from transfer_portal.models import LegalPage

# German pages at the root, the English interface under /en/ (issue 5): the language is
# part of the address, so it never depends on a browser's Accept-Language header.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("suche/", views.search, name="search"),
    path("", include("projects.urls")),
    path("", include("surveys.urls")),
    path("", include("offers.urls")),
    path("konto/", include("allauth.urls")),
    *[
        path(f"{kind}/", views.legal_page, {"kind": kind}, name=f"legal_{kind}")
        for kind in LegalPage.Kind.values
    ],
    prefix_default_language=False,
) + [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler500 = "transfer_portal.views.server_error"
