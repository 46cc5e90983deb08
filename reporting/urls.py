from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("rapporter/indikatorer/", views.indicators, name="indicators"),
    path("rapporter/indikatorer/opdeling/", views.indicator_breakdown, name="indicator_breakdown"),
    path("rapporter/indikatorer/maal/", views.targets, name="targets"),
    path("rapporter/esf/", views.esf_indicators, name="esf"),
    path("rapporter/startside-tal/", views.start_figures, name="start_figures"),
    path("rapporter/timer/", views.hours, name="hours"),
    path(
        "rapporter/projektredegoerelse/",
        views.report_texts,
        {"kind": "progress"},
        name="report_texts_progress",
    ),
    path(
        "rapporter/slutrapport/", views.report_texts, {"kind": "final"}, name="report_texts_final"
    ),
    path("rapporter/projekt/", views.project_settings, name="project_settings"),
    path("rapporter/delprojekter/", views.sub_project_list, name="sub_project_list"),
    path("rapporter/delprojekter/<int:pk>/", views.sub_project_edit, name="sub_project_edit"),
    path("rapporter/eksport/", views.job_create, name="job_create"),
    path("rapporter/job/", views.job_list, name="job_list"),
    path("rapporter/job/<int:pk>/", views.job_detail, name="job_detail"),
    path("rapporter/job/<int:pk>/status/", views.job_progress, name="job_progress"),
    path("rapporter/filer/<int:pk>/", views.artifact_download, name="artifact_download"),
]
