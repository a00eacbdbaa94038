from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Lower, Replace
from django.forms.boundfield import BoundWidget
from django.utils.translation import gettext_lazy as _

from projects.forms import FILTER_ERRORS, SlugChoiceField, _districts, _size_classes
from projects.models import Municipality
from surveys import segments, tracker
from surveys.models import SCALE_VALUES, Participant, Question
from transfer_portal.lib.validators import no_bidi_controls, single_line

OTHER = "sonstiges"
MUNICIPALITY_RESULTS = 30
# Bootstrap's default check border is too faint (WCAG 1.4.11 asks for 3:1 on white).
CHECK_CLASS = "form-check-input border-secondary"


def field_name(question):
    return f"frage_{question.pk}"


def other_field_name(question):
    return f"frage_{question.pk}_sonstiges"


@dataclass
class AnswerData:
    """One cleaned answer, ready to be saved."""

    question: Question
    choice_ids: list[int] = field(default_factory=list)
    other_selected: bool = False
    other_text: str = ""
    text: str = ""
    number: int | None = None
    # A self-assessment: {dimension id: (step today, step aimed for)}, None where not rated.
    ratings: dict = field(default_factory=dict)


class AssessmentField(forms.MultiValueField):
    """A self-assessment question: for each dimension the step today and the step aimed for
    in 2–3 years, each a select of the scale's steps (the question's options)."""

    def __init__(self, question, *, required, **kwargs):
        self.dimensions = list(question.dimensions.all())
        self.steps = list(question.steps.items())
        choices = [("", _("– not rated –")), *self.steps]
        # A question still without dimensions or steps cannot be answered: not required.
        required = required and bool(self.dimensions and self.steps)
        fields, widgets = [], []
        for _dimension in self.dimensions:
            for _moment in ("today", "target"):
                fields.append(
                    forms.TypedChoiceField(
                        choices=choices, coerce=int, empty_value=None, required=required
                    )
                )
                widgets.append(forms.Select(choices=choices, attrs={"class": "form-select"}))
        super().__init__(
            fields=fields,
            widget=AssessmentWidget(widgets),
            require_all_fields=False,
            required=required,
            error_messages={
                "required": _("Please rate each dimension for today and as a target."),
                "incomplete": _("Please rate each dimension for today and as a target."),
            },
            **kwargs,
        )

    def compress(self, data_list):
        """{dimension id: (today, target)} of the dimensions rated at all."""
        values = list(data_list or []) + [None] * (2 * len(self.dimensions))
        ratings = {}
        for index, dimension in enumerate(self.dimensions):
            today, target = values[2 * index], values[2 * index + 1]
            if today is not None or target is not None:
                ratings[dimension.pk] = (today, target)
        return ratings

    def rows(self, bound_field):
        """(dimension, select for today, select for the target) for the template, each
        with `tag` and `id_for_label` as a BoundField's subwidgets have them."""
        widget = self.widget
        attrs = {"id": bound_field.auto_id} if bound_field.auto_id else {}
        attrs = bound_field.build_widget_attrs(attrs)
        context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)
        selects = [
            BoundWidget(widget.widgets[index], data, bound_field.form.renderer)
            for index, data in enumerate(context["widget"]["subwidgets"])
        ]
        return [
            (dimension, selects[2 * index], selects[2 * index + 1])
            for index, dimension in enumerate(self.dimensions)
        ]


class AssessmentWidget(forms.MultiWidget):
    def decompress(self, value):
        return [None] * len(self.widgets)


def assessment_initial(question, ratings):
    """The field's initial value from saved ratings {dimension id: rating}."""
    values = []
    for dimension in question.dimensions.all():
        rating = ratings.get(dimension.pk)
        values += [rating.today, rating.target] if rating else [None, None]
    return values


# The validators' codes: Django's own words ("Bitte sicherstellen, dass der Wert …") are
# impersonal and speak of a "value".
TOO_LONG = {
    "max_length": _(
        "Please shorten your answer to at most %(limit_value)d characters (it has %(show_value)d)."
    ),
}


