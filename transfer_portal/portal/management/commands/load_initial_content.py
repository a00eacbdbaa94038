from django.core.management.base import BaseCommand

from transfer_portal.portal.content import load_initial_content


class Command(BaseCommand):
    help = "Load the portal's initial content. Safe to run again: existing entries are kept."

    def handle(self, *args, **options):
        load_initial_content()
        self.stdout.write(self.style.SUCCESS("Grundinhalte sind geladen."))
