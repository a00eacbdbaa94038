from django.conf import settings
from django.core.management.base import BaseCommand

from transfer_portal.portal.freshness import send_report


class Command(BaseCommand):
    help = (
        "Regular run (monthly, e.g. by cron or a systemd timer): mail the editors the list of "
        "model projects, measures, offers and contact persons whose details were last checked "
        "against their sources more than FRESHNESS_MONTHS months ago, oldest first."
    )

    def handle(self, *args, **options):
        count = send_report()
        self.stdout.write(
            f"Einträge älter als {settings.FRESHNESS_MONTHS} Monate: {count}"
            + ("" if count else " (keine E-Mail)")
        )
