from django.urls import path

from offers import views

app_name = "offers"

urlpatterns = [
    path("angebote/", views.offer_list, name="offer_list"),
    path("angebote/<slug:slug>/", views.offer_detail, name="offer_detail"),
    path("termine/", views.event_list, name="event_list"),
    path("termine/archiv/", views.event_archive, name="event_archive"),
    path("termine/<int:pk>/", views.event_detail, name="event_detail"),
    path("termine/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("termine.ics", views.event_feed, name="event_feed"),
    path("kontakt/", views.contact_list, name="contact_list"),
    path(
        "anmeldung/<str:token>/stornieren/",
        views.cancel_registration,
        name="cancel_registration",
    ),
]
