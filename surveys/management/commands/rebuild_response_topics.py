from django.core.management.base import BaseCommand
from django.db import transaction

from surveys import topics


class Command(BaseCommand):
    help = (
        "Recompute which topics each survey response chose (surveys.ResponseTopic), the "
        "results of every survey (surveys.ResultsSnapshot) and since when each "
        "municipality's interest in a topic is public (surveys.PublicTopicInterest), from "
        "the answers and the surveys. Only needed after writing answers or surveys around "
        "the ORM (raw SQL, QuerySet.update(), a restore of part of the tables); the portal "
        "keeps the rows up to date itself."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = topics.rebuild_all()  # and the results of every survey
        if options["verbosity"]:
            self.stdout.write(f"Themen von {count} Antworten neu berechnet.")
