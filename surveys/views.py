import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from projects.adoption import member_municipality
from projects.models import Municipality
from surveys import (
    assessment,
    exports,
    membership,
    queries,
    reminders,
    segments,
    services,
    tracker,
)
from surveys.forms import (
    MissingMunicipalityForm,
    MunicipalityChoiceForm,
    MunicipalitySearchForm,
    ReminderPreferenceForm,
    ResponseForm,
    SegmentationForm,
    TrackerFilterForm,
)
from surveys.models import Answer, Participant, Response, ResponseVersion, Survey
from surveys.results import loaded_snapshot
from surveys.results import survey_results as compute_results
from transfer_portal.lib.compiled import first_or_404
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.local_paths import is_local_path

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
    """The account's link to a municipality (confirmed or not), for a verified account."""
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("municipality__amt")
        .filter(user=user, user__emailaddress__verified=True)
        .first()
    )


def _has_verified_address(user):
    return user.emailaddress_set.filter(verified=True).exists()


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
    colleagues_asked = 0
    if participant and participant.is_confirmed:
        response = Response.objects.filter(
            survey=survey, municipality=participant.municipality
        ).first()
    elif participant and participant.is_pending:
        colleagues_asked = membership.colleagues_asked(participant)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "participant": participant,
            "response": response,
            "colleagues_asked": colleagues_asked,
            "results_visible": survey.results_visible_to(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_participate(request, slug):
    survey = _get_survey_for_user(request, slug)
    participant = _participant(request.user)
    if participant is None:
        if not _has_verified_address(request.user):
            raise PermissionDenied(_("Please verify your e-mail address first."))
        query = urlencode({"next": request.path})
        return redirect(f"{reverse('surveys:choose_municipality')}?{query}")

    context = {"survey": survey, "participant": participant}
    if not participant.is_confirmed:
        # The questions, but neither the municipality's answers nor a way to save: a link
        # that nobody confirmed yet speaks for nobody.
        context["preview"] = ResponseForm(
            questions=survey.questions.prefetch_related("choices", "dimensions"), disabled=True
        )
        if participant.is_pending:
            context["colleagues_asked"] = membership.colleagues_asked(participant)
        return render(
            request,
            "surveys/survey_participate.html",
            context,
            status=403 if request.method == "POST" else 200,
        )
    if not survey.is_open:
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
                queryset=Answer.objects.select_related("question").prefetch_related(
                    "choices", "ratings", "question__dimensions"
                ),
            )
        )
        .first()
    )
    questions = survey.questions.prefetch_related("choices", "dimensions")
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
    context["version_count"] = response.versions.count() if response else 0
    context["has_self_assessment"] = any(question.is_self_assessment for question in questions)
    return render(request, "surveys/survey_participate.html", context, status=status)


def _saved(request, survey, municipality, response, *, first, submit):
    if submit:
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


@require_safe
def survey_results(request, slug):
    survey = first_or_404(queries.survey_by_slug(slug, editor=is_editor(request.user)))
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
            "results": _results(survey, include_texts=editor, user=request.user),
            "show_texts": editor,
        },
    )


@require_safe
def survey_results_by_segment(request, slug):
    """The results broken down by Landkreis, kind of municipality or size class (?nach=),
    small numbers protected (surveys/segments.py); as CSV or XLSX with ?format=. Visible
    to whoever may see the results."""
    survey = first_or_404(queries.survey_by_slug(slug, editor=is_editor(request.user)))
    if not survey.results_visible_to(request.user):
        return render(
            request, "surveys/survey_results.html", {"survey": survey, "hidden": True}, status=403
        )
    form = SegmentationForm(
        request.GET or {"nach": "landkreis"}, segmentations=segments.SEGMENTATIONS
    )
    export = request.GET.get("format")
    context = {
        "survey": survey,
        "form": form,
        "k": segments.min_group_size(),
        "bad_export": export is not None and export not in exports.KINDS,
    }
    if not form.is_valid() or context["bad_export"]:
        return render(request, "surveys/survey_segments.html", context, status=400)
    segmentation = form.cleaned_data["nach"]
    tables = segments.segmented_results(survey, segmentation)
    if export:
        return _segment_export(survey, segmentation, tables, export)
    context.update(
        tables=tables,
        segmentation=segments.SEGMENTATIONS[segmentation],
        exports={
            kind.replace("-", "_"): "?" + urlencode({"nach": segmentation, "format": kind})
            for kind in exports.KINDS
        },
    )
    return render(request, "surveys/survey_segments.html", context)


