"""One clearly labelled sample date for trying out the registration on a local machine."""

import datetime

from django.conf import settings
from django.utils import timezone

from offers.models import EventDate, Offer

# The label "Beispieltermin – nur zum Ausprobieren" comes with every display of a sample
# date (badge, e-mail, .ics): the title itself does not repeat it.
SAMPLE_TITLE = "Teilnahme ausprobieren"


def load(stdout):
    offer = Offer.objects.filter(slug="schreibwerkstatt-digitalstrategien").first()
    if offer is None or EventDate.objects.filter(is_sample=True).exists():
        return
    day = timezone.localdate() + datetime.timedelta(days=14)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    event_date = EventDate.objects.create(
        offer=offer,
        title=SAMPLE_TITLE,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location="Online (Beispiel, findet nicht statt)",
        capacity=2,
        is_sample=True,
    )
    stdout.write(
        "Beispieltermin zum Ausprobieren der Teilnahme (2 Plätze, danach Warteliste):\n"
        f"  {settings.SITE_URL}{event_date.get_absolute_url()}"
    )
