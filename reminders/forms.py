from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Frequency


class MailPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Mail om påmindelser"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Indbakken i SIV viser altid nye påmindelser med det samme."),
    )
