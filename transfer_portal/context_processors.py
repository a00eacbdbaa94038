from django.conf import settings

from transfer_portal.editors import is_editor


def portal(request):
    """Values every template needs: whether the visitor is an editor, the site address."""
    return {
        "is_editor": is_editor(request.user) if hasattr(request, "user") else False,
        "site_url": settings.SITE_URL,
    }