def _segment_export(survey, segmentation, tables, kind):
    rows = segments.export_rows(tables, segmentation)
    stem = f"{survey.slug}-ergebnisse-{segmentation}"
    return exports.attachment(*exports.render_rows(rows, kind, stem, _("Results by segment")))


def _results(survey, *, include_texts, user=None):
    results = compute_results(
        survey, include_texts=include_texts, user=user, snapshot=loaded_snapshot(survey)
    )
    survey.submitted_count = results.participants  # for surveys/includes/participants.html
    return results


@require_safe
def survey_export(request, slug, kind):
    """The responses as a file for editors (CSV, CSV for Excel, XLSX; surveys/exports.py):
    no template."""
    survey = _get_survey_for_user(request, slug)
    if not is_editor(request.user):
        raise PermissionDenied(_("Only editors can export responses."))
    return exports.export_response(survey, kind)


def _safe_next(request):
    """Where to go after choosing a municipality: the `next` path, or the surveys."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_local_path(target) else reverse("surveys:survey_list")


@login_required
@require_safe
def choose_municipality(request):
    """Search the list of municipalities and choose one; the link is checked (see
    surveys/membership.py) and only editors change it afterwards."""
    return _choose_page(request, _linked_participant(request))


def _linked_participant(request):
    """The account's link to a municipality, or None for an account that may make one:
    only a verified address may."""
    participant = _participant(request.user)
    if participant is None and not _has_verified_address(request.user):
        raise PermissionDenied(_("Please verify your e-mail address first."))
    return participant


def _choose_page(request, participant, *, choice_form=None, missing_form=None, status=200):
    next_url = _safe_next(request)
    if participant is not None:
        # Made already (pending, confirmed or declined): only editors change it, so nobody
        # answers for several municipalities or tries one after the other.
        return render(
            request,
            "surveys/choose_municipality.html",
            {
                "participant": participant,
                "colleagues_asked": membership.colleagues_asked(participant)
                if participant.is_pending
                else 0,
                "next": next_url,
            },
            status=403 if request.method == "POST" else status,
        )
    search_form = MunicipalitySearchForm(request.GET or None)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    return render(
        request,
        "surveys/choose_municipality.html",
        {
            "search_form": search_form,
            "search": search,
            "choice_form": choice_form or MunicipalityChoiceForm(search=search),
            "missing_form": missing_form or MissingMunicipalityForm(),
            "next": next_url,
        },
        status=status,
    )


@login_required
@require_POST
def link_municipality(request):
    """The municipality chosen from the list: the choose page's first form, which posts
    here. Template: surveys/choose_municipality.html again, with the form's errors."""
    if (linked := _linked_participant(request)) is not None:
        return _choose_page(request, linked)
    search_form = MunicipalitySearchForm(request.GET or None)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    form = MunicipalityChoiceForm(request.POST, search=search)
    if not form.is_valid():
        return _choose_page(request, None, choice_form=form, status=400)
    municipality = form.cleaned_data["municipality"]
    try:
        participant = membership.request_link(request.user, municipality)
    except membership.LinkExists:
        return _choose_page(request, _participant(request.user))
    if participant.is_confirmed:
        messages.success(
            request,
            _("Your e-mail address belongs to %(municipality)s: you now answer surveys for it.")
            % {"municipality": municipality},
        )
    else:
        messages.info(
            request,
            _(
                "Your request to answer for %(municipality)s has been sent. You can answer "
                "once it is confirmed; we will let you know by e-mail."
            )
            % {"municipality": municipality},
        )
    return redirect(_safe_next(request))


