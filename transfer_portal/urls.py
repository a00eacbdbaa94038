from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe

from transfer_portal.portal import feeds, views
from transfer_portal.portal.models import LegalPage
from transfer_portal.portal.sitemaps import SITEMAPS

# German pages at the root, the English interface under /en/ (issue 5): the language is
# part of the address, so it never depends on a browser's Accept-Language header.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("suche/", views.search, name="search"),
    path("daten/", views.open_data, name="open_data"),
    path("daten/<slug:slug>.<str:fmt>", views.open_data_download, name="open_data_download"),
    path("feeds/neu.atom", require_safe(feeds.NewContentFeed()), name="feed_new"),
    path("feeds/themen/<slug:slug>.atom", require_safe(feeds.TopicFeed()), name="feed_topic"),
    path("", include("projects.urls")),
    path("", include("surveys.urls")),
    path("", include("offers.urls")),
    path("konto/profil/", views.profile, name="profile"),
    path("konto/meine-daten/", views.download_my_data, name="download_my_data"),
    path("konto/loeschen/", views.delete_my_account, name="delete_my_account"),
    path("konto/", include("allauth.urls")),
    *[
        path(f"{kind}/", views.legal_page, {"kind": kind}, name=f"legal_{kind}")
        for kind in LegalPage.Kind.values
    ],
    prefix_default_language=False,
) + [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        require_safe(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

if settings.BENCHMARK_MODE:
    urlpatterns.append(path("benchmark/", include("benchmarks.urls")))

handler500 = "transfer_portal.portal.views.server_error"
