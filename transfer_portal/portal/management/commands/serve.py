import os
import re
import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

from transfer_portal.portal.content import load_initial_content, load_local_demo

# Bound to every address: links that work on this machine.
UNSPECIFIED = {"0": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}  # noqa: S104


def site_url_for(addrport):
    """The portal's address when it serves on `addrport` ("8100", "127.0.0.1:8100",
    "[::1]:8100", "0.0.0.0:8100"), as runserver reads it."""
    match = re.match(naiveip_re, addrport)
    if match is None:
        raise CommandError(f'"{addrport}" is not a valid port number or address:port pair.')
    host = match["addr"] or "127.0.0.1"
    return f"http://{UNSPECIFIED.get(host, host)}:{match['port']}"


class Command(BaseCommand):
    help = (
        "Set up and start the portal locally on http://127.0.0.1:8000 (or the given address): "
        "migrate, load the initial content and, on a fresh database with DEBUG on, create "
        "local try-out accounts; start the task worker that sends the e-mails along. Links in "
        "e-mails and output lead to that address unless the SITE_URL environment variable "
        "names another."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Do not watch for changes.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the task worker (manage.py db_worker), e.g. when one runs already.",
        )

    def handle(self, *args, addrport, noreload, no_worker, **options):
        if not os.environ.get("SITE_URL"):
            # In the environment too: the autoreloader serves from a child process, which
            # reads the settings anew.
            os.environ["SITE_URL"] = settings.SITE_URL = site_url_for(addrport)
        # The autoreloader runs this command again in a child process: set up only once.
        if os.environ.get("RUN_MAIN") != "true":
            call_command("migrate", interactive=False, verbosity=0)
            fresh = not get_user_model().objects.exists()
            load_initial_content()
            self.stdout.write(self.style.SUCCESS("Datenbank und Grundinhalte sind bereit."))
            if fresh and settings.DEBUG and settings.LOCAL_DEMO_ACCOUNTS:
                load_local_demo(self.stdout)
        worker, on_sigterm = None, None
        if not no_worker and os.environ.get("RUN_MAIN") != "true":
            worker = self._start_worker(reload=not noreload)
            # Stopped (not only by Ctrl+C): the worker stops too, in the finally below.
            on_sigterm = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        finally:
            if worker is not None:
                signal.signal(signal.SIGTERM, on_sigterm)
                worker.terminate()
                worker.wait(timeout=10)

    def _start_worker(self, *, reload):
        """The task worker that sends the e-mails, beside the development server: mails
        appear in this terminal as they are sent (console backend without SMTP)."""
        self.stdout.write("Task-Worker für den E-Mail-Versand läuft (manage.py db_worker).")
        command = [sys.executable, "manage.py", "db_worker", "--interval", "1"]
        command.append("--reload" if reload else "--no-reload")
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy())  # noqa: S603