class ResponseForm(forms.Form):
    """All questions of a survey; drafts skip the required check, never the others."""

    def __init__(self, *args, questions, require_answers=True, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.require_answers = require_answers
        for question in self.questions:
            field_ = self._field_for(question)
            field_.disabled = disabled  # a preview of the questions, for a pending link
            # For the template, which marks the editors' German wording on pages in another
            # language (WCAG 3.1.2, language of parts): the form's own hint apart from the
            # question's help text, and the options whose labels an editor wrote (not "Other",
            # not a bare scale value).
            field_.hint = str(self._hint(question))
            field_.content_values = {
                str(value)
                for value, label in getattr(field_, "choices", ())
                if value != OTHER and str(label) != str(value)
            }
            self.fields[field_name(question)] = field_
            if question.is_choice and question.allow_other:
                self.fields[other_field_name(question)] = forms.CharField(
                    label=_("Other, please specify"),
                    required=False,
                    disabled=disabled,
                    validators=[no_bidi_controls],
                    max_length=question.max_length,
                    error_messages=TOO_LONG,
                    # The blank placeholder lets CSS tell an empty field (:placeholder-shown)
                    # from one holding text, which is never hidden (portal.css).
                    widget=forms.TextInput(attrs={"class": "form-control", "placeholder": " "}),
                )

    def _field_for(self, question):
        Kind = Question.Kind
        common = {
            "label": question.text,
            "required": question.required and self.require_answers,
            "help_text": " ".join(filter(None, [question.help_text, str(self._hint(question))])),
        }
        if question.is_choice:
            choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
            if question.allow_other:
                choices.append((OTHER, _("Other")))
            if question.kind == Kind.MULTIPLE:
                return forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": CHECK_CLASS}),
                    error_messages={"required": _("Please select at least one answer.")},
                    **common,
                )
            return forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": CHECK_CLASS}),
                error_messages={"required": _("Please select an answer.")},
                **common,
            )
        if question.kind == Kind.SCALE:
            return forms.TypedChoiceField(
                choices=[(value, self._scale_label(question, value)) for value in SCALE_VALUES],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": CHECK_CLASS}),
                error_messages={"required": _("Please select a value.")},
                **common,
            )
        if question.kind == Kind.SELF_ASSESSMENT:
            return AssessmentField(question, **common)
        if question.kind == Kind.NUMBER:
            return forms.IntegerField(
                min_value=question.min_value,
                max_value=question.max_value,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
                error_messages={
                    "required": _("Please enter a number."),
                    "invalid": _("Please enter a whole number, without letters or units."),
                    "min_value": _("Please enter a number of at least %(limit_value)s."),
                    "max_value": _("Please enter a number of at most %(limit_value)s."),
                },
                **common,
            )
        return forms.CharField(
            max_length=question.max_length,
            validators=[no_bidi_controls],
            widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            error_messages={"required": _("Please answer this question."), **TOO_LONG},
            **common,
        )

    @staticmethod
    def _hint(question):
        Kind = Question.Kind
        if question.kind == Kind.MULTIPLE and question.max_choices:
            return _("Choose at most %(count)d.") % {"count": question.max_choices}
        if question.kind == Kind.MULTIPLE:
            return _("Several answers are possible.")
        if question.kind == Kind.NUMBER:
            low, high = question.min_value, question.max_value
            if low is not None and high is not None:
                return _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
            if low is not None:
                return _("A whole number of at least %(low)d.") % {"low": low}
            if high is not None:
                return _("A whole number of at most %(high)d.") % {"high": high}
            return _("A whole number.")
        if question.kind == Kind.TEXT:
            return _("At most %(count)d characters.") % {"count": question.max_length}
        if question.kind == Kind.SELF_ASSESSMENT:
            return _(
                "For each dimension: where your municipality stands today, and where it wants "
                "to be in 2–3 years."
            )
        return ""

    @staticmethod
    def _scale_label(question, value):
        if value == SCALE_VALUES[0] and question.scale_min_label:
            return f"{value} – {question.scale_min_label}"
        if value == SCALE_VALUES[-1] and question.scale_max_label:
            return f"{value} – {question.scale_max_label}"
        return str(value)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            if not question.is_choice:
                continue
            # A choice that failed its own check (none ticked) still gets the "Other" check
            # below, so that all errors show at once, not one more after the next submit.
            selected = cleaned.get(name) or []
            selected = selected if isinstance(selected, list) else [selected]
            if question.max_choices and len(selected) > question.max_choices:
                self.add_error(
                    name,
                    _("Select at most %(count)d options.") % {"count": question.max_choices},
                )
            if not question.allow_other:
                continue
            other_name = other_field_name(question)
            other_text = cleaned.get(other_name, "")
            if other_text and OTHER not in selected:
                self.add_error(other_name, _("Select “Other” as well, or leave this field empty."))
            elif OTHER in selected and not other_text and self.require_answers:
                self.add_error(other_name, _("Please specify what “Other” means."))
        return cleaned

    def bound_questions(self):
        """(question, field, other field or None) in form order, for the template."""
        for question in self.questions:
            other = other_field_name(question)
            field = self[field_name(question)]
            if field.errors and field.use_fieldset:
                # Each option says why it is marked invalid, not only the group: a summary
                # link leads to the first option, and that is what a screen reader reads.
                # The hint ("Choose at most 2.") stays described too.
                described = [f"{field.auto_id}_error"]
                if field.help_text:
                    described.append(f"{field.auto_id}_helptext")
                field.field.widget.attrs["aria-describedby"] = " ".join(described)
            if question.is_self_assessment:
                if field.errors:
                    field.field.widget.attrs["class"] = "form-select is-invalid"
                field.assessment_rows = field.field.rows(field)
            yield (question, field, self[other] if other in self.fields else None)

    def answers(self):
        """The non-empty answers of a valid form."""
        result = []
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            answer = AnswerData(question)
            if question.is_choice:
                values = value if isinstance(value, list) else [value] if value else []
                answer.choice_ids = [int(item) for item in values if item != OTHER]
                if OTHER in values:
                    answer.other_selected = True
                    answer.other_text = self.cleaned_data.get(other_field_name(question), "")
                if answer.choice_ids or answer.other_selected:
                    result.append(answer)
            elif question.kind == Question.Kind.TEXT:
                if value:
                    answer.text = value
                    result.append(answer)
            elif question.is_self_assessment:
                if value:
                    answer.ratings = value
                    result.append(answer)
            elif value is not None and value != "":
                answer.number = value
                result.append(answer)
        return result

    @classmethod
    def initial_from(cls, response):
        """Form values of a saved response, so colleagues continue where others stopped."""
        if response is None:
            return {}
        initial = {}
        for answer in response.answers.all():
            question = answer.question
            name = field_name(question)
            if question.is_choice:
                values = [str(choice.pk) for choice in answer.choices.all()]
                if answer.other_selected or answer.other_text:
                    values.append(OTHER)
                    initial[other_field_name(question)] = answer.other_text
                initial[name] = values if question.kind == Question.Kind.MULTIPLE else values[0]
            elif question.kind == Question.Kind.TEXT:
                initial[name] = answer.text
            elif question.is_self_assessment:
                ratings = {rating.dimension_id: rating for rating in answer.ratings.all()}
                initial[name] = assessment_initial(question, ratings)
            else:
                initial[name] = answer.number
        return initial


class MunicipalitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name of your municipality"),
        required=False,
        max_length=100,
        help_text=_("Enter part of the name, e.g. “Belzig”."),
    )


class MunicipalityField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.district_id:
            return f"{obj.name} ({obj.district})"
        return str(obj)

    def to_python(self, value):
        # Offered are the search's matches (MunicipalityChoiceForm); any municipality may be
        # chosen by its id, e.g. from a list that the search no longer shows.
        if value in self.empty_values:
            return None
        try:
            return Municipality.objects.get(pk=value)
        except (ValueError, TypeError, ValidationError, Municipality.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


# Ignored when searching a municipality by name: "Frankfurt/Oder", "Frankfurt Oder" and
# "Frankfurt (Oder)" are one town.
NAME_SEPARATORS = " /-().,'’"


def _without_separators(expression):
    for character in NAME_SEPARATORS:
        expression = Replace(expression, Value(character), Value(""))
    return Lower(expression)


def matching_name(queryset, search):
    """Municipalities whose name contains the search, punctuation, spaces and case ignored."""
    key = "".join(c for c in search if c not in NAME_SEPARATORS).lower()
    if not key:
        return queryset
    return queryset.alias(name_key=_without_separators(F("name"))).filter(name_key__contains=key)


class MunicipalityChoiceForm(forms.Form):
    municipality = MunicipalityField(
        queryset=Municipality.objects.none(),
        label=_("Your municipality"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Please choose your municipality from the list.")},
    )

    def __init__(self, *args, search="", **kwargs):
        super().__init__(*args, **kwargs)
        # Only the first matches are offered, also when the form comes back with an error
        # (not every municipality of Brandenburg); one more tells whether there are more.
        queryset = Municipality.objects.select_related("district").order_by("name", "pk")
        if search:
            queryset = matching_name(queryset, search)
        field_ = self.fields["municipality"]
        rows = list(queryset[: MUNICIPALITY_RESULTS + 1])
        self.offered = rows[:MUNICIPALITY_RESULTS]
        self.truncated = len(rows) > MUNICIPALITY_RESULTS
        field_.widget.choices = [(row.pk, field_.label_from_instance(row)) for row in self.offered]


class MissingMunicipalityForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the missing municipality"),
        max_length=150,
        validators=[single_line],  # it goes into the editors' e-mail
        help_text=_("An editor of the DigitalAgentur adds it and confirms your link."),
    )


class SegmentationForm(forms.Form):
    """How the results by segment are broken down."""

    nach = forms.ChoiceField(label=_("Break down by"), choices=())

    def __init__(self, *args, segmentations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nach"].choices = list(segmentations.items())


class TrackerFilterForm(forms.Form):
    """What the response tracker narrows the municipalities to, and how it groups the
    response rates."""

    landkreis = SlugChoiceField(_districts, label_fields=["name"], label=_("Landkreis"))
    art = forms.ChoiceField(
        label=_("kind of municipality"),
        required=False,
        choices=[("", _("All")), *Municipality.Kind.choices],
        error_messages=FILTER_ERRORS,
    )
    groesse = SlugChoiceField(_size_classes, label_fields=["name"], label=_("size class"))
    stand = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            (tracker.SUBMITTED, _("submitted")),
            (tracker.DRAFT, _("draft saved")),
            (tracker.NOT_STARTED, _("not started")),
        ],
        error_messages=FILTER_ERRORS,
    )
    nach = forms.ChoiceField(
        label=_("Response rate by"),
        required=False,
        choices=list(segments.SEGMENTATIONS.items()),
        error_messages=FILTER_ERRORS,
    )

    def filters(self):
        data = self.cleaned_data
        return {
            "district": data.get("landkreis"),
            "kind": data.get("art", ""),
            "size_class": data.get("groesse"),
            "state": data.get("stand", ""),
        }


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["survey_reminders"]
        labels = {
            "survey_reminders": _(
                "Remind me by e-mail of surveys my municipality has not submitted yet"
            )
        }
