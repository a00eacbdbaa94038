"""The portal's content (titles, descriptions, survey questions, …) is written in German.
On pages in another interface language, the elements holding it are marked lang="de", so
that a screen reader reads it with a German voice (WCAG 3.1.2, language of parts)."""

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


def foreign_content_language():
    """The content's language when the interface speaks another one, else None."""
    content = settings.LANGUAGE_CODE
    return None if (get_language() or content) == content else content


def lang_attribute():
    """` lang="de"` for an element holding German content on a page in another language,
    nothing on German pages: `content_lang` in Django templates (context processor) and
    `content_lang()` in the Jinja2 partials."""
    language = foreign_content_language()
    return mark_safe(f' lang="{language}"') if language else ""  # noqa: S308 - a setting


def mark(value):
    """German content inside interface text ("Results: {{ title }}"): wrapped in
    <span lang="de"> (escaped) on pages in another language, unchanged on German pages."""
    language = foreign_content_language()
    if language is None:
        return value
    return format_html('<span lang="{}">{}</span>', language, value)
