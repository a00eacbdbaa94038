import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from transfer_portal.content import load_initial_content, load_local_demo


class Command(BaseCommand):
    help = (
        "Set up and start the portal locally on http://127.0.0.1:8000: migrate, load the "
        "initial content and, on a fresh database with DEBUG on, create local try-out accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Do not watch for changes.")

    def handle(self, *args, addrport, noreload, **options):
        # The autoreloader runs this command again in a child process: set up only once.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=0)
            fresh = not get_user_model().objects.exists()
            load_initial_content()
            self.stdout.write(self.style.SUCCESS("Datenbank und Grundinhalte sind bereit."))
            if fresh and settings.DEBUG and settings.LOCAL_DEMO_ACCOUNTS:
                load_local_demo(self.stdout)
        call_command("runserver", addrport, use_reloader=not noreload)
