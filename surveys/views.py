import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, send_mail
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from surveys import exports, services
from surveys.forms import (
    MissingMunicipalityForm,
    MunicipalityChoiceForm,
    MunicipalitySearchForm,
    ResponseForm,
)
from surveys.models import Answer, Participant, Response, Survey
from surveys.results import survey_results as compute_results
from transfer_portal import page_cache
from transfer_portal.editors import is_editor

logger = logging.getLogger(__name__)

ACTION_DRAFT = "zwischenspeichern"
ACTION_SUBMIT = "absenden"
VERSION_FIELD = "stand"


def _get_survey_for_user(request, slug):
    """Load a survey or 404: drafts exist only for editors."""
    return get_object_or_404(
        Survey.objects.visible_to(request.user).with_response_counts(), slug=slug
    )


def _participant(user):
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("municipality")
        .filter(user=user, user__emailaddress__verified=True)
        .first()
    )


@require_safe
def survey_list(request):
    now = timezone.now()
    surveys = Survey.objects.visible_to(request.user).with_response_counts()
    return render(
        request,
        "surveys/survey_list.html",
        {
            "open_surveys": surveys.open(now).order_by("closes_at", "title"),
            "closed_surveys": surveys.closed(now).order_by("-closes_at", "title"),
            "planned_surveys": surveys.planned(now).order_by("opens_at", "title"),
        },
    )


@require_safe
def survey_detail(request, slug):
    survey = _get_survey_for_user(request, slug)
    participant = _participant(request.user)
    response = None
    if participant and participant.is_confirmed:
        response = Response.objects.filter(
            survey=survey, municipality=participant.municipality
        ).first()
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "participant": participant,
            "response": response,
            "results_visible": survey.results_visible_to(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_participate(request, slug):
    survey = _get_survey_for_user(request, slug)
    participant = _participant(request.user)
    if participant is None:
        if not request.user.emailaddress_set.filter(verified=True).exists():
            raise PermissionDenied(_("Please verify your e-mail address first."))
        query = urlencode({"next": request.path})
        return redirect(f"{reverse('surveys:choose_municipality')}?{query}")

    context = {"survey": survey, "participant": participant}
    if not participant.is_confirmed or not survey.is_open:
        # Read-only page; writes are refused, and nothing is changed.
        return render(
            request,
            "surveys/survey_participate.html",
            context,
            status=403 if request.method == "POST" else 200,
        )

    municipality = participant.municipality
    response = (
        Response.objects.filter(survey=survey, municipality=municipality)
        .select_related("updated_by", "submitted_by")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").prefetch_related("choices"),
            )
        )
        .first()
    )
    questions = survey.questions.prefetch_related("choices")
    status = 200
    # The state the form was loaded in travels with it, so that a colleague's answers
    # saved in the meantime are not silently replaced.
    version = services.response_version(response)
    conflict = False
    if request.method == "POST":
        submit = request.POST.get("action") != ACTION_DRAFT or bool(
            response and response.is_submitted
        )
        form = ResponseForm(request.POST, questions=questions, require_answers=submit)
        loaded_version = request.POST.get(VERSION_FIELD)
        status = 400
        if loaded_version is not None:
            version = loaded_version  # sent back with errors: still the state it was loaded in
        if form.is_valid():
            try:
                saved, first = services.save_response(
                    survey=survey,
                    municipality=municipality,
                    user=request.user,
                    answers=form.answers(),
                    submit=submit,
                    loaded_version=loaded_version,
                )
            except services.SurveyClosedError:
                raise PermissionDenied(_("The survey is closed.")) from None
            except services.ConcurrentChangeError as error:
                # The visitor's input stays on the page, unsaved; sending it again now
                # replaces the colleague's answers knowingly.
                conflict, status = True, 409
                response = error.response
                version = services.response_version(response)
            else:
                return _saved(request, survey, municipality, saved, first=first, submit=submit)
    else:
        form = ResponseForm(initial=ResponseForm.initial_from(response), questions=questions)
    context.update({"form": form, "response": response, "draft_action": ACTION_DRAFT})
    context.update({"version_field": VERSION_FIELD, "version": version, "conflict": conflict})
    context["submit_action"] = ACTION_SUBMIT
    return render(request, "surveys/survey_participate.html", context, status=status)


def _saved(request, survey, municipality, response, *, first, submit):
    if submit:
        _send_confirmation(request, survey, response, first)
        messages.success(
            request,
            _("Thank you! The answers of %(municipality)s have been submitted.")
            % {"municipality": municipality},
        )
    else:
        messages.success(
            request, _("Your draft has been saved. It does not count until it is submitted.")
        )
    return redirect("surveys:survey_participate", slug=survey.slug)


