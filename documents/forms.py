from django import forms
from django.utils.translation import gettext_lazy as _

from siv.forms import Select

from .owners import Owner

# What the file chooser offers; the content decides (documents/content.py).
ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.odt,.txt,.csv"


class DocumentForm(forms.Form):
    # The form stands on other apps' pages, beside their own forms.
    prefix = "document"

    kind = forms.ChoiceField(label=_("Dokumenttype"), widget=Select)
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Skriv ikke navn eller CPR-nummer i titlen."),
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX, ODT, tekst eller CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, owner: Owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in owner.kinds]
