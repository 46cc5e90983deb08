from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from siv import audit
from siv.access import get_for_user_or_404
from siv.forms import save_valid
from siv.models import AuditAction
from siv.permissions import has_perm, require_perm
from siv.throttle import is_post, throttled

from . import selectors, services
from .forms import DocumentForm
from .models import OWNER_FIELDS, Document
from .owners import OWNERS, Owner, owner_of_model

VIEW_PURPOSE = "Dokumenter"


def _may_add(request, owner: Owner, record) -> bool:
    user = request.user
    return (
        has_perm(user, owner.write_permission)
        and owner.model.objects.for_user(user, write=True).filter(pk=record.pk).exists()
    )


def section_context(request, record, form: DocumentForm | None = None) -> dict:
    """The documents of a record for its page: the list, and the upload form for whoever may
    change the record. The page has already fetched the record through its scope."""
    owner = owner_of_model(type(record))
    may_add = _may_add(request, owner, record)
    if may_add and form is None:
        form = DocumentForm(owner=owner)
    return {
        "documents": list(selectors.documents_of(record)),
        "form": form if may_add else None,
        "may_remove": may_add,
        "upload_url": reverse(owner.url_name, args=[record.pk]),
    }


def _documents_page(owner: Owner):
    @throttled("upload", when=is_post)
    def view(request, pk: int):
        write = request.method == "POST"
        require_perm(request.user, owner.write_permission if write else owner.view_permission)
        record = get_for_user_or_404(owner.model, request.user, write=write, pk=pk)
        form = None
        if write:
            form = DocumentForm(request.POST, request.FILES, owner=owner)
            added = save_valid(
                form,
                lambda: services.document_add(
                    record=record,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                ),
            )
            if added:
                messages.success(request, _("Dokumentet er gemt."))
                return redirect(request.path)
        audit.record(AuditAction.VIEW, actor=request.user, obj=record, purpose=VIEW_PURPOSE)
        return render(
            request,
            "documents/documents.html",
            {
                "record_label": owner.label(record),
                "record_url": owner.page(record),
                "section": section_context(request, record, form),
            },
        )

    view.__name__ = f"{owner.key}_documents"
    return view


citizen_documents = _documents_page(OWNERS["citizen"])
company_documents = _documents_page(OWNERS["company"])
partnership_documents = _documents_page(OWNERS["partnership"])
contract_documents = _documents_page(OWNERS["contract"])
expense_documents = _documents_page(OWNERS["expense"])


def _scoped_document(request, pk: int, *, write: bool = False) -> Document:
    """The document, through its record's scope: one the user may not see is not found."""
    return get_for_user_or_404(
        Document.objects.select_related(*OWNER_FIELDS), request.user, write=write, pk=pk
    )


def download_name(document: Document) -> str:
    """A file name from the title, in letters, digits and dashes only."""
    stem = slugify(document.title, allow_unicode=True)[:80] or f"dokument-{document.pk}"
    return f"{stem}{document.extension}"


@throttled("export")
def document_download(request, pk: int):
    document = _scoped_document(request, pk)
    services.document_downloaded(document=document, by=request.user)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document),
        content_type=document.content_type,
    )


def document_remove(request, pk: int):
    document = _scoped_document(request, pk, write=True)
    owner = OWNERS[document.owner_key]
    back = reverse(owner.url_name, args=[document.owner.pk])
    if request.method == "POST":
        services.document_remove(document=document, by=request.user)
        messages.success(request, _("Dokumentet er slettet."))
        return redirect(back)
    return render(
        request,
        "form.html",
        {
            "form": django_forms.Form(),
            "title": _("Slet dokument"),
            "intro": _("Dokumentet “%(title)s” og dets fil slettes. Det kan ikke fortrydes.")
            % {"title": document.title},
            "submit": _("Slet"),
            "back": back,
            "parent_url": back,
            "parent_label": _("Dokumenter"),
        },
    )
