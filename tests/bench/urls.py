"""The app's URLs plus the bench's floor page, served only by `make bench`."""

from django.http import HttpResponse
from django.urls import include, path


def signed_in_floor(request):
    """A trivial signed-in page: the middleware loads the session and the user, nothing else."""
    return HttpResponse(f"<!doctype html><title>SIV</title><p>{request.user.get_username()}</p>")


urlpatterns = [
    path("bench/floor/", signed_in_floor, name="bench_floor"),
    path("", include("siv.urls")),
]
