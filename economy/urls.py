from django.urls import path

from . import views

app_name = "economy"
urlpatterns = [
    path("oekonomi/", views.overview, name="overview"),
    path("oekonomi/delprojekter/<int:pk>/", views.budget, name="budget"),
    path(
        "oekonomi/delprojekter/<int:pk>/budgetrevision/",
        views.budget_revision_create,
        name="budget_revision_create",
    ),
    path(
        "oekonomi/delprojekter/<int:pk>/stoetteprocent/",
        views.support_rate_create,
        name="support_rate_create",
    ),
    path("oekonomi/delprojekter/<int:pk>/udgifter/", views.expense_list, name="expense_list"),
    path(
        "oekonomi/delprojekter/<int:pk>/udgifter/ny/", views.expense_create, name="expense_create"
    ),
    path("oekonomi/udgifter/<int:pk>/godkend/", views.expense_approve, name="expense_approve"),
    path("oekonomi/udgifter/<int:pk>/fjern/", views.expense_remove, name="expense_remove"),
]
