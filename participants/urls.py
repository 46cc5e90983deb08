from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("deltagere/", views.citizen_list, name="citizen_list"),
    path("deltagere/<int:pk>/", views.citizen_detail, name="citizen_detail"),
    path("deltagere/<int:pk>/cpr/", views.citizen_cpr_reveal, name="citizen_cpr_reveal"),
    path(
        "deltagere/<int:pk>/opslagslog.csv",
        views.citizen_lookups_export,
        name="citizen_lookups_export",
    ),
    path("deltagere/<int:pk>/fase/", views.phase_start, name="phase_start"),
    path("deltagere/<int:pk>/screening/", views.screening_add, name="screening_add"),
    path("deltagere/<int:pk>/vurdering/", views.assessment_add, name="assessment_add"),
    path("deltagere/<int:pk>/pause/", views.pause_add, name="pause_add"),
    path("deltagere/<int:pk>/placering/", views.placement_add, name="placement_add"),
    path("deltagere/<int:pk>/kompetenceloeft/", views.course_add, name="course_add"),
    path("deltagere/<int:pk>/slutskema/", views.exit_add, name="exit_add"),
    path("deltagere/<int:pk>/opfoelgning/", views.followup_add, name="followup_add"),
    path("deltagere/<int:pk>/notat/", views.note_add, name="note_add"),
    path("visitationer/", views.visitation_list, name="visitation_list"),
    path("visitationer/ny/", views.visitation_propose, name="visitation_propose"),
    path("visitationer/<int:pk>/vurdering/", views.visitation_review, name="visitation_review"),
    path(
        "visitationer/<int:pk>/matchmoede/",
        views.visitation_match_meeting,
        name="visitation_match_meeting",
    ),
    path("genvisitation/", views.revisitation_overview, name="revisitation_overview"),
    path("timer/", views.hours_week, name="hours_week"),
]