@login_required
@require_POST
def report_missing_municipality(request):
    """A municipality missing from the list: the choose page's second form, which posts
    here. Template: surveys/choose_municipality.html again, with the form's errors."""
    if (linked := _linked_participant(request)) is not None:
        return _choose_page(request, linked)
    form = MissingMunicipalityForm(request.POST)
    if not form.is_valid():
        return _choose_page(request, None, missing_form=form, status=400)
    try:
        membership.report_missing_municipality(request.user, form.cleaned_data["name"])
    except membership.LinkExists:
        return _choose_page(request, _participant(request.user))
    messages.info(
        request,
        _(
            "Thank you. The editors will add your municipality and confirm your link; you "
            "will be able to answer after that."
        ),
    )
    return redirect(_safe_next(request))


@login_required
@require_safe
def membership_overview(request):
    """The account's link, and for confirmed members the requests they may decide."""
    participant = _participant(request.user)
    pending = list(membership.pending_for(participant))
    municipality = participant.municipality if participant and participant.is_confirmed else None
    return render(
        request,
        "surveys/membership_overview.html",
        {
            "participant": participant,
            # An Amt and its Gemeinden work together: each is offered the other's page.
            "amt_members": list(municipality.amt_members.order_by("name"))
            if municipality and municipality.kind == municipality.Kind.AMT
            else [],
            "pending": [
                (request_, membership.decision_token(request_, request.user))
                for request_ in pending
            ],
            "colleagues_asked": membership.colleagues_asked(participant)
            if participant and participant.is_pending
            else 0,
        },
    )


DECISIONS = {"bestaetigen": membership.confirm, "ablehnen": membership.decline}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def decide_link(request, token):
    """A colleague confirms or declines a pending link: one click from the e-mail (the signed
    link is theirs alone) or from the portal's list. GET asks, POST decides – a link
    preview must not decide anything."""
    loaded = membership.load_decision(token)
    if loaded is None:
        raise Http404(_("This link is not valid (any more)."))
    participant, colleague = loaded
    allowed = membership.may_decide(colleague, participant)
    context = {"participant": participant, "allowed": allowed, "token": token}
    if request.method != "POST":
        return render(request, "surveys/decide_link.html", context, status=200 if allowed else 403)
    decide = DECISIONS.get(request.POST.get("entscheidung", ""))
    if not allowed or decide is None:
        context["invalid_choice"] = allowed
        return render(
            request, "surveys/decide_link.html", context, status=403 if not allowed else 400
        )
    try:
        participant = decide(
            participant.pk, by=colleague.user, via=Participant.DecidedVia.COLLEAGUE
        )
    except membership.NotDecidable as error:
        # Decided by someone else meanwhile: the page shows how it stands now.
        context["participant"] = membership.load_decision(token)[0]
        context["error"] = str(error)
        return render(request, "surveys/decide_link.html", context, status=409)
    # The page the redirect leads to says what was decided (once, as its heading).
    return redirect("surveys:decide_link", token=token)


@login_required
@require_safe
def response_history(request, slug):
    """Every saved version of the municipality's response: who, when, draft or submitted,
    and what the answers were. For confirmed members of the municipality and editors."""
    survey = _get_survey_for_user(request, slug)
    participant = _participant(request.user)
    if participant is None or not participant.is_confirmed:
        raise PermissionDenied(_("Only confirmed members of a municipality see its history."))
    versions = ResponseVersion.objects.filter(
        response__survey=survey, response__municipality=participant.municipality
    ).select_related("saved_by")
    return render(
        request,
        "surveys/response_history.html",
        {"survey": survey, "participant": participant, "versions": versions},
    )


def _editor_survey(request, slug):
    if not is_editor(request.user):
        raise PermissionDenied(_("Only the editors follow the responses to a survey."))
    return get_object_or_404(Survey, slug=slug)


