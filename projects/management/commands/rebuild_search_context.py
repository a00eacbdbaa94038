from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import ModelProject
from projects.search_context import refresh


class Command(BaseCommand):
    help = (
        "Recompute what the search also finds measures and lessons learned by (their "
        "project's title and municipalities). Only needed after writing those around the ORM "
        "(raw SQL, QuerySet.update()); the portal keeps it up to date itself."
    )

    def handle(self, *args, **options):
        projects = ModelProject.objects.prefetch_related("municipalities")
        with transaction.atomic():
            refresh(projects)
        if options["verbosity"]:
            self.stdout.write(f"Suchkontext von {len(projects)} Modellprojekten neu berechnet.")
