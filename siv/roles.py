from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md. A user has exactly one; no role means no access."""

    CASEWORKER = "caseworker", _("Sagsbehandler")
    MUNICIPAL_LEAD = "municipal_lead", _("Kommunal projektleder")
    EMPLOYMENT_ACTOR = "employment_actor", _("Beskæftigelsesaktør")
    BUSINESS_DEVELOPER = "business_developer", _("Forretningsudvikler")
    CONTROLLER = "controller", _("Projektcontroller")
    COMPANY_CONTACT = "company_contact", _("Virksomhedskontakt")
    ADMIN = "admin", _("Administrator")


MUNICIPAL_ROLES = frozenset({Role.CASEWORKER, Role.MUNICIPAL_LEAD})
FUND_ROLES = frozenset({Role.BUSINESS_DEVELOPER, Role.CONTROLLER})
