"""The project's URLs and handlers, with pages that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from siv.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request):
    raise PermissionDenied("only for the test")


def suspicious(request):
    raise SuspiciousOperation("only for the test")


def broken(request):
    raise RuntimeError("only for the test")


urlpatterns = [
    *urlpatterns,
    path("fejl/403/", forbidden),
    path("fejl/400/", suspicious),
    path("fejl/500/", broken),
]
