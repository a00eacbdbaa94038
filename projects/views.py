from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from offers.models import EventDate, Offer
from offers.services import offers_for_topic
from projects import adoption, profile, queries, topic_counts
from projects import transfer_overview as transfer_overview_data
from projects.forms import (
    AdoptionForm,
    InsightFilterForm,
    MeasureFilterForm,
    ProjectFilterForm,
    QuestionToProjectForm,
    TransferOverviewFilterForm,
)
from projects.models import (
    Adoption,
    Insight,
    Measure,
    ModelProject,
    Municipality,
    SizeClass,
    Topic,
    TopicCount,
    TopicProject,
)
from projects.questions import reserve_question, send_question
from surveys.results import topic_interest
from transfer_portal.lib import ratelimits
from transfer_portal.lib.compiled import (
    compiled,
    filtered,
    first_or_404,
    prefetch,
)
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.listing import first_rows_query, paged, paged_compiled, rows_and_total
from transfer_portal.lib.spreadsheets import csv_text

ProjectTopics = ModelProject.topics.through

TRANSFER_PLAN_OFFERS = 6
PROJECTS_PER_PAGE = 20
MEASURES_PER_PAGE = 20
INSIGHTS_PER_PAGE = 20
TOPIC_MEASURES = 30
TOPIC_INSIGHTS = 12
TOPIC_OFFERS = 6
PROJECT_MEASURES = 30
PROJECT_INSIGHTS = 10


def render_filtered(request, template_name, form, context):
    """A filtered list; 400 when a filter value is unknown (the list is then empty, the
    form says why)."""
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template_name, {"form": form, **context}, status=status)


def _filtered(form, queryset, lookups):
    """The queryset with the filters of the form applied; none if a value was bad."""
    if not form.is_bound:
        return queryset
    if not form.is_valid():
        return queryset.none()
    for field, lookup in lookups.items():
        value = form.cleaned_data.get(field)
        if value:
            queryset = queryset.filter(**{lookup: value})
    return queryset


@require_safe
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    editor = is_editor(request.user)
    # No distinct(): each filter is one topic / one municipality, and a project is linked
    # to either at most once, so the joins cannot repeat a project.
    lookups = {"thema": "topics", "kommune": "municipalities"}
    context = _paged_filtered(request, form, _project_list, PROJECTS_PER_PAGE, lookups, editor)
    shown = context["listing"]["page"].object_list
    prefetch(shown, "municipalities", queries.municipalities_of_projects)
    prefetch(shown, "topics", queries.topics_of_projects)
    return render_filtered(request, "projects/project_list.html", form, context)


def _project_list(*values, editor, lookups):
    projects = ModelProject.objects.visible(editor=editor).order_by("title", "pk")
    return filtered(projects, lookups, values)


def _paged_filtered(request, form, build, per_page, lookups, editor):
    """paged_compiled() of `build`, filtered by the form's filters that are set (`lookups`:
    form field → lookup); an empty page if a filter value is unknown."""
    if form.is_bound and not form.is_valid():
        return paged(request, build(editor=editor, lookups=()).none(), per_page)
    filters = {
        lookup: getattr(value, "pk", value)
        for field, lookup in lookups.items()
        if form.is_bound and (value := form.cleaned_data.get(field))
    }
    return paged_compiled(
        request, build, per_page, *filters.values(), editor=editor, lookups=(*filters,)
    )


def _visible_measures(user):
    return Measure.objects.visible_to(user).select_related("project")


@require_safe
def project_detail(request, slug):
    editor = is_editor(request.user)
    project = first_or_404(_project(slug, editor=editor))
    return render(
        request,
        "projects/project_detail.html",
        {"project": project, "content": _project_content(project, editor)},
    )


@compiled
def _project(slug, *, editor):
    return ModelProject.objects.visible(editor=editor).filter(slug=slug)


