from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "siv_api"

router = SimpleRouter()
router.register("participants", views.CitizenViewSet, basename="participant")
router.register("hours", views.HoursViewSet, basename="hours")
router.register("placements", views.PlacementViewSet, basename="placement")
router.register("exits", views.ExitViewSet, basename="exit")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("camps", views.CampViewSet, basename="camp")

urlpatterns = [
    path("noegler/", views.tokens, name="tokens"),
    path("noegler/<int:pk>/tilbagekald/", views.token_revoke_view, name="token_revoke"),
    path("hours/week/<str:iso_week>/", views.HoursWeekView.as_view(), name="hours_week"),
    path("indicators/", views.IndicatorView.as_view(), name="indicators"),
    path("", include(router.urls)),
]
