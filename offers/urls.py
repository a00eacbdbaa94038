from django.conf import settings
from django.urls import path, register_converter

from offers import views
from transfer_portal.lib.object_urls import KEY


class IdConverter:
    """A primary key written one way only: /termine/03/ is not a second address of
    /termine/3/ (its canonical link pointed to itself)."""

    regex = KEY.pattern

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

app_name = "offers"

urlpatterns = [
    path("angebote/", views.offer_list, name="offer_list"),
    path("angebote/<slug:slug>/", views.offer_detail, name="offer_detail"),
    path("termine/", views.event_list, name="event_list"),
    path("termine/archiv/", views.event_archive, name="event_archive"),
    path("termine/<id:pk>/", views.event_detail, name="event_detail"),
    path("termine/<id:pk>.ics", views.event_ics, name="event_ics"),
    path("termine.ics", views.event_feed, name="event_feed"),
    path(
        "termine/teilnahme/<str:token>/bestaetigung/",
        views.attendance_confirmation,
        name="attendance_confirmation",
    ),
    path("termine/rueckmeldung/<str:token>/", views.date_feedback, name="date_feedback"),
    path("kontakt/", views.contact_list, name="contact_list"),
    path(
        "anmeldung/<str:token>/stornieren/",
        views.cancel_registration,
        name="cancel_registration",
    ),
    path(
        "teilnahme/<str:token>/bestaetigen/",
        views.confirm_registration,
        name="confirm_registration",
    ),
]

# Outside the language prefix (the root URLconf adds them as they are): a photo has one
# address whatever the page's language.
unprefixed_urlpatterns = [
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        views.contact_photo,
        name="contact_photo",
    ),
]
