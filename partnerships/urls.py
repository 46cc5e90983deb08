from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    # Clusters and their municipalities
    path("klynger/", views.cluster_list, name="cluster_list"),
    path("klynger/ny/", views.cluster_edit, name="cluster_create"),
    path("klynger/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("klynger/<int:pk>/rediger/", views.cluster_edit, name="cluster_edit"),
    path("klynger/<int:pk>/kommuner/ny/", views.membership_edit, name="membership_create"),
    path(
        "klynger/<int:pk>/kommuner/<int:membership_pk>/",
        views.membership_edit,
        name="membership_edit",
    ),
    # Organisations
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_edit, name="organisation_create"),
    path("organisationer/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    # Growth partnerships
    path("partnerskaber/", views.partnership_list, name="partnership_list"),
    path("partnerskaber/nyt/", views.partnership_edit, name="partnership_create"),
    path("partnerskaber/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerskaber/<int:pk>/rediger/", views.partnership_edit, name="partnership_edit"),
    path("partnerskaber/<int:pk>/partnerplan/", views.plan_entry_edit, name="plan_entry_edit"),
    path("partnerskaber/<int:pk>/moeder/nyt/", views.meeting_edit, name="meeting_create"),
    path(
        "partnerskaber/<int:pk>/moeder/<int:meeting_pk>/", views.meeting_edit, name="meeting_edit"
    ),
    path(
        "partnerskaber/<int:pk>/moeder/<int:meeting_pk>/slet/",
        views.meeting_delete,
        name="meeting_delete",
    ),
    path(
        "partnerskaber/<int:pk>/evalueringer/ny/",
        views.evaluation_edit,
        name="evaluation_create",
    ),
    path(
        "partnerskaber/<int:pk>/evalueringer/<int:evaluation_pk>/",
        views.evaluation_detail,
        name="evaluation_detail",
    ),
    path(
        "partnerskaber/<int:pk>/evalueringer/<int:evaluation_pk>/rediger/",
        views.evaluation_edit,
        name="evaluation_edit",
    ),
    # Steering group
    path("styregruppe/", views.steering_list, name="steering_list"),
    path("styregruppe/nyt/", views.steering_edit, name="steering_create"),
    path("styregruppe/<int:pk>/", views.steering_detail, name="steering_detail"),
    path("styregruppe/<int:pk>/rediger/", views.steering_edit, name="steering_edit"),
    path("styregruppe/<int:pk>/slet/", views.steering_delete, name="steering_delete"),
    # Users (administrator)
    path("brugere/", views.user_list, name="user_list"),
    path("brugere/ny/", views.user_create, name="user_create"),
    path("brugere/<int:pk>/", views.user_detail, name="user_detail"),
    path("brugere/<int:pk>/rediger/", views.user_edit, name="user_edit"),
    path("brugere/<int:pk>/aktiv/", views.user_set_active, name="user_set_active"),
    path("brugere/<int:pk>/laas-op/", views.user_reset_lockout, name="user_reset_lockout"),
    path(
        "brugere/<int:pk>/administrator/godkend/",
        views.user_admin_grant_approve,
        name="user_admin_grant_approve",
    ),
    path(
        "brugere/<int:pk>/administrator/afvis/",
        views.user_admin_grant_reject,
        name="user_admin_grant_reject",
    ),
    path(
        "brugere/<int:pk>/nulstil-totrin/",
        views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
    path(
        "brugere/<int:pk>/tilmeldingskode/",
        views.user_enrolment_code,
        name="user_enrolment_code",
    ),
    path(
        "brugere/<int:pk>/adgangskodelink/",
        views.user_password_link,
        name="user_password_link",
    ),
]
