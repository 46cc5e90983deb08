from django.urls import path

from . import views

app_name = "pbr"
urlpatterns = [
    path("resultatbetaling/", views.overview, name="overview"),
    path("resultatbetaling/posteringer/", views.ledger, name="ledger"),
    path("resultatbetaling/opgoerelse/", views.detect, name="detect"),
    path("resultatbetaling/kommuner/<int:pk>/", views.statement, name="statement"),
    path(
        "resultatbetaling/kommuner/<int:pk>/business-case/",
        views.business_case,
        name="business_case",
    ),
    path("resultatbetaling/kommuner/<int:pk>/hvad-nu-hvis/", views.what_if, name="what_if"),
    path("resultatbetaling/kontrakter/", views.contract_list, name="contract_list"),
    path("resultatbetaling/kontrakter/ny/", views.contract_create, name="contract_create"),
    path("resultatbetaling/kontrakter/<int:pk>/", views.contract_detail, name="contract_detail"),
    path(
        "resultatbetaling/kontrakter/<int:pk>/version/", views.version_create, name="version_create"
    ),
    path(
        "resultatbetaling/kontrakter/<int:pk>/faktura/", views.invoice_create, name="invoice_create"
    ),
    path(
        "resultatbetaling/kontrakter/<int:pk>/betaling/",
        views.payment_create,
        name="payment_create",
    ),
    path("resultatbetaling/fakturaer/<int:pk>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("resultatbetaling/godkendelser/", views.proposal_list, name="proposal_list"),
    path("resultatbetaling/godkendelser/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("resultatbetaling/satser/", views.rates, name="rates"),
    path("resultatbetaling/satser/ny/", views.rate_create, name="rate_create"),
    path("resultatbetaling/satser/<int:pk>/", views.rate_edit, name="rate_edit"),
    path("resultatbetaling/satser/interval/", views.band_create, name="band_create"),
    path("resultatbetaling/satser/interval/<int:pk>/", views.band_edit, name="band_edit"),
    path("resultatbetaling/kontrakter/<int:pk>/maal/", views.target_create, name="target_create"),
    path("resultatbetaling/maal/<int:pk>/", views.target_edit, name="target_edit"),
]
