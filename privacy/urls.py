from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("deltagere/<int:pk>/databeskyttelse/", views.citizen_privacy, name="citizen_privacy"),
    path(
        "deltagere/<int:pk>/indsigt.<str:fmt>",
        views.citizen_export,
        name="citizen_export",
    ),
]
