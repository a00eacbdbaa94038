"""Keeps Measure.search_context and Insight.search_context (what the search also finds them
by: their project's title and municipalities) up to date when any of those change, and
Measure.project_title (the order of a topic's measures) with them."""

from django.db.models.signals import m2m_changed, post_save, pre_save

from projects.models import Insight, Measure, ModelProject, Municipality, search_context_of


def refresh(projects):
    """Write the current context of each project into its measures and lessons learned."""
    for project in projects:
        context = search_context_of(project)
        for model in (Measure, Insight):
            model.objects.filter(project=project).exclude(search_context=context).update(
                search_context=context
            )
        Measure.objects.filter(project=project).exclude(project_title=project.title).update(
            project_title=project.title
        )


def _own_context(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the fixture brings its own
        instance.search_context = search_context_of(instance.project)
        if sender is Measure:
            instance.project_title = instance.project.title


def _project_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance])


def _municipalities_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # project.municipalities.add(…), .remove(…), .clear(), .set(…)
        if action in ("post_add", "post_remove", "post_clear"):
            refresh([instance])
    elif action == "pre_clear":  # municipality.model_projects.clear(): which, unknown after
        instance._search_context_projects = list(instance.model_projects.all())
    elif action == "post_clear":
        refresh(instance.__dict__.pop("_search_context_projects", []))
    elif action in ("post_add", "post_remove"):
        refresh(ModelProject.objects.filter(pk__in=pk_set))


def _municipality_saved(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        refresh(instance.model_projects.all())


def connect_signals():
    for model in (Measure, Insight):
        pre_save.connect(_own_context, sender=model, dispatch_uid=f"search-context-{model}")
    post_save.connect(_project_saved, sender=ModelProject, dispatch_uid="search-context-project")
    post_save.connect(
        _municipality_saved, sender=Municipality, dispatch_uid="search-context-municipality"
    )
    m2m_changed.connect(
        _municipalities_changed,
        sender=ModelProject.municipalities.through,
        dispatch_uid="search-context-municipalities",
    )