@compiled
def _project_measures(project, *, editor):
    return first_rows_query(
        Measure.objects.visible(editor=editor)
        .filter(project=project)
        .only(*queries.MEASURE_ITEM_FIELDS)
        .order_by("title", "pk"),
        PROJECT_MEASURES,
    )


@compiled
def _project_insights(project, *, editor):
    return first_rows_query(
        Insight.objects.visible(editor=editor)
        .filter(project=project)
        .select_related("topic")
        .order_by("-created_at", "-pk"),
        PROJECT_INSIGHTS,
    )


@compiled
def _related_projects(project, *, editor):
    """Up to three other projects with the most topics in common with `project`."""
    return (
        ModelProject.objects.visible(editor=editor)
        .filter(topics__model_projects=project)  # one row per shared topic
        .exclude(pk=project)
        .annotate(shared_topics=Count("topics"))
        .order_by("-shared_topics", "title")[:3]
    )


def _project_content(project, editor):
    """The main content of a project page."""
    prefetch([project], "municipalities", queries.municipalities_of_projects, with_districts=True)
    prefetch([project], "topics", queries.topics_of_projects)
    prefetch([project], "sources", queries.sources_of_projects)
    # A project can have hundreds of entries: the page shows the first ones, with the total
    # from a window function (no extra query) and a link to the full, filtered list.
    measures, measure_total = rows_and_total(_project_measures(project.pk, editor=editor))
    prefetch(measures, "topics", queries.topics_of_measures)
    insights, insight_total = rows_and_total(_project_insights(project.pk, editor=editor))
    # Measures grouped by topic; one with several topics shows under each of them.
    groups = {}
    without_topic = []
    for measure in measures:
        topics = list(measure.topics.all())
        if not topics:
            without_topic.append(measure)
        for topic in topics:
            groups.setdefault(topic, []).append(measure)
    measure_groups = sorted(groups.items(), key=lambda item: (item[0].position, item[0].name))
    related = _related_projects(project.pk, editor=editor) if project.topics.all() else ()
    return {
        "measure_groups": measure_groups,
        "measures_without_topic": without_topic,
        "measure_total": measure_total,
        "shown_measures": len(measures),
        "insights": insights,
        "insight_total": insight_total,
        "related_projects": related,
    }


@require_safe
def measure_list(request):
    form = MeasureFilterForm(request.GET or None, user=request.user)
    lookups = {
        "thema": "topics",
        "projekt": "project",
        "status": "status",
        "phase": "transfer_phase",
        "kosten": "investment_band",
        "quelloffen": "open_source",
        "groesse": "size_classes",
    }
    editor = is_editor(request.user)
    context = _paged_filtered(request, form, _measure_list, MEASURES_PER_PAGE, lookups, editor)
    prefetch(context["listing"]["page"].object_list, "topics", queries.topics_of_measures)
    return render_filtered(request, "projects/measure_list.html", form, context)


def _measure_list(*values, editor, lookups):
    measures = Measure.objects.visible(editor=editor).only(*queries.MEASURE_ITEM_FIELDS)
    return filtered(measures.order_by("title", "pk"), lookups, values)


@require_safe
def insight_list(request):
    form = InsightFilterForm(request.GET or None, user=request.user)
    newest_first = ("-created_at", "-pk")

    lookups = {"thema": "topic", "projekt": "project", "art": "kind"}
    keys = Insight.objects.visible_to(request.user)
    keys = _filtered(form, keys, lookups).order_by(*newest_first).values("pk")

    def load(page_keys):
        # Sorting tens of thousands of joined rows with their texts is slow (3x on
        # PostgreSQL): the database sorts only the keys and loads the page's rows in the
        # same query.
        return list(
            Insight.objects.filter(pk__in=page_keys)
            .select_related("project", "measure", "topic")
            .order_by(*newest_first)
        )

    return render_filtered(
        request,
        "projects/insight_list.html",
        form,
        paged(request, keys, INSIGHTS_PER_PAGE, load),
    )


@require_safe
def measure_detail(request, slug):
    return _measure_page(request, _measure(request, slug))


