from django.urls import path

from . import views

app_name = "oidc"
urlpatterns = [
    path("login/organisation/", views.sign_in_start, name="start"),
    path("login/organisation/retur/", views.sign_in_callback, name="callback"),
    path("organisationens-login/", views.provider_settings, name="provider_settings"),
    path(
        "organisationens-login/organisationer/<int:pk>/fjern/",
        views.organisation_remove,
        name="organisation_remove",
    ),
    path("organisationens-login/grupper/ny/", views.mapping_edit, name="mapping_create"),
    path("organisationens-login/grupper/<int:pk>/", views.mapping_edit, name="mapping_edit"),
    path(
        "organisationens-login/grupper/<int:pk>/slet/",
        views.mapping_delete,
        name="mapping_delete",
    ),
]
