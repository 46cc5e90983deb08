from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("dokumenter/deltagere/<int:pk>/", views.citizen_documents, name="citizen_documents"),
    path("dokumenter/virksomheder/<int:pk>/", views.company_documents, name="company_documents"),
    path(
        "dokumenter/partnerskaber/<int:pk>/",
        views.partnership_documents,
        name="partnership_documents",
    ),
    path("dokumenter/kontrakter/<int:pk>/", views.contract_documents, name="contract_documents"),
    path("dokumenter/udgifter/<int:pk>/", views.expense_documents, name="expense_documents"),
    path("dokumenter/<int:pk>/hent/", views.document_download, name="document_download"),
    path("dokumenter/<int:pk>/slet/", views.document_remove, name="document_remove"),
]
