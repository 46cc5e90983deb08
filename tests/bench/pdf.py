"""One PDF measurement of `make bench` in a process of its own, so its peak memory is its own.

    python -m tests.bench.pdf report OUT.html   the final report as the worker builds it; the
                                                 HTML it rendered is written to OUT.html
    python -m tests.bench.pdf floor IN.html     WeasyPrint alone on that HTML, same options

Prints one JSON object: seconds, pages, peak RSS and its rise over the process's start (for
the report, a worker's start: the builders imported and the template engine built).
"""

from __future__ import annotations

import io
import json
import sys
from importlib import import_module
from pathlib import Path

import django

django.setup()

from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from reporting.models import ReportKind  # noqa: E402
from reporting.selectors import ReportParams  # noqa: E402
from siv import pdf as pdf_module  # noqa: E402

from . import targets  # noqa: E402
from .memory import measured  # noqa: E402


def builder():
    module_name, _, function = targets.PDF_FUNCTION.rpartition(".")
    return getattr(import_module(module_name), function)(ReportKind.FINAL)


def as_a_worker_starts() -> None:
    """What a worker has done before its first task: the tasks' modules imported (the
    report builders among them) and the template engine built (siv.celery's worker_init)."""
    from siv.warm import build_template_engine

    builder()
    build_template_engine()


def build_report(html_out: Path) -> bytes:
    """The final report through the same builder the worker runs; its HTML saved on the way."""
    build = builder()
    render = pdf_module.render_to_string

    def keep(*args, **kwargs):
        html = render(*args, **kwargs)
        html_out.write_text(html, encoding="utf-8")
        return html

    pdf_module.render_to_string = keep
    return build(ReportParams(), "pdf", lambda percent: None).content


def render_floor(html_in: Path) -> bytes:
    document = HTML(
        string=html_in.read_text(encoding="utf-8"),
        url_fetcher=pdf_module.StaticOnlyFetcher(),
        base_url=None,
    )
    return document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=False)


def main(mode: str, path: str) -> None:
    if mode == "report":
        as_a_worker_starts()
    content, figures = measured(
        lambda: build_report(Path(path)) if mode == "report" else render_floor(Path(path))
    )
    result = {
        "pages": len(PdfReader(io.BytesIO(content)).pages),
        "bytes": len(content),
        **figures,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
