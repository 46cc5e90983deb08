from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from siv.access import get_for_user_or_404
from siv.forms import save_valid
from siv.permissions import permission_required

from . import selectors, services
from .forms import MailPreferenceForm
from .models import Reminder

PAGE_SIZE = 50
DEMO_MAILS = 50


@permission_required("reminders.view")
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    return render(request, "reminders/inbox.html", {"page": page})


@permission_required("reminders.view")
@require_POST
def mark_read(request, pk: int):
    reminder = get_for_user_or_404(Reminder, request.user, write=True, pk=pk)
    services.reminder_mark_read(reminder=reminder, by=request.user)
    return redirect("reminders:inbox")


@permission_required("reminders.view")
@require_POST
def mark_all_read(request):
    count = services.reminders_mark_all_read(by=request.user)
    if count:
        messages.success(request, _("Alle påmindelser er markeret som læst."))
    return redirect("reminders:inbox")


@permission_required("reminders.view")
@require_POST
def preference(request):
    form = MailPreferenceForm(request.POST)
    saved = save_valid(
        form,
        lambda: services.mail_preference_set(
            user=request.user, frequency=form.cleaned_data["frequency"]
        ),
    )
    if saved is not None:
        messages.success(request, _("Dit valg af mail om påmindelser er gemt."))
    else:
        messages.error(request, _("Vælg straks, dagligt eller ugentligt."))
    return redirect("account")


def account_section(request) -> dict:
    return {
        "form": MailPreferenceForm(initial={"frequency": selectors.mail_frequency(request.user)})
    }


@permission_required("reminders.view")
def demo_mails(request):
    """The demo's sent mails (the file backend's folder), newest first: only in the demo."""
    if not settings.SIV_DEMO:
        raise Http404
    folder = Path(settings.EMAIL_FILE_PATH)
    files = sorted(folder.glob("*.log"), reverse=True)[:DEMO_MAILS] if folder.is_dir() else []
    mails = []
    for path in files:
        # The file backend writes each message followed by a line of dashes.
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                mail = message_from_bytes(raw.lstrip(), policy=policy.default)
                mails.append(
                    {
                        "to": mail["To"],
                        "subject": mail["Subject"],
                        "date": mail["Date"],
                        "body": mail.get_body(preferencelist=("plain",)).get_content(),
                    }
                )
    return render(request, "reminders/demo_mails.html", {"mails": mails[:DEMO_MAILS]})
