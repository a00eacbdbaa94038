from django.conf import settings
from django.core.management.base import BaseCommand

from offers.services import send_date_reminders


class Command(BaseCommand):
    help = (
        "Regular run (hourly or daily, e.g. by cron or a systemd timer): remind everyone whose "
        "place is confirmed DATE_REMINDER_DAYS days before the date, once per registration, "
        "with the calendar entry and, for online dates, the access link."
    )

    def handle(self, *args, **options):
        sent = send_date_reminders()
        self.stdout.write(
            f"Erinnerungen in die Warteschlange gestellt: {sent} (Termine in den nächsten "
            f"{settings.DATE_REMINDER_DAYS} Tagen)"
        )
