"""PDF rendering with WeasyPrint, for every PDF of the app (reports, invoices, the art. 15
insight): A4, tagged (PDF/UA-1), fonts embedded, no network.

The url_fetcher serves the app's own static files only; any other URL (http, https, a file
outside static) is refused, so a PDF can never reach out to the network or read the disk.
A template names a static file as `{{ static_base }}path` or through `{% static %}`.
"""

from __future__ import annotations

import gc
import mimetypes
from contextlib import contextmanager
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "siv-static:"


class RefusedURL(ValueError):
    """A PDF asked for something that is not one of the app's static files."""


def static_path(url: str) -> str:
    """The file behind one of the app's static URLs; RefusedURL for anything else."""
    parsed = urlparse(url)
    path = ""
    if url.startswith(STATIC_PREFIX):
        path = url[len(STATIC_PREFIX) :]
    elif (
        parsed.scheme in ("", "file")
        and not parsed.netloc
        and parsed.path.startswith(settings.STATIC_URL)
    ):
        # `{% static %}` gives /static/…, which the base URL makes file:///static/….
        path = parsed.path[len(settings.STATIC_URL) :]
    if not path or ".." in path.split("/"):
        raise RefusedURL(f"Refused URL in PDF: {url[:100]}")
    found = finders.find(unquote(path).lstrip("/"))
    if not found:
        raise RefusedURL(f"Refused URL in PDF: {url[:100]}")
    return found


class StaticOnlyFetcher(URLFetcher):
    """Serves static files from disk; never opens a network connection."""

    def fetch(self, url, headers=None):
        found = static_path(url)
        with open(found, "rb") as handle:
            data = handle.read()
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=data, headers={"Content-Type": mime_type})


@contextmanager
def long_lived_objects_frozen():
    """Layout makes millions of short-lived objects, and each of the garbage collector's
    passes would also walk every object the process already holds (Django, the app, the
    parsed stylesheets). Set those aside for the render, then put them back. No collection
    first: it walks the whole heap once (a quarter of a second in a worker), and what little
    garbage is set aside with them is collected after the render."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    html = render_to_string(template, {**context, "title": title, "static_base": STATIC_PREFIX})
    with long_lived_objects_frozen():
        document = HTML(string=html, url_fetcher=StaticOnlyFetcher(), base_url="file:///")
        return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=False)
