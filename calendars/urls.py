from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("kalender/<str:key>.ics", views.feed, name="feed"),
    path("konto/kalender/ny/", views.feed_reset, name="feed_reset"),
]
