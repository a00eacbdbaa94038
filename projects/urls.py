from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("modellprojekte/", views.project_list, name="project_list"),
    path("modellprojekte/<slug:slug>/", views.project_detail, name="project_detail"),
    path("modellprojekte/<slug:slug>/frage/", views.ask_project, name="ask_project"),
    path("massnahmen/", views.measure_list, name="measure_list"),
    path("massnahmen/vergleich/", views.measure_compare, name="measure_compare"),
    path("massnahmen/<slug:slug>/", views.measure_detail, name="measure_detail"),
    path("massnahmen/<slug:slug>/transferplan/", views.transfer_plan, name="transfer_plan"),
    path("massnahmen/<slug:slug>/frage/", views.ask_measure, name="ask_measure"),
    path("massnahmen/<slug:slug>/nachnutzung/", views.mark_adoption, name="mark_adoption"),
    path("kommunen/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("erkenntnisse/", views.insight_list, name="insight_list"),
    path("themen/", views.topic_list, name="topic_list"),
    path("themen/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("redaktion/transfer/", views.transfer_overview, name="transfer_overview"),
]
