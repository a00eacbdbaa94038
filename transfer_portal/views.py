from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from projects.models import ModelProject, Topic
from transfer_portal.models import LegalPage


def home(request):
    projects = ModelProject.objects.visible_to(request.user).prefetch_related("municipalities")
    return render(request, "home.html", {"projects": projects, "topics": Topic.objects.all()})


def legal_page(request, kind):
    page = get_object_or_404(LegalPage, kind=kind)
    return render(request, "legal_page.html", {"page": page})


@never_cache
def healthz(request):
    """Liveness and readiness for the load balancer: 200 only if the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"database": "unavailable"}, status=503)
    return JsonResponse({"database": "ok"})
