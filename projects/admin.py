from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Adoption,
    AdoptionChange,
    Insight,
    Measure,
    MeasurePrerequisite,
    MeasureSource,
    ModelProject,
    Municipality,
    ProjectSource,
    SizeClass,
    Topic,
)
from transfer_portal.lib.admin_actions import PublishActions
from transfer_portal.lib.admin_columns import (
    KeepRelatedObjects,
    change_link,
    short_datetime,
    yes_no,
)


@admin.register(Topic)
class TopicAdmin(KeepRelatedObjects, admin.ModelAdmin):
    list_display = ["name", "position", "slug"]
    list_editable = ["position"]
    # The autocomplete of topics: "Digitale" should find "Digitale Teilhabe", not every
    # topic whose description mentions it.
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(KeepRelatedObjects, admin.ModelAdmin):
    list_display = ["name", "kind", "district", "amt", "ags", "population", "sample"]
    sample = yes_no(Municipality, "is_sample")
    list_filter = ["kind", "is_sample", ("district", admin.RelatedOnlyFieldListFilter)]
    # Set only by the local try-out data (manage.py serve); a tick by mistake would drop a
    # real municipality from the registration form's list.
    exclude = ["is_sample"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["district", "amt"]
    list_select_related = ["district", "amt"]


@admin.register(SizeClass)
class SizeClassAdmin(admin.ModelAdmin):
    list_display = ["name", "min_population"]
    prepopulated_fields = {"slug": ["name"]}


class ProjectSourceInline(KeepRelatedObjects, admin.TabularInline):
    model = ProjectSource
    extra = 0


class MeasureInline(KeepRelatedObjects, admin.TabularInline):
    model = Measure
    fields = ["title", "slug", "status", "published"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0


class InsightInline(KeepRelatedObjects, admin.StackedInline):
    model = Insight
    fields = ["kind", "topic", "measure", "text", "published"]
    autocomplete_fields = ["topic", "measure"]
    extra = 0


@admin.register(ModelProject)
class ModelProjectAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    list_display = ["title", "funding_round", "is_published", "measure_count", "updated_at"]
    is_published = yes_no(ModelProject, "published")
    list_filter = ["published", "funding_round", "topics"]
    search_fields = ["title", "motto", "summary", "municipalities__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipalities", "topics"]
    inlines = [ProjectSourceInline, MeasureInline, InsightInline]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "municipalities", "funding_round", "motto", "published"]},
        ),
        (
            _("Content"),
            {"fields": ["summary", "description", "fields_of_action", "topics", "website"]},
        ),
        (
            _("Contact"),
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(measure_total=Count("measures"))

    @admin.display(description=_("measures"), ordering="measure_total")
    def measure_count(self, obj):
        return obj.measure_total


class MeasurePrerequisiteInline(KeepRelatedObjects, admin.TabularInline):
    model = MeasurePrerequisite
    fields = ["kind", "needed", "note"]
    extra = 0
    max_num = len(MeasurePrerequisite.Kind.choices)


class MeasureSourceInline(KeepRelatedObjects, admin.TabularInline):
    model = MeasureSource
    extra = 0


class MeasureInsightFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Lessons learned of a measure belong to its project, also to the one it is being
        # moved to on this page (Insight.clean would else object on the hidden measure field).
        form.instance.project_id = self.instance.project_id


class MeasureInsightInline(InsightInline):
    fields = ["kind", "topic", "text", "published"]
    autocomplete_fields = ["topic"]
    formset = MeasureInsightFormSet


@admin.register(Measure)
class MeasureAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    list_display = ["title", "project_link", "status", "is_published", "updated"]
    is_published = yes_no(Measure, "published")
    list_filter = ["published", "status", "transfer_phase", "project", "topics"]
    search_fields = ["title", "summary", "description", "project__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["project", "topics"]
    list_select_related = ["project"]
    inlines = [MeasurePrerequisiteInline, MeasureSourceInline, MeasureInsightInline]
    # In the measure field of a lesson learned, each measure with its project: a title
    # alone does not tell measures of different projects apart.
    autocomplete_select_related = ["project"]
    fieldsets = [
        (None, {"fields": ["project", "title", "slug", "status", "published"]}),
        (_("Content"), {"fields": ["summary", "description", "topics"]}),
        (
            _("Transferability"),
            {"fields": ["transfer_preconditions", "transfer_effort", "transfer_notes"]},
        ),
        (
            _("Profile for transfer"),
            {
                "description": _(
                    "Fill in only what a source says; every empty field is shown as "
                    "“not known”. The prerequisites are a checklist below."
                ),
                "fields": [
                    "goal",
                    ("transfer_phase", "continued_after_funding"),
                    ("investment_eur", "investment_band"),
                    ("running_costs_eur", "running_costs_band"),
                    "funding_sources",
                    ("staff_fte", "staff_person_days", "duration_months"),
                    "operating_model",
                    ("open_source", "licence"),
                    "code_url",
                    "size_classes",
                ],
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "size_classes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs["localize"] = True  # "0,5" full-time equivalents, as editors write it
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("model project"), ordering="project_title")
    def project_link(self, obj):
        return change_link(obj.project, obj.project.title)

    def autocomplete_label(self, obj):
        return f"{obj.title} ({obj.project.title})"

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj):
        return short_datetime(obj.updated_at)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Insight:
            # A measure moved to another project takes its lessons learned along, also
            # those that were not edited (the formset saves only changed forms).
            measure = form.instance
            for insight in measure.insights.exclude(project=measure.project_id):
                insight.project_id = measure.project_id
                insight.save(update_fields=["project"])


class InsightAdminForm(forms.ModelForm):
    """The model project may be left empty when a measure is chosen: it is the measure's."""

    class Meta:
        model = Insight
        fields = ["project", "measure", "topic", "kind", "text", "published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "project" in self.fields:
            self.fields["project"].required = False
            self.fields["project"].help_text = _("Taken from the measure if left empty.")

    def clean(self):
        cleaned_data = super().clean()
        measure = cleaned_data.get("measure")
        if "project" in self.fields and not cleaned_data.get("project"):
            if measure is not None:
                cleaned_data["project"] = measure.project
            elif "project" not in self.errors:
                self.add_error("project", _("Choose a model project or a measure."))
        return cleaned_data


@admin.register(Insight)
class InsightAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    form = InsightAdminForm
    list_display = ["__str__", "kind", "topic", "project", "measure", "is_published"]
    is_published = yes_no(Insight, "published")
    list_filter = ["published", "kind", "topic", "project"]
    search_fields = ["text", "project__title", "measure__title"]
    autocomplete_fields = ["project", "measure", "topic"]
    list_select_related = ["topic", "project", "measure"]


class AdoptionChangeInline(admin.TabularInline):
    """The history of an adoption: read only, written by projects/adoption.py."""

    model = AdoptionChange
    fields = ["changed_at", "stage", "reason", "note", "changed_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["municipality", "measure", "stage", "changed"]
    list_filter = ["stage", "municipality__district", "measure__project"]
    search_fields = ["municipality__name", "measure__title"]
    list_select_related = ["municipality", "measure"]
    autocomplete_fields = ["municipality", "measure", "contact"]
    fields = ["municipality", "measure", "stage", "reason", "note", "contact"]
    inlines = [AdoptionChangeInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An editor's correction is part of the history like a member's change.
        AdoptionChange.objects.create(
            adoption=obj, stage=obj.stage, reason=obj.reason, note=obj.note, changed_by=request.user
        )

    @admin.display(description=_("changed at"), ordering="changed_at")
    def changed(self, obj):
        return short_datetime(obj.changed_at)
