from django.conf import settings

from transfer_portal.lib.content_language import lang_attribute
from transfer_portal.lib.editors import is_editor


def portal(request):
    """Values every template needs: whether the visitor is an editor, the site address, and
    `content_lang`: ` lang="de"` for elements holding German content on pages in another
    language, empty on German pages (transfer_portal/content_language.py; the `content`
    filter marks content inside a translated sentence)."""
    return {
        "is_editor": is_editor(request.user) if hasattr(request, "user") else False,
        "site_url": settings.SITE_URL,
        "content_lang": lang_attribute(),
    }
