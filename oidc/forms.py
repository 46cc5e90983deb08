from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation

from .models import GroupMapping, ProviderOrganisation


class ProviderOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )


class GroupMappingForm(forms.ModelForm):
    class Meta:
        model = GroupMapping
        fields = ["group", "role", "organisation", "municipality"]

    def __init__(self, *args, issuer: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.issuer = issuer
        allowed = ProviderOrganisation.objects.filter(issuer=issuer).values("organisation")
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=allowed)
        self.fields["organisation"].help_text = _(
            "En af de organisationer, udbyderen må logge ind for."
        )
