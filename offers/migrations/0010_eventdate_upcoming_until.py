"""EventDate.upcoming_until: until when a date counts as upcoming, stored and indexed, so
that the lists of upcoming dates compare one column (issue 18)."""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone


def upcoming_until_of(starts_at, ends_at, all_day):
    """As offers.models.upcoming_until_of when this migration was written."""
    if ends_at is not None:
        return ends_at
    if all_day:
        next_day = timezone.localdate(starts_at) + timedelta(days=1)
        return timezone.make_aware(datetime.combine(next_day, time.min))
    return starts_at


def fill(apps, schema_editor):
    EventDate = apps.get_model("offers", "EventDate")
    dates = list(EventDate.objects.only("starts_at", "ends_at", "all_day"))
    for date in dates:
        date.upcoming_until = upcoming_until_of(date.starts_at, date.ends_at, date.all_day)
    EventDate.objects.bulk_update(dates, ["upcoming_until"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("offers", "0009_reminders_and_access_link")]

    operations = [
        migrations.AddField(
            model_name="eventdate",
            name="upcoming_until",
            field=models.DateTimeField(editable=False, null=True, verbose_name="upcoming until"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="eventdate",
            name="upcoming_until",
            field=models.DateTimeField(editable=False, verbose_name="upcoming until"),
        ),
        migrations.RemoveIndex(model_name="eventdate", name="offers_even_starts__8250f6_idx"),
        migrations.AddIndex(
            model_name="eventdate",
            index=models.Index(
                fields=["starts_at", "upcoming_until", "id"], name="offers_date_start_upcoming"
            ),
        ),
        migrations.AddIndex(
            model_name="eventdate",
            index=models.Index(
                fields=["upcoming_until", "offer_id", "id"], name="offers_date_upcoming_count"
            ),
        ),
        migrations.AddConstraint(
            model_name="eventdate",
            constraint=models.CheckConstraint(
                condition=Q(ends_at__isnull=False, upcoming_until=F("ends_at"))
                | Q(ends_at__isnull=True, all_day=False, upcoming_until=F("starts_at"))
                | Q(ends_at__isnull=True, all_day=True, upcoming_until__gt=F("starts_at")),
                name="offers_eventdate_upcoming_until_follows_the_times",
            ),
        ),
    ]
