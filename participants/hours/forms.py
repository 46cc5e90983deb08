"""The form of the hours upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.hours import upload as hours_upload


class HoursUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (CSV eller XLSX)"),
        help_text=gettext_lazy(
            "Kolonner: cpr, uge, art, timer – fx 010190-1234, 2024-W07, træning, 7,5."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > hours_upload.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Filen er for stor (højst %(mb)s MB).")
                % {"mb": hours_upload.MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        try:
            self.rows = hours_upload.read_upload(upload.name, upload.read())
        except hours_upload.UploadUnreadable as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload
