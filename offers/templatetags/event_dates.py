"""Template tags for the dates of offers."""

from django import template
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, time_format

from transfer_portal.lib.templatetags.portal import oclock_word

register = template.Library()


@register.inclusion_tag("offers/includes/date_when.html")
def date_when(date):
    """When a date takes place: `{% date_when date %}`.

    Each moment is converted to local time and formatted once here; as date filters in the
    template, each of its up to six uses converted and formatted it anew, which made this
    the costliest piece of every list of dates.
    """
    start = timezone.localtime(date.starts_at)
    end = timezone.localtime(date.ends_at) if date.ends_at else None
    return {
        "all_day": date.all_day,
        "same_day": end is None or end.date() == start.date(),
        "start": _moment(start),
        "end": end and _moment(end),
        "clock": oclock_word(),
    }


def _moment(value):
    """What the template shows of a local moment: as the date filters "Y-m-d", "c", "l",
    "DATE_FORMAT" and the time filter "TIME_FORMAT" would."""
    return {
        "day": value.date().isoformat(),
        "iso": value.isoformat(),
        "weekday": WEEKDAYS[value.weekday()],
        "date": date_format(value, "DATE_FORMAT"),
        "time": time_format(value, "TIME_FORMAT"),
    }
