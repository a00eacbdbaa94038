"""The portal's own template filters."""

import json
import re

from django.template import Context, Template
from django.utils.html import json_script

from transfer_portal.lib.templatetags.portal import jsonld


def render(source, **context):
    return Template("{% load portal %}" + source).render(Context(context))


def test_break_after_allows_a_line_break_after_each_given_character():
    assert render('{{ v|break_after:"_" }}', v="a_b_c") == "a_<wbr>b_<wbr>c"
    assert render('{{ v|break_after:"@" }}', v="anna@dabb.de") == "anna@<wbr>dabb.de"


def test_break_after_escapes_the_value():
    assert render('{{ v|break_after:"@" }}', v="<b>@x") == "&lt;b&gt;@<wbr>x"


def test_squash_shows_a_title_as_a_browser_does():
    assert render("{{ v|squash }}", v="\n  Maßnahmen\n  – Seite 2\t\n") == "Maßnahmen – Seite 2"
    assert render("{{ v|squash }}", v="z.\N{NO-BREAK SPACE}B.") == "z.\N{NO-BREAK SPACE}B."
    assert render("{{ v|squash }}", v="<b>  x") == "&lt;b&gt; x"


class Named:
    def __init__(self, name):
        self.name = name


def test_unless_all_named_in_drops_names_the_title_already_gives():
    guben = [Named("Guben")]
    pair = [Named("Bad Belzig"), Named("Wiesenburg/Mark")]
    assert render("{{ v|unless_all_named_in:t|length }}", v=guben, t="Guben") == "0"
    title = "Bad Belzig & Wiesenburg/Mark – Zukunftsschusterei"
    assert render("{{ v|unless_all_named_in:t|length }}", v=pair, t=title) == "0"
    # One name missing from the title: all of them are shown, not a confusing subset.
    assert render("{{ v|unless_all_named_in:t|length }}", v=pair, t="Bad Belzig") == "2"


def test_email_display_may_break_only_after_the_at_sign():
    assert render("{{ v|email_display }}", v="anna.b@digital-agentur.de") == (
        '<span class="text-nowrap">anna.b@</span><wbr>'
        '<span class="text-nowrap">digital-agentur.de</span>'
    )
    assert render("{{ v|email_display }}", v="<x>@y") == (
        '<span class="text-nowrap">&lt;x&gt;@</span><wbr><span class="text-nowrap">y</span>'
    )


def _script_content(block, media_type):
    return re.fullmatch(rf'<script type="{re.escape(media_type)}">(.*)</script>', block).group(1)


def test_a_json_ld_block_escapes_what_json_script_escapes():
    """The data cannot end the <script> element; the escaping follows Django's public
    json_script(), and this fails should Django escape more."""
    value = {"name": "</script><script>alert(1)</script><!-- & -->", "n": [1, 2.5, None]}
    content = _script_content(jsonld(value), "application/ld+json")
    assert "<" not in content and ">" not in content and "&" not in content
    assert json.loads(content) == value
    assert content == _script_content(json_script(value), "application/json")


def test_a_json_ld_block_keeps_umlauts_readable():
    content = _script_content(jsonld({"titel": "Maßnahmen"}), "application/ld+json")
    assert content == '{"titel": "Maßnahmen"}'
