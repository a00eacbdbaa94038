from django import forms
from django.utils.translation import gettext_lazy as _

from offers.models import DateFeedback, Offer, Registration
from projects.forms import FILTER_ERRORS
from projects.models import Municipality, Topic
from transfer_portal.lib.compiled import compiled
from transfer_portal.lib.validators import normalize_email, single_line
from transfer_portal.lib.widgets import FastSelect


@compiled
def _offer_topics(*, editor):
    return Topic.objects.filter(offers__in=Offer.objects.visible(editor=editor)).distinct()


@compiled
def _offer_kinds(*, editor):
    return Offer.objects.visible(editor=editor).values_list("kind", flat=True).distinct()


class OfferFilterForm(forms.Form):
    thema = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        error_messages=FILTER_ERRORS,
        widget=FastSelect(content=True),
    )
    art = forms.ChoiceField(
        label=_("Kind of offer"), required=False, error_messages=FILTER_ERRORS, widget=FastSelect
    )

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        # Topics and kinds of the offers the visitor sees (editors: drafts too, so that a
        # draft's filter link works), loaded once for both the choices and cleaning.
        self.topics = {topic.slug: topic for topic in _offer_topics(editor=editor)}
        self.fields["thema"].choices = [
            ("", _("All")),
            *((slug, topic.name) for slug, topic in self.topics.items()),
        ]
        # Only kinds that have an offer: the others would always find nothing.
        kinds = set(_offer_kinds(editor=editor))
        self.fields["art"].choices = [
            ("", _("All")),
            *((value, label) for value, label in Offer.Kind.choices if value in kinds),
        ]

    def clean_thema(self):
        return self.topics.get(self.cleaned_data["thema"])


class RegistrationForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        Municipality.objects.filter(is_sample=False).select_related("district"),
        label=_("Municipality"),
        required=False,
        empty_label=_("(not stated)"),
        help_text=_("Optional: helps us to tailor the date to the municipalities taking part."),
        widget=FastSelect,  # one option per municipality in Brandenburg (over 400)
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree that the DigitalAgentur Brandenburg stores my details to organise this date "
            "and contacts me about it."
        ),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )

    class Meta:
        model = Registration
        fields = ["name", "email", "municipality"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(single_line)  # it goes into the e-mails

    def clean_email(self):
        # Whether the address is registered already is not checked here: the answer to the
        # visitor must be the same either way (the view and services decide what to send).
        return normalize_email(self.cleaned_data["email"])


class DateFeedbackForm(forms.ModelForm):
    """The short feedback form after a date: three scores and a free text, anonymous."""

    class Meta:
        model = DateFeedback
        fields = ["useful", "applicable", "organised", "comment"]
        widgets = {
            "useful": forms.RadioSelect,
            "applicable": forms.RadioSelect,
            "organised": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }
        help_texts = {
            "comment": _(
                "Optional. Please do not name yourself or others: the answer is anonymous."
            ),
        }
