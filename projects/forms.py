import functools

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Adoption,
    CostBand,
    Insight,
    Measure,
    ModelProject,
    Municipality,
    SizeClass,
    Topic,
    YesNo,
)
from transfer_portal.lib.compiled import compiled
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.validators import no_bidi_controls, single_line
from transfer_portal.lib.widgets import FastSelect

# An unknown filter value comes from an old or edited link, not from the select.
FILTER_ERRORS = {
    "invalid_choice": _(
        "This filter value does not exist (any more). Please choose one from the list."
    ),
}


class _SlugChoices(ModelChoiceIterator):
    """The options as (slug, label) read with values_list(): a municipality filter of some
    hundred options made as many model instances, about 4 ms of a list page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        field = self.field
        for value, *label in field.compiled_query("rows")(**field.shape):
            yield (value, field.label_from_values(*label))


class SlugChoiceField(forms.ModelChoiceField):
    """A select whose values are slugs, so that filter URLs stay readable. Its labels are
    made from `label_fields` by `label_from_values` (by default the one field's value).

    `objects(**shape)` (a module-level function) gives the queryset of the choices; the
    options and the lookup of a chosen slug run as compiled queries (lib/compiled.py) of
    it. A form sets `shape` where the choices depend on the visitor (editors: drafts)."""

    widget = FastSelect
    iterator = _SlugChoices

    def __init__(self, objects, *, label_fields, label_from_values=str, **kwargs):
        kwargs.setdefault("error_messages", FILTER_ERRORS)
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("All"))
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(objects(), **kwargs)
        self.objects, self.shape = objects, {}
        self.label_fields, self.label_from_values = label_fields, label_from_values

    def set_shape(self, **shape):
        self.shape = shape
        self.queryset = self.objects(**shape)

    def compiled_query(self, kind):
        return _compiled_choices(self.objects, kind, self.to_field_name, tuple(self.label_fields))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if not isinstance(value, str):
            return super().to_python(value)
        for row in self.compiled_query("get")(value, **self.shape):
            return row
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


@functools.cache
def _compiled_choices(objects, kind, key, label_fields):
    if kind == "rows":
        return compiled(lambda **shape: objects(**shape).values_list(key, *label_fields))
    return compiled(lambda value, **shape: objects(**shape).filter(**{key: value}))


def _topics():
    return Topic.objects.all()


def _size_classes():
    return SizeClass.objects.all()


def _municipalities_with_projects():
    return Municipality.objects.filter(model_projects__published=True).distinct()


def _projects(editor=False):
    return ModelProject.objects.visible(editor=editor)


class ProjectFilterForm(forms.Form):
    thema = SlugChoiceField(
        _topics, label_fields=["name"], label=_("Topic"), widget=FastSelect(content=True)
    )
    kommune = SlugChoiceField(
        _municipalities_with_projects,
        label_fields=["name", "kind"],
        label_from_values=Municipality.label,
        label=_("Municipality"),
    )


class ProjectContentFilterForm(forms.Form):
    """Filters for content of the model projects; editors may also pick a draft project."""

    thema = SlugChoiceField(
        _topics, label_fields=["name"], label=_("Topic"), widget=FastSelect(content=True)
    )
    projekt = SlugChoiceField(
        _projects,
        label_fields=["title"],
        label=_("Model project"),
        widget=FastSelect(content=True),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft project's page links to its filtered lists; editors must not get a 400.
        self.fields["projekt"].set_shape(editor=is_editor(user))


def _choice_filter(label, choices):
    return forms.ChoiceField(
        label=label,
        widget=FastSelect,
        required=False,
        error_messages=FILTER_ERRORS,
        choices=[("", _("All"))] + list(choices),
    )


class MeasureFilterForm(ProjectContentFilterForm):
    status = _choice_filter(_("Status"), Measure.Status.choices)
    # The profile for transfer (issue 19): measures whose profile says nothing on a filter
    # are not found by it.
    phase = _choice_filter(_("Transfer phase"), Measure.TransferPhase.choices)
    kosten = _choice_filter(_("Investment costs"), CostBand.choices)
    quelloffen = _choice_filter(_("Open source"), YesNo.choices)
    groesse = SlugChoiceField(
        _size_classes,
        label_fields=["name"],
        label=_("Suitable for municipalities of size"),
        widget=FastSelect(content=True),
    )


class InsightFilterForm(ProjectContentFilterForm):
    art = _choice_filter(_("Kind"), Insight.Kind.choices)


class _Trap(forms.TextInput):
    def format_value(self, value):
        return None


class QuestionToProjectForm(forms.Form):
    """A question to a model project. Nothing of it is stored; it is only sent by e-mail."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    municipality = forms.CharField(
        label=_("Your municipality or organisation"),
        max_length=150,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("The answer will be sent to this address; you receive a confirmation."),
    )
    message = forms.CharField(
        label=_("Your question"),
        max_length=5000,
        validators=[no_bidi_controls],
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # Honeypot: hidden from people (display: none), filled in by bots. Never rendered with
    # a value, so that a person whose browser autofilled it can simply send again.
    homepage = forms.CharField(
        label=_("Please leave this field empty"),
        required=False,
        widget=_Trap(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            # Shown above the form: the field itself is invisible.
            self.add_error(
                None,
                _(
                    "Your question was not sent: a field that people do not see was filled in, "
                    "usually by the browser's autofill. Please send the form again."
                ),
            )
        return cleaned


class AdoptionForm(forms.Form):
    """Where the member's municipality stands with a measure."""

    stage = forms.ChoiceField(
        label=_("Where does your municipality stand with this measure?"),
        choices=Adoption.Stage.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why was it rejected?"),
        required=False,
        max_length=1000,
        validators=[no_bidi_controls],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when rejected; shown on the measure page, helpful for others."),
    )
    note = forms.CharField(
        label=_("Note (optional, shown on the measure page)"),
        required=False,
        max_length=1000,
        validators=[no_bidi_controls],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    named_as_contact = forms.BooleanField(
        label=_("Name me as contact person for other municipalities (name and e-mail address)"),
        required=False,
        help_text=_("Shown on the measure page until you untick it or delete your account."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stage") == Adoption.Stage.REJECTED and not cleaned.get("reason"):
            self.add_error("reason", _("Please say briefly why the measure was rejected."))
        elif cleaned.get("stage") != Adoption.Stage.REJECTED:
            cleaned["reason"] = ""
        return cleaned


def _districts():
    return Municipality.objects.filter(kind=Municipality.Kind.DISTRICT)


class TransferOverviewFilterForm(forms.Form):
    """What DABB's view of transfer narrows its adoption tables to."""

    thema = SlugChoiceField(
        _topics, label_fields=["name"], label=_("Topic"), widget=FastSelect(content=True)
    )
    landkreis = SlugChoiceField(_districts, label_fields=["name"], label=_("Landkreis"))
    massnahme = forms.SlugField(
        label=_("Measure (address)"),
        required=False,
        max_length=200,
        help_text=_("Set by the links in the table of measures."),
    )
