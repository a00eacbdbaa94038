from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Model projects")

    def ready(self):
        from projects import search_context

        search_context.connect_signals()
