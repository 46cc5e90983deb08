from django.urls import path

from . import views_upload

app_name = "hours_upload"

urlpatterns = [
    path("timer/upload/", views_upload.hours_upload_view, name="upload"),
    path("timer/upload/bekraeft/", views_upload.hours_upload_confirm, name="confirm"),
]
