from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Model projects")

    def ready(self):
        from projects import search_context, topic_counts

        search_context.connect_signals()
        topic_counts.connect_signals()
