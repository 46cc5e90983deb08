from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("konto/bekraeft/", views.otp_verify, name="otp_verify"),
    path("konto/totrin/", views.otp_setup, name="otp_setup"),
    path("konto/bekraeft/noegle/", views.webauthn_verify, name="webauthn_verify"),
    path("konto/", views.account, name="account"),
    path("konto/noegler/ny/", views.webauthn_register, name="webauthn_register"),
    path("konto/noegler/<int:pk>/fjern/", views.webauthn_remove, name="webauthn_remove"),
    path("konto/sessioner/afslut/", views.session_end, name="session_end"),
    path("konto/skift-adgangskode/", views.password_change, name="password_change"),
    path("konto/link/<str:key>/", views.password_link, name="password_link"),
    path("konto/vaelg-adgangskode/", views.password_set, name="password_set"),
    path("sprog/", views.set_language, name="set_language"),
    path("health/", views.health, name="health"),
    # Browsers that ignore the page's icon link ask for /favicon.ico.
    path("favicon.ico", views.favicon),
    path("revisionslog/", views.audit_log, name="audit_log"),
    path("", include("oidc.urls")),
    path("", include("partnerships.urls")),
    path("", include("accelerator.urls")),
    path("", include("participants.urls")),
    path("", include("privacy.urls")),
    path("", include("pbr.urls")),
    path("", include("reporting.urls")),
    path("", include("economy.urls")),
    path("", include("documents.urls")),
    path("", include("calendars.urls")),
    path("", include("reminders.urls")),
    path("api/", include("siv_api.urls")),
    # Token clients authenticate inside the view; DRF's permission keeps it signed-in only.
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
]

handler400 = "siv.errors.bad_request"
handler403 = "siv.errors.forbidden"
handler404 = "siv.errors.not_found"
handler500 = "siv.errors.server_error"
