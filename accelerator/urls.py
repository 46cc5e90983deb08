from django.urls import path

from . import views

app_name = "accelerator"


def _company_path(segment: str, view, kind: str, name: str):
    return path(f"virksomheder/<int:pk>/{segment}/", view, {"kind": kind}, name=name)


def _records(segment: str, kind: str):
    return _company_path(segment, views.company_records, kind, f"company_{kind}")


def _edit(segment: str, kind: str):
    return _company_path(
        f"{segment}/<int:item_pk>", views.company_record_edit, kind, f"company_{kind}_edit"
    )


urlpatterns = [
    path("virksomheder/", views.company_list, name="company_list"),
    path("virksomheder/ny/", views.company_create, name="company_create"),
    path("virksomheder/<int:pk>/", views.company_detail, name="company_detail"),
    path("virksomheder/<int:pk>/ret/", views.company_edit, name="company_edit"),
    path("virksomheder/<int:pk>/frafald/", views.company_dropout, name="company_dropout"),
    path("virksomheder/<int:pk>/optag/", views.company_enrol, name="company_enrol"),
    _records("regnskab", "financials"),
    _edit("kontakter", "contacts"),
    _edit("buddies", "buddies"),
    _edit("milepaele", "milestones"),
    _edit("jobtilsagn", "commitments"),
    _edit("sparring", "sessions"),
    _records("kontakter", "contacts"),
    _records("buddies", "buddies"),
    _records("milepaele", "milestones"),
    _records("jobtilsagn", "commitments"),
    _records("sparring", "sessions"),
    _edit("jobaabninger", "openings"),
    _records("jobaabninger", "openings"),
    path("virksomheder/<int:pk>/kontaktlog/", views.company_log, name="company_log"),
    path("jobaabninger/", views.opening_list, name="opening_list"),
    path("programmer/", views.programme_list, name="programme_list"),
    path("programmer/<int:cluster_pk>/", views.programme_detail, name="programme_detail"),
    path("rekruttering/", views.campaign_list, name="campaign_list"),
    path("rekruttering/ny/", views.campaign_create, name="campaign_create"),
    path("rekruttering/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("rekruttering/<int:pk>/inviter/", views.campaign_invite, name="campaign_invite"),
    path("rekruttering/<int:pk>/fremmoede/", views.campaign_attendance, name="campaign_attendance"),
    path("camps/", views.camp_list, name="camp_list"),
    path("camps/ny/", views.camp_create, name="camp_create"),
    path("camps/<int:pk>/", views.camp_detail, name="camp_detail"),
    path("camps/<int:pk>/ret/", views.camp_edit, name="camp_edit"),
    path("camps/<int:pk>/fremmoede/", views.camp_attendance, name="camp_attendance"),
]
