from django.core.management.base import BaseCommand

from transfer_portal.portal.subscriptions import send_digests


class Command(BaseCommand):
    help = (
        "Regular run (daily, e.g. by cron or a systemd timer): queue the digest of what is new "
        "for every confirmed subscriber whose week (or day, for daily digests) has none yet. "
        "Nothing new, no mail; running it again in the same period sends nothing twice."
    )

    def handle(self, *args, **options):
        sent, empty, done = send_digests()
        self.stdout.write(
            f"Übersichten in die Warteschlange gestellt: {sent}; ohne Neues (keine E-Mail): "
            f"{empty}; in diesem Zeitraum schon gesendet: {done}"
        )
