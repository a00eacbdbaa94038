from django.conf import settings
from django.core.management.base import BaseCommand

from offers.services import delete_expired_requests
from transfer_portal.lib import mail
from transfer_portal.portal import subscriptions
from transfer_portal.portal.privacy import purge


class Command(BaseCommand):
    help = (
        "Daily retention run: delete registration requests whose confirmation link has "
        "expired, anonymise registrations REGISTRATION_RETENTION_DAYS after their date and "
        "delete accounts never verified within UNVERIFIED_ACCOUNT_DAYS, delete sent e-mails "
        "after MAIL_RETENTION_DAYS (failed ones after 30 days), delete subscriptions to the "
        "digest whose confirmation link has expired."
    )

    def handle(self, *args, **options):
        expired = delete_expired_requests()
        anonymised, deleted = purge()
        mails = mail.delete_old()
        unconfirmed = subscriptions.delete_unconfirmed()
        self.stdout.write(
            f"Unbestätigte Teilnahmeanfragen gelöscht: {expired} (Link abgelaufen, gültig "
            f"{settings.REGISTRATION_CONFIRM_HOURS} Stunden); "
            f"Anmeldungen anonymisiert: {anonymised} (älter als "
            f"{settings.REGISTRATION_RETENTION_DAYS} Tage nach dem Termin); "
            f"unbestätigte Konten gelöscht: {deleted} (älter als "
            f"{settings.UNVERIFIED_ACCOUNT_DAYS} Tage); "
            f"E-Mails gelöscht: {mails} (gesendet vor mehr als "
            f"{settings.MAIL_RETENTION_DAYS} Tagen, fehlgeschlagen vor mehr als "
            f"{mail.FAILED_RETENTION_DAYS} Tagen); "
            f"unbestätigte Abonnements gelöscht: {unconfirmed} (Link abgelaufen, gültig "
            f"{settings.SUBSCRIPTION_CONFIRM_HOURS} Stunden)"
        )
