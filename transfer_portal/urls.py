from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from transfer_portal import views
from transfer_portal.models import LegalPage

admin.site.site_header = _("Transfer portal – editorial office")
admin.site.site_title = _("Transfer portal")
admin.site.index_title = _("Content of the transfer portal")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("projects.urls")),
    path("", include("surveys.urls")),
    path("", include("offers.urls")),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    *[
        path(f"{kind}/", views.legal_page, {"kind": kind}, name=f"legal_{kind}")
        for kind in LegalPage.Kind.values
    ],
]
