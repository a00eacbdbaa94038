from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from projects.models import Topic
from transfer_portal.lib.validators import single_line
from transfer_portal.portal.models import Subscriber
from transfer_portal.portal.subscriptions import Choice, offers_with_dates, projects_to_follow


class ProfileForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shown to colleagues of the same municipality (surveys) and filled into registrations
        # for dates, which go into e-mails: one line, no characters that reorder the text.
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(single_line)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To protect you, deleting the account needs your password."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


def _followed(label, help_text):
    """A list of things to follow, as checkboxes; chosen by slug, so that a link from a
    topic's, project's or offer's page (?thema=, ?projekt=, ?angebot=) ticks it."""
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=None,
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class SubscriptionForm(forms.Form):
    """What to be told about, and how often (transfer_portal/portal/subscriptions.py).
    With `with_email`, the address too: on the page to subscribe, not on the page that
    manages an existing subscription."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    topics = _followed(
        _("Topics"),
        _("New and changed measures, lessons learned, adoptions and dates on the topic."),
    )
    projects = _followed(
        _("Model projects"),
        _("New and changed measures, lessons learned and adoptions of the project."),
    )
    offers = _followed(_("Offers of the DigitalAgentur"), _("New dates with free places."))
    new_surveys = forms.BooleanField(
        label=_("New surveys and surveys that close soon"), required=False
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        help_text=_("A digest is only sent when there is something new."),
    )

    def __init__(self, *args, with_email=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.all()
        self.fields["projects"].queryset = projects_to_follow()
        self.fields["offers"].queryset = offers_with_dates()
        if not with_email:
            del self.fields["email"]

    def clean(self):
        data = super().clean()
        if not (data.get("topics") or data.get("projects") or data.get("offers")) and not data.get(
            "new_surveys"
        ):
            raise forms.ValidationError(
                _("Please choose at least one topic, model project, offer or the surveys."),
                code="empty",
            )
        return data

    def choice(self):
        data = self.cleaned_data
        return Choice(
            frequency=data["frequency"],
            new_surveys=data["new_surveys"],
            topics=list(data["topics"]),
            projects=list(data["projects"]),
            offers=list(data["offers"]),
        )
