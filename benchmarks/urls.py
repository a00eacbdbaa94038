"""The floor views under /benchmark/, only with DJANGO_BENCHMARK_MODE=1 (see root urls)."""

from django.urls import path

from benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("floor/tiny/", views.tiny, name="floor_tiny"),
    path("floor/layout/", views.layout, name="floor_layout"),
]