@login_required
@require_safe
def response_tracker(request, slug):
    """For the editors: which municipalities have submitted, saved a draft or not started,
    narrowed down by Landkreis, kind and size class, with the response rate per group, and
    the reminder to those who have not submitted."""
    survey = _editor_survey(request, slug)
    return _tracker_page(request, survey)


def _tracker_page(request, survey, *, refused=None, status=200):
    form = TrackerFilterForm(request.GET or None)
    context = {"survey": survey, "form": form, "refused": refused}
    if form.is_bound and not form.is_valid():
        status = 400
        filters, segmentation = {}, "landkreis"
        context["municipalities"] = None
    else:
        filters = form.filters() if form.is_bound else {}
        segmentation = (form.cleaned_data.get("nach") if form.is_bound else "") or "landkreis"
        context["municipalities"] = list(tracker.municipalities(survey, **filters))
    last = reminders.last_reminder(survey)
    next_reminder = reminders.next_possible(survey, last)
    context.update(
        rates=tracker.rates(survey, segmentation, **filters) if status == 200 else [],
        rate_label=segments.SEGMENTATIONS[segmentation],
        last_reminder=last,
        next_reminder=next_reminder,
        reminder_possible=next_reminder <= timezone.now(),
        recipients=reminders.recipients(survey).count(),
        survey_open=survey.published and survey.is_open,
    )
    return render(request, "surveys/response_tracker.html", context, status=status)


@login_required
@require_POST
def send_reminder(request, slug):
    """Remind the municipalities that have not submitted (surveys/reminders.py)."""
    survey = _editor_survey(request, slug)
    try:
        reminder = reminders.send_reminders(survey, request.user)
    except reminders.ReminderRefused as error:
        return _tracker_page(request, survey, refused=str(error), status=409)
    people = ngettext("%(count)s person", "%(count)s people", reminder.recipients) % {
        "count": reminder.recipients
    }
    places = ngettext(
        "%(count)s municipality", "%(count)s municipalities", reminder.municipalities
    ) % {"count": reminder.municipalities}
    messages.success(
        request,
        _("The reminder goes to %(people)s in %(municipalities)s.")
        % {"people": people, "municipalities": places},
    )
    return redirect("surveys:response_tracker", slug=survey.slug)


@login_required
@require_POST
def reminder_preference(request):
    """A member turns reminders of open surveys on or off."""
    participant = _participant(request.user)
    if participant is None:
        raise PermissionDenied(_("Your account is not linked to a municipality."))
    form = ReminderPreferenceForm(request.POST, instance=participant)
    form.save()  # one checkbox: every input is valid
    if participant.survey_reminders:
        messages.success(request, _("You will be reminded of open surveys."))
    else:
        messages.success(request, _("You will not be reminded of open surveys any more."))
    return redirect(reverse("surveys:membership") + "#erinnerungen")


@login_required
@require_safe
def self_assessment(request, slug):
    """A municipality's self-assessment against its peers, with the measures and offers for
    its fields for action (surveys/assessment.py): for its confirmed members, and for the
    editors with ?kommune=<slug>."""
    survey = _get_survey_for_user(request, slug)
    question = assessment.self_assessment_question(survey)
    if question is None:
        raise Http404("This survey has no self-assessment.")
    municipality = member_municipality(request.user)
    requested = request.GET.get("kommune")
    if is_editor(request.user) and requested:
        municipality = get_object_or_404(
            Municipality.objects.select_related("district"), slug=requested
        )
    elif municipality is None:
        raise PermissionDenied(
            _("Only the confirmed members of a municipality see its self-assessment.")
        )
    ratings = assessment.submitted_ratings(question, municipality)
    context = {"survey": survey, "municipality": municipality, "question": question}
    if ratings is not None:
        context["profile"] = assessment.profile(
            question, municipality, ratings, peers=survey.results_visible_to(request.user)
        )
    return render(request, "surveys/self_assessment.html", context)