def _send_confirmation(request, survey, response, first):
    context = {
        "survey": survey,
        "response": response,
        "first": first,
        "url": settings.SITE_URL + reverse("surveys:survey_participate", args=[survey.slug]),
    }
    subject = (
        _("Your answers to “%(title)s” have been submitted")
        if first
        else _("Your changed answers to “%(title)s” have been submitted")
    ) % {"title": survey.title}
    body = render_to_string("surveys/email/confirmation.txt", context, request=request)
    _mail(subject, body, [request.user.email])


def _mail(subject, body, recipients):
    """Send a survey e-mail; a mail server failure must not turn a saved answer or link into
    an error page (the page says what was saved)."""
    try:
        send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, recipients)
    except Exception:
        logger.exception("Could not send the survey e-mail %r", subject)


def _tell_colleagues(request, participant):
    """A new account answers for a municipality: its colleagues learn of it by e-mail, so
    that an account that does not belong there is noticed (anyone may choose a municipality;
    the editors correct a wrong link)."""
    colleagues = list(
        Participant.objects.filter(
            municipality=participant.municipality,
            user__is_active=True,
            user__emailaddress__verified=True,
            user__emailaddress__email__iexact=F("user__email"),
        )
        .exclude(user=request.user)
        .values_list("user__email", flat=True)
        .distinct()
    )
    if not colleagues:
        return
    context = {
        "municipality": participant.municipality,
        "newcomer": request.user.email,
        "contact": settings.PORTAL_CONTACT_EMAIL,
    }
    # In the portal's language: the colleagues' own is not known.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Another account now answers surveys for %(municipality)s") % context
        body = render_to_string("surveys/email/new_colleague.txt", context, request=request)
    # One message each (the addresses are not shared among them), over one connection: a
    # slow mail server costs its timeout once, not once per colleague.
    sender = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject
    messages_ = [EmailMessage(sender, body, to=[colleague]) for colleague in colleagues]
    try:
        mail.mailers.default.send_messages(messages_)
    except Exception:
        logger.exception("Could not tell the colleagues of %s", participant.municipality)


@require_safe
def survey_results(request, slug):
    # The participant count comes with the results, which the fragment cache may spare.
    survey = page_cache.cached_object(
        request, "survey-results", Survey.objects.visible_to(request.user), slug=slug
    )
    if not survey.results_visible_to(request.user):
        return render(
            request, "surveys/survey_results.html", {"survey": survey, "hidden": True}, status=403
        )
    editor = is_editor(request.user)
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "results": page_cache.lazy(_results, survey, include_texts=editor),
            "show_texts": editor,
        },
    )


def _results(survey, *, include_texts):
    results = compute_results(survey, include_texts=include_texts)
    survey.submitted_count = results.participants  # for surveys/includes/participants.html
    return results


@require_safe
def survey_export(request, slug, kind):
    survey = _get_survey_for_user(request, slug)
    if not is_editor(request.user):
        raise PermissionDenied(_("Only editors can export responses."))
    return exports.export_response(survey, kind)


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("surveys:survey_list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def choose_municipality(request):
    participant = _participant(request.user)
    if participant is None and not request.user.emailaddress_set.filter(verified=True).exists():
        raise PermissionDenied(_("Please verify your e-mail address first."))
    next_url = _safe_next(request)
    if participant and participant.is_confirmed:
        # Only editors change a confirmed link, so nobody answers for several municipalities.
        return render(
            request,
            "surveys/choose_municipality.html",
            {"participant": participant, "next": next_url},
            status=403 if request.method == "POST" else 200,
        )

    search_form = MunicipalitySearchForm(request.GET or None)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    choice_form = MunicipalityChoiceForm(search=search)
    missing_form = MissingMunicipalityForm()
    status = 200
    if request.method == "POST":
        if "name" in request.POST:
            missing_form = MissingMunicipalityForm(request.POST)
            if missing_form.is_valid():
                services.link_participant(
                    request.user, requested_name=missing_form.cleaned_data["name"]
                )
                messages.info(
                    request,
                    _(
                        "Thank you. The editors will add your municipality and confirm "
                        "your link; you will be able to answer after that."
                    ),
                )
                return redirect(next_url)
        else:
            choice_form = MunicipalityChoiceForm(request.POST, search=search)
            if choice_form.is_valid():
                municipality = choice_form.cleaned_data["municipality"]
                participant = services.link_participant(request.user, municipality=municipality)
                _tell_colleagues(request, participant)
                messages.success(
                    request,
                    _("You now answer surveys for %(municipality)s.")
                    % {"municipality": municipality},
                )
                return redirect(next_url)
        status = 400
    return render(
        request,
        "surveys/choose_municipality.html",
        {
            "participant": participant,
            "search_form": search_form,
            "search": search,
            "choice_form": choice_form,
            "missing_form": missing_form,
            "next": next_url,
        },
        status=status,
    )
