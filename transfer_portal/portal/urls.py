"""The portal's own pages (home, search, open data, feeds, account, legal pages) and the
addresses for machines (health check, robots.txt, sitemap)."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from transfer_portal.portal import feeds, views
from transfer_portal.portal.models import LegalPage
from transfer_portal.portal.sitemaps import SITEMAPS

# Inside the language prefix (German at the root, English under /en/). No app_name: these
# names ("home", "search", "profile" …) predate the split and are used everywhere.
urlpatterns = [
    path("", views.home, name="home"),
    path("suche/", views.search, name="search"),
    path("daten/", views.open_data, name="open_data"),
    path("daten/<slug:slug>.<str:fmt>", views.open_data_download, name="open_data_download"),
    # The feed classes are the views (Django's syndication framework; no template).
    path("feeds/neu.atom", require_safe(feeds.NewContentFeed()), name="feed_new"),
    path("feeds/themen/<slug:slug>.atom", require_safe(feeds.TopicFeed()), name="feed_topic"),
    path("konto/profil/", views.profile, name="profile"),
    path("konto/meine-daten/", views.download_my_data, name="download_my_data"),
    path("konto/loeschen/", views.delete_my_account, name="delete_my_account"),
    path("neuigkeiten/", views.subscribe, name="subscribe"),
    path(
        "neuigkeiten/bestaetigen/<str:token>/",
        views.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "neuigkeiten/verwalten/<str:token>/", views.subscription_manage, name="subscription_manage"
    ),
    path(
        "neuigkeiten/abmelden/<str:token>/",
        views.subscription_unsubscribe,
        name="subscription_unsubscribe",
    ),
    *[
        path(f"{kind}/", views.legal_page, {"kind": kind}, name=f"legal_{kind}")
        for kind in LegalPage.Kind.values
    ],
]

unprefixed_urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Django's sitemap view, fed by sitemaps.py.
    path(
        "sitemap.xml",
        require_safe(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
