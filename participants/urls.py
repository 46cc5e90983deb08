from django.urls import path

from .bulk import views as bulk_views
from .hours import views as hours_views
from .placements import views as placement_views
from .track import quality_views
from .track import views as track_views

app_name = "participants"
urlpatterns = [
    path("deltagere/", track_views.citizen_list, name="citizen_list"),
    path("deltagere/overdragelse/", bulk_views.handover, name="bulk_handover"),
    path("deltagere/flyt-aktoer/", bulk_views.actor_move, name="bulk_actor_move"),
    path("deltagere/pause/", bulk_views.pause, name="bulk_pause"),
    path(
        "deltagere/<int:pk>/timer/omkategoriser/",
        bulk_views.recategorise,
        name="hours_recategorise",
    ),
    path("deltagere/<int:pk>/", track_views.citizen_detail, name="citizen_detail"),
    path("deltagere/<int:pk>/rediger/", track_views.citizen_edit, name="citizen_edit"),
    path("deltagere/<int:pk>/cpr/", track_views.citizen_cpr_reveal, name="citizen_cpr_reveal"),
    path(
        "deltagere/<int:pk>/opslagslog.csv",
        track_views.citizen_lookups_export,
        name="citizen_lookups_export",
    ),
    path("deltagere/<int:pk>/fase/", track_views.track_form, {"kind": "phase"}, name="phase_start"),
    path(
        "deltagere/<int:pk>/screening/",
        track_views.track_form,
        {"kind": "screening"},
        name="screening_add",
    ),
    path(
        "deltagere/<int:pk>/vurdering/",
        track_views.track_form,
        {"kind": "assessment"},
        name="assessment_add",
    ),
    path("deltagere/<int:pk>/pause/", track_views.track_form, {"kind": "pause"}, name="pause_add"),
    path("deltagere/<int:pk>/pause/<int:pause_pk>/slut/", track_views.pause_end, name="pause_end"),
    path("deltagere/<int:pk>/placering/", placement_views.placement_add, name="placement_add"),
    path(
        "deltagere/<int:pk>/placering/<int:placement_pk>/",
        placement_views.placement_edit,
        name="placement_edit",
    ),
    path(
        "deltagere/<int:pk>/placering/<int:placement_pk>/fastholdelse/<int:weeks>/",
        placement_views.placement_retention,
        name="placement_retention",
    ),
    path(
        "deltagere/<int:pk>/kompetenceloeft/",
        track_views.track_form,
        {"kind": "course"},
        name="course_add",
    ),
    path("deltagere/<int:pk>/slutskema/", track_views.exit_add, name="exit_add"),
    path(
        "deltagere/<int:pk>/opfoelgning/",
        track_views.track_form,
        {"kind": "followup"},
        name="followup_add",
    ),
    path("deltagere/<int:pk>/ret/", track_views.track_correct, name="track_correct"),
    path("deltagere/<int:pk>/notat/", track_views.track_form, {"kind": "note"}, name="note_add"),
    path("visitationer/", track_views.visitation_list, name="visitation_list"),
    path("visitationer/ny/", track_views.visitation_propose, name="visitation_propose"),
    path(
        "visitationer/<int:pk>/vurdering/", track_views.visitation_review, name="visitation_review"
    ),
    path(
        "visitationer/<int:pk>/matchmoede/",
        track_views.visitation_match_meeting,
        name="visitation_match_meeting",
    ),
    path("genvisitation/", track_views.revisitation_overview, name="revisitation_overview"),
    path("datakvalitet/", quality_views.data_quality, name="data_quality"),
    path("timer/", hours_views.hours_week, name="hours_week"),
    path("timer/upload/", hours_views.hours_upload_view, name="hours_upload"),
    path("timer/upload/eksempel.csv", hours_views.hours_upload_sample, name="hours_upload_sample"),
    path("timer/upload/bekraeft/", hours_views.hours_upload_confirm, name="hours_upload_confirm"),
]
