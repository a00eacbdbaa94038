"""The portal's URLconf plus the floor views: the URLconf of benchmark mode."""

from django.urls import include, path

from transfer_portal.urls import handler500
from transfer_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("benchmark/", include("benchmarks.urls")), *portal_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
