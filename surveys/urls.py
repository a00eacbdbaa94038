from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("umfragen/", views.survey_list, name="survey_list"),
    path("umfragen/kommune-waehlen/", views.choose_municipality, name="choose_municipality"),
    path("umfragen/kommune-waehlen/auswahl/", views.link_municipality, name="link_municipality"),
    path(
        "umfragen/kommune-waehlen/fehlt/",
        views.report_missing_municipality,
        name="report_missing_municipality",
    ),
    path("umfragen/ihre-kommune/", views.membership_overview, name="membership"),
    path("umfragen/ihre-kommune/anfrage/<str:token>/", views.decide_link, name="decide_link"),
    path("umfragen/<slug:slug>/", views.survey_detail, name="survey_detail"),
    path("umfragen/<slug:slug>/teilnehmen/", views.survey_participate, name="survey_participate"),
    path("umfragen/<slug:slug>/verlauf/", views.response_history, name="response_history"),
    path("umfragen/<slug:slug>/ergebnisse/", views.survey_results, name="survey_results"),
    path(
        "umfragen/<slug:slug>/selbsteinschaetzung/",
        views.self_assessment,
        name="self_assessment",
    ),
    path(
        "umfragen/<slug:slug>/ergebnisse/segmente/",
        views.survey_results_by_segment,
        name="survey_segments",
    ),
    path("umfragen/<slug:slug>/export/<str:kind>/", views.survey_export, name="survey_export"),
    path(
        "umfragen/ihre-kommune/erinnerungen/",
        views.reminder_preference,
        name="reminder_preference",
    ),
    path(
        "redaktion/umfragen/<slug:slug>/ruecklauf/",
        views.response_tracker,
        name="response_tracker",
    ),
    path(
        "redaktion/umfragen/<slug:slug>/erinnerung/",
        views.send_reminder,
        name="send_reminder",
    ),
]
