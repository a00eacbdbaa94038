"""Select widgets: options marked as German content, and large choice lists rendered
without one template per option."""

import functools

from django import forms
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from transfer_portal.lib.content_language import foreign_content_language

NOTHING, SELECTED = mark_safe(""), mark_safe(" selected")  # noqa: S308 - constants


class Select(forms.Select):
    """Django's select. With content=True its options are the portal's German content
    (topic names, project titles): on pages in another language the options with a value
    carry lang="de" (WCAG 3.1.2, language of parts); the empty option ("All") is interface
    text and stays unmarked.
    """

    def __init__(self, attrs=None, choices=(), *, content=False):
        super().__init__(attrs, choices)
        self.content = content

    def content_language(self):
        """The lang attribute of the options with a value, or None."""
        return foreign_content_language() if self.content else None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        language = self.content_language()
        if language and str(value) != "":
            option["attrs"]["lang"] = language
        return option


class FastSelect(Select):
    """A single select whose <option>s are rendered in Python.

    Django renders every option through its own template include (about 0.1 ms each); the
    municipality filter of the model-project list has one option per municipality with a
    project, which on a large portal cost more than all the rest of the page. The markup
    is the same as Django's, for flat choices; grouped choices fall back to Django's own.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Not list(self.choices): it asks a ModelChoiceIterator for its length (a COUNT).
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        markup = _options(
            tuple(("" if value is None else str(value), str(label)) for value, label in choices),
            tuple(context["value"]),  # format_value(): a list of strings
            self.content_language(),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, _attributes(context["attrs"]), markup
        )


# The same options are rendered again and again (a filter's choices change only with the
# content): their markup is remembered by choices, chosen value and content language.
@functools.lru_cache(maxsize=128)
def _options(choices, chosen, language):
    selected = set(chosen)
    marked = format_html(' lang="{}"', language) if language else NOTHING
    options = []
    for option_value, label in choices:
        is_selected = option_value in selected
        if is_selected:
            selected = set()  # a single select marks only the first match
        attributes = SELECTED if is_selected else NOTHING
        if option_value:  # the empty option ("All") is interface text
            attributes += marked
        options.append((option_value, attributes, label))
    # escape() on each value and label: format_html_join() would cost a format_html()
    # with conditional escaping per option, some milliseconds for a few hundred.
    return mark_safe(  # noqa: S308 - every value and label escaped
        "".join(
            f'<option value="{escape(value)}"{attributes}>{escape(label)}</option>'
            for value, attributes, label in options
        )
    )


def _attributes(attrs):
    """HTML attributes as django/forms/widgets/attrs.html writes them, in the same order."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )
