from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _panel_context(request) -> dict:
    from siv.permissions import has_perm

    from . import selectors
    from .models import LedgerEntry

    user = request.user
    context = {"totals": selectors.totals(LedgerEntry.objects.for_user(user))}
    if has_perm(user, "ledger.write"):
        context["pending"] = selectors.pending_proposals(user)
    # A municipal lead's own municipality (the scope decides; controllers have none).
    municipality = (
        selectors.municipalities_with_contracts(user).filter(pk=user.municipality_id).first()
        if user.municipality_id
        else None
    )
    if municipality is not None:
        context |= {"municipality": municipality, "case": selectors.business_case(municipality)}
    return context


class PbrConfig(AppConfig):
    name = "pbr"
    verbose_name = _("Betaling for resultater")

    def ready(self) -> None:
        from siv.registry import register_nav, register_panel

        register_nav(
            _("Resultatbetaling"),
            "pbr:overview",
            "ledger.view",
            group="economy",
            order=70,
            icon="cash-coin",
        )
        register_panel(
            "pbr/panels/ledger_totals.html",
            "start.ledger",
            _panel_context,
            order=40,
        )