def _measure(request, slug, *, insights=True):
    """The measure with what its page shows (`insights`: its lessons learned too), in
    compiled queries: prefetch_related() built and compiled five queries anew each time."""
    editor = is_editor(request.user)
    measure = first_or_404(queries.measure_by_slug(slug, editor=editor))
    for name, query in (
        ("topics", queries.topics_of_measures),
        ("sources", queries.sources_of_measures),
        ("prerequisites", queries.prerequisites_of_measures),
        ("size_classes", queries.size_classes_of_measures),
    ):
        prefetch([measure], name, query)
    measure.adoption_list = list(queries.adoptions_of_measure(measure.pk))
    if insights:
        measure.visible_insights = list(queries.insights_of_measure(measure.pk, editor=editor))
    return measure


def _measure_page(request, measure, form=None, status=200):
    """The measure page; for a confirmed member of a municipality with the form to mark
    where the municipality stands with it (`form`: one sent back with errors)."""
    municipality = adoption.member_municipality(request.user)
    if municipality is not None:
        own = next((a for a in measure.adoption_list if a.municipality_id == municipality.pk), None)
        if form is None:
            initial = {"stage": own.stage, "reason": own.reason, "note": own.note} if own else {}
            initial["named_as_contact"] = bool(own and own.contact_id == request.user.pk)
            form = AdoptionForm(initial=initial)
    context = {
        "measure": measure,
        "profile": profile.profile_rows(measure),
        "prerequisites": profile.prerequisites(measure),
        "member_municipality": municipality,
        "adoption_form": form,
    }
    return render(request, "projects/measure_detail.html", context, status=status)


COMPARED_AT_MOST = 3
COMPARE_CANDIDATES = 100


@require_safe
def measure_compare(request):
    """Up to three measures side by side, their profiles aligned in rows; the address
    (?m=slug&m=slug) names them, so it can be passed on."""
    slugs = list(dict.fromkeys(request.GET.getlist("m")))
    problems = []
    if len(slugs) > COMPARED_AT_MOST:
        problems.append(
            _("At most %(count)s measures can be compared; the first %(count)s are shown.")
            % {"count": COMPARED_AT_MOST}
        )
        slugs = slugs[:COMPARED_AT_MOST]
    found = {
        measure.slug: measure
        for measure in _visible_measures(request.user)
        .filter(slug__in=slugs)
        .prefetch_related("prerequisites", "size_classes")
    }
    if unknown := [slug for slug in slugs if slug not in found]:
        quoted = ", ".join(_("“%(text)s”") % {"text": slug} for slug in unknown)
        problems.append(
            ngettext(
                "No measure has the address %(slugs)s; it is left out.",
                "No measure has the addresses %(slugs)s; they are left out.",
                len(unknown),
            )
            % {"slugs": quoted}
        )
    measures = [found[slug] for slug in slugs if slug in found]
    columns = [
        {
            "measure": measure,
            "profile": profile.profile_rows(measure),
            "prerequisites": profile.prerequisites(measure),
            "without": _compare_url([m.slug for m in measures if m != measure]),
        }
        for measure in measures
    ]

    def aligned(part):
        """[(label, [the field in each column])] of the columns' `part`."""
        return [(cells[0].label, cells) for cells in zip(*(c[part] for c in columns), strict=True)]

    candidates = []
    if measures and len(measures) < COMPARED_AT_MOST:
        # Measures on the same topics, to add one without going back to the list.
        shared = Measure.topics.through.objects.filter(measure__in=measures).values("topic")
        candidates = (
            _visible_measures(request.user)
            .filter(topics__in=shared)
            .exclude(pk__in=[measure.pk for measure in measures])
            .distinct()
            .order_by("project_title", "title")[:COMPARE_CANDIDATES]
        )
    return render(
        request,
        "projects/measure_compare.html",
        {
            "candidates": candidates,
            "columns": columns,
            "rows": aligned("profile"),
            "prerequisite_rows": aligned("prerequisites"),
            "problems": problems,
        },
        status=400 if problems else 200,
    )


