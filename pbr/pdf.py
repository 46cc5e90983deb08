"""Invoice PDFs with WeasyPrint. Only the app's own static files may be fetched."""

from __future__ import annotations

import mimetypes
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


class RefusedResource(ValueError):
    pass


def static_file_for(url: str) -> str:
    """The path of an app static file named by `url` (/static/… or file:///static/…)."""
    parsed = urlparse(url)
    prefix = settings.STATIC_URL
    if parsed.scheme not in ("", "file") or parsed.netloc or not parsed.path.startswith(prefix):
        raise RefusedResource(f"Refused to fetch {url!r}")
    relative = parsed.path[len(prefix) :]
    if not relative or ".." in relative.split("/"):
        raise RefusedResource(f"Refused to fetch {url!r}")
    path = finders.find(relative)
    if not path:
        raise RefusedResource(f"No such static file: {relative!r}")
    return path


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            with open(path, "rb") as handle:
                return URLFetcherResponse(
                    url, handle.read(), headers={"Content-Type": content_type}
                )

    return StaticOnlyFetcher()


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url="file:///", url_fetcher=_fetcher()).write_pdf()
