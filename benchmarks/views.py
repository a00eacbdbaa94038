"""The two floor views of the benchmark: what Django costs with (almost) nothing to do.

Only reachable in benchmark mode (benchmarks/urls.py); the portal's URLconf never lists
them. Both answer uncached (`never_cache`), so they measure the full middleware stack.
"""

import datetime

from django.http import HttpResponse
from django.template import engines
from django.views.decorators.cache import never_cache

LAYOUT_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% load i18n %}
{% block title %}Floor{% endblock title %}
{% block content %}
<h1>Benchmark-Grundlinie</h1>
<ul class="list-unstyled">
{% for item in items %}
  <li class="card mb-3"><div class="card-body">
    <h2 class="h5 card-title"><a href="{{ item.url }}">{{ item.title }}</a></h2>
    <p class="card-text">{{ item.text }}</p>
    <p class="small text-body-secondary mb-0">{{ item.date|date:"j. F Y" }} · {{ item.topic }}</p>
  </div></li>
{% endfor %}
</ul>
{% endblock content %}"""
)
ITEMS = [
    {
        "url": f"/benchmark/eintrag-{i}/",
        "title": f"[Beispieldaten] Eintrag {i} der Grundlinie",
        "text": "So lang wie die Zusammenfassung einer Maßnahme: was umgesetzt wurde.",
        "date": datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
        "topic": ["Mobilität", "Verwaltung", "Energie & Klima"][i % 3],
    }
    for i in range(50)
]


@never_cache
def tiny(request):
    """Floor (a): a fixed tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


@never_cache
def layout(request):
    """Floor (b): the base layout with a 50-item loop over in-memory data, no database."""
    return HttpResponse(LAYOUT_TEMPLATE.render({"items": ITEMS}, request))