def _compare_url(slugs):
    return reverse("projects:measure_compare") + "?" + urlencode([("m", slug) for slug in slugs])


@require_safe
def transfer_plan(request, slug):
    """A printable plan for taking a measure over: profile, prerequisites as a checklist,
    next steps, contacts, adopters with their consented contacts, related DABB offers and
    their next dates."""
    measure = _measure(request, slug, insights=False)
    offers = list(_plan_offers(measure.pk, editor=is_editor(request.user)))
    checklist = profile.prerequisites(measure)
    return render(
        request,
        "projects/transfer_plan.html",
        {
            "measure": measure,
            "profile": profile.profile_rows(measure),
            "prerequisites": checklist,
            "needed": [item for item in checklist if item.needed],
            "unknown": [item for item in checklist if item.needed is None],
            "adopters": [a for a in measure.adoption_list if a.stage != Adoption.Stage.REJECTED],
            "offers": offers,
        },
    )


@login_required
@require_safe
def transfer_overview(request):
    """DABB's view of transfer, for editors: survey demand against supply per topic (the
    biggest gaps first), adoptions by stage over time, per measure and per Landkreis, and
    the questions sent to each project; each table also as CSV (?export=…)."""
    if not is_editor(request.user):
        raise PermissionDenied(_("Only the editors see the view of transfer."))
    form = TransferOverviewFilterForm(request.GET or None)
    export = request.GET.get("export")
    exports = transfer_overview_data.EXPORTS
    if form.is_bound and not form.is_valid() or (export and export not in exports):
        return render(
            request,
            "projects/transfer_overview.html",
            {
                "form": form,
                "bad_export": export is not None and export not in exports,
                "topics": None,
                "over_time": None,
                "questions": None,
            },
            status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    filters = transfer_overview_data.Filters(
        topic=data.get("thema"),
        district=data.get("landkreis"),
        measure_slug=data.get("massnahme") or None,
    )
    if export:
        header, rows = exports[export](filters)
        response = HttpResponse(csv_text([header, *rows]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="transfer-{export}.csv"'
        return response
    context = {
        "form": form,
        "topics": transfer_overview_data.topics(),
        "answered": transfer_overview_data.answered_municipalities(),
        "over_time": transfer_overview_data.adoptions_over_time(filters),
        "measures": transfer_overview_data.measures(filters),
        "districts": transfer_overview_data.districts(filters),
        "questions": transfer_overview_data.questions(),
        "stage_labels": Adoption.Stage.labels,
        "filter_query": request.GET.urlencode(),
    }
    return render(request, "projects/transfer_overview.html", context)


@compiled
def _plan_offers(measure, *, editor):
    """DABB's offers on any of the measure's topics with the start of their next date (not
    cancelled), all the plan shows of them (compiled: the subquery costs more to build than
    to run). By the measure's id, not a list of its topics: PostgreSQL planned the
    statement with a list anew on every call, one with an id it plans once."""
    topics = Measure.topics.through.objects.filter(measure=measure).values("topic")
    on_topics = Offer.topics.through.objects.filter(topic__in=topics).values("offer")
    next_date = EventDate.objects.filter(offer=OuterRef("pk"), cancelled=False).upcoming()
    return (
        Offer.objects.visible(editor=editor)
        .filter(pk__in=on_topics)
        .annotate(
            next_starts_at=Subquery(next_date.order_by("starts_at", "pk").values("starts_at")[:1])
        )
        .only("title", "slug")
        .order_by("title", "pk")[:TRANSFER_PLAN_OFFERS]
    )


@login_required
@require_POST
def mark_adoption(request, slug):
    """A confirmed member marks where their municipality stands with the measure."""
    measure = get_object_or_404(_visible_measures(request.user), slug=slug)
    municipality = adoption.member_municipality(request.user)
    if municipality is None:
        raise PermissionDenied(
            _("Only confirmed members of a municipality can mark measures for it.")
        )
    form = AdoptionForm(request.POST)
    if not form.is_valid():  # the page again, with all it shows
        return _measure_page(request, _measure(request, slug), form, status=400)
    adoption.record(
        municipality=municipality, measure=measure, user=request.user, **form.cleaned_data
    )
    messages.success(
        request,
        _("Saved: %(municipality)s – %(stage)s.")
        % {
            "municipality": municipality.name,
            "stage": Adoption.Stage(form.cleaned_data["stage"]).label,
        },
    )
    return redirect(measure.get_absolute_url() + "#nachnutzung")


@require_safe
def municipality_detail(request, slug):
    """A municipality's page: the measures it marked, by stage."""
    # The name of its size class comes along in the same query (a class for its population).
    size_class = SizeClass.objects.containing(OuterRef("population")).values("name")[:1]
    municipality = get_object_or_404(
        Municipality.objects.select_related("district", "amt").annotate(
            size_class_name=Subquery(size_class)
        ),
        slug=slug,
    )
    adoptions = (
        Adoption.objects.public()
        .filter(municipality=municipality)
        .select_related("measure__project")
        .only("stage", "changed_at", "measure__slug", "measure__title", "measure__project__title")
        .order_by("measure__title", "pk")
    )
    return render(
        request,
        "projects/municipality_detail.html",
        {
            "municipality": municipality,
            "adoptions": adoptions,
            # An Amt's Gemeinden, so that a member of the Amt finds them (and they their Amt).
            "amt_members": list(municipality.amt_members.order_by("name"))
            if municipality.kind == Municipality.Kind.AMT
            else [],
        },
    )


@require_safe
def topic_list(request):
    if is_editor(request.user):  # drafts too: counted now
        topics = list(Topic.objects.annotate(measure_count=Count("measures", distinct=True)))
        projects = topic_counts.projects_per_topic(published=False)
        for topic in topics:
            topic.project_count = projects.get(topic.pk, 0)
    else:  # what the public sees: the stored counts
        topics = Topic.objects.annotate(
            project_count=Coalesce("public_counts__projects", 0),
            measure_count=Coalesce("public_counts__measures", 0),
        )
    return render(request, "projects/topic_list.html", {"topics": topics})


@require_safe
def topic_detail(request, slug):
    # All topics (a short, curated list) in one query: the page needs their order as well,
    # for the TOP places of survey interest where counts are equal.
    topics = list(_topics_with_counts())
    topic = next((topic for topic in topics if topic.slug == slug), None)
    if topic is None:
        raise Http404("No topic has this address.")
    return render(
        request,
        "projects/topic_detail.html",
        {"topic": topic, "content": _topic_content(topic, request.user, topics)},
    )


@compiled
def _topics_with_counts():
    return Topic.objects.select_related("public_counts")


@compiled
def _topic_projects(topic, *, editor, stored):
    """The projects linked to the topic, and those with a (visible) measure on it: a
    project that works on a topic through one of its measures works on it. What the public
    sees is stored with the topic's counts (TopicProject); an editor's, with drafts, is
    looked up."""
    linked = ProjectTopics.objects.filter(topic=topic)
    # Cards for the projects with the topic among their main topics; the others, which only
    # have measures on it, are listed by name (a topic can have dozens of them).
    # Only what a card and a link show: a topic can bring dozens of long project texts.
    projects = (
        ModelProject.objects.visible(editor=editor)
        .only(*queries.PROJECT_CARD_FIELDS)
        .annotate(linked=Exists(linked.filter(modelproject=OuterRef("pk"))))
    )
    if stored:
        return projects.filter(pk__in=TopicProject.objects.filter(topic=topic).values("project"))
    return projects.filter(
        Q(pk__in=linked.values("modelproject_id"))
        | Q(pk__in=Measure.objects.visible(editor=editor).filter(topics=topic).values("project"))
    )


@compiled
def _topic_measures(topic, *, editor, counted):
    return first_rows_query(
        Measure.objects.visible(editor=editor)
        .filter(topics=topic)
        .only(*queries.MEASURE_ITEM_FIELDS)
        # By project and title: the stored project title and its index (measure_by_project);
        # the page shows the project's title above its measures, not more of the project.
        .order_by("project_title", "title"),
        TOPIC_MEASURES,
        keys_first=True,
        counted=counted,
    )


@compiled
def _topic_insights(topic, *, editor, counted):
    return first_rows_query(
        Insight.objects.visible(editor=editor)
        .filter(topic=topic)
        .select_related("project", "measure")  # the topic is the page's
        .only(*queries.INSIGHT_ITEM_FIELDS)
        .order_by("-created_at", "-pk"),
        TOPIC_INSIGHTS,
        counted=counted,
    )


def _topic_content(topic, user, topics):
    """The main content of a topic page."""
    editor = is_editor(user)
    # A topic can have thousands of entries: the page shows the first ones, with the total
    # and a link to the full, filtered list. The public totals are stored (TopicCount); an
    # editor's, with drafts, are counted in the same query as the rows.
    counts = None if editor else _public_counts(topic)
    # Project cards here leave out the municipalities: the page stays within ten queries.
    projects = list(_topic_projects(topic.pk, editor=editor, stored=counts is not None))
    measures, measure_total = rows_and_total(
        _topic_measures(topic.pk, editor=editor, counted=counts is None),
        counts and counts.measures,
    )
    insights, insight_total = rows_and_total(
        _topic_insights(topic.pk, editor=editor, counted=counts is None),
        counts and counts.insights,
    )
    for insight in insights:
        insight.topic = topic
    measures_by_project = [
        (project_title, list(items))
        for (_project, project_title), items in groupby(
            measures, key=lambda m: (m.project_id, m.project_title)
        )
    ]
    offers, offer_total = offers_for_topic(topic, user, limit=TOPIC_OFFERS)
    # Whom to contact: the contact persons of DABB's offers on this topic.
    contacts = list({offer.contact.pk: offer.contact for offer in offers if offer.contact}.values())
    return {
        "projects": [project for project in projects if project.linked],
        "projects_with_measures": [project for project in projects if not project.linked],
        "measures_by_project": measures_by_project,
        "measure_total": measure_total,
        "shown_measures": len(measures),
        "insights": insights,
        "insight_total": insight_total,
        "offers": offers,
        "offer_total": offer_total,
        "contacts": contacts,
        "survey_interest": topic_interest(topic, topics=topics),
    }


def _public_counts(topic):
    try:
        return topic.public_counts
    except TopicCount.DoesNotExist:  # counted below, as for an editor
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def ask_project(request, slug):
    """A question to a model project. Template: projects/ask.html, which serves ask_measure
    too – the same form, about a project or one of its measures."""
    project = get_object_or_404(ModelProject.objects.visible_to(request.user), slug=slug)
    return _ask(request, project, None)


@require_http_methods(["GET", "HEAD", "POST"])
def ask_measure(request, slug):
    """A question about a measure, to its project. Template: projects/ask.html (shared with
    ask_project)."""
    measure = get_object_or_404(_visible_measures(request.user), slug=slug)
    return _ask(request, measure.project, measure)


def _ask(request, project, measure):
    about = measure or project
    form = QuestionToProjectForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif not reserve_question(request):
            form.add_error(
                None,
                _(
                    "You have sent several questions in a short time. Please try again in "
                    "an hour; what you entered is still here."
                ),
            )
            status = 429
        else:
            send_question(
                project,
                form.cleaned_data,
                page_url=settings.SITE_URL + about.get_absolute_url(),
                measure=measure,
            )
            messages.success(
                request,
                _("Your question has been sent. You will receive a confirmation by e-mail."),
            )
            return redirect(about)
    response = render(
        request,
        "projects/ask.html",
        {"form": form, "project": project, "measure": measure, "about": about},
        status=status,
    )
    return ratelimits.with_retry_after(response)
