"""Danish error pages in every mode (Django's debug pages only with DEBUG=1)."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """The form was sent from an old page or after the session ended; the reason is
    Django's, for the log, never shown."""
    return render(request, "403_csrf.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
