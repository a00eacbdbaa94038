from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Measure, ModelProject, Municipality, Topic


class SlugChoiceField(forms.ModelChoiceField):
    """A select whose values are slugs, so that filter URLs stay readable."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("All"))
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(queryset, **kwargs)


class ProjectFilterForm(forms.Form):
    thema = SlugChoiceField(Topic.objects.all(), label=_("Topic"))
    kommune = SlugChoiceField(
        Municipality.objects.filter(model_projects__published=True).distinct(),
        label=_("Municipality"),
    )


class MeasureFilterForm(forms.Form):
    thema = SlugChoiceField(Topic.objects.all(), label=_("Topic"))
    projekt = SlugChoiceField(ModelProject.objects.published(), label=_("Model project"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(Measure.Status.choices),
    )
