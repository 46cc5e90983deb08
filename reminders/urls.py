from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("paamindelser/", views.inbox, name="inbox"),
    path("paamindelser/<int:pk>/laest/", views.mark_read, name="mark_read"),
    path("paamindelser/alle-laest/", views.mark_all_read, name="mark_all_read"),
    path("paamindelser/mail/", views.preference, name="preference"),
    path("paamindelser/demo-mails/", views.demo_mails, name="demo_mails"),
]
