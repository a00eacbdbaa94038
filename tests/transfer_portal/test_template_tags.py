"""The portal's own template filters."""

from django.template import Context, Template


def render(source, **context):
    return Template("{% load portal %}" + source).render(Context(context))


def test_break_after_allows_a_line_break_after_each_given_character():
    assert render('{{ v|break_after:"_" }}', v="a_b_c") == "a_<wbr>b_<wbr>c"
    assert render('{{ v|break_after:"@" }}', v="anna@dabb.de") == "anna@<wbr>dabb.de"


def test_break_after_escapes_the_value():
    assert render('{{ v|break_after:"@" }}', v="<b>@x") == "&lt;b&gt;@<wbr>x"
