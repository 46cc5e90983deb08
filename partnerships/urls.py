from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("partnerskaber/", views.partnership_list, name="partnership_list"),
    path("partnerskaber/<int:pk>/", views.partnership_detail, name="partnership_detail"),
]
