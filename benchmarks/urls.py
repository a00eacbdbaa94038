"""The floor views, under /benchmark/ (benchmark mode only, see benchmarks/settings.py)."""

from django.urls import path

from benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("floor/tiny/", views.tiny, name="floor_tiny"),
    path("floor/layout/", views.layout, name="floor_layout"),
]
