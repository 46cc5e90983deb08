import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from siv import throttle
from siv.client import client_ip
from siv.permissions import permission_required

from . import selectors, services


@login_not_required
@require_GET
def feed(request, key: str):
    """The user's calendar as iCalendar, for Outlook to subscribe to: no sign-in, the secret
    address is the key. A wrong or ended address is not found, and counts as a failed sign-in
    from the client's address: guessing addresses meets the sign-in's throttle."""
    address = client_ip(request)
    if throttle.address_must_wait(address):
        return HttpResponse(status=429, headers={"Retry-After": "600"})
    user = services.feed_user(key)
    if user is None:
        throttle.note_failure(address)
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//SIV//Kalender//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "SIV")
    stamp = timezone.now()
    for event in selectors.events_for(user):
        item = CalendarEvent()
        item.add("uid", f"{event.uid}@siv")
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        item.add("dtstart", event.start)
        # An all-day event ends (exclusively) the day after its last day.
        item.add("dtend", event.end + datetime.timedelta(days=1))
        if event.place:
            item.add("location", event.place)
        calendar.add_component(item)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("calendar.feed")
def feed_reset(request):
    """Make a new secret address (the old one stops working) and show it, this once."""
    if request.method == "POST":
        issued = services.feed_issue(user=request.user)
        url = request.build_absolute_uri(reverse("calendars:feed", args=[issued.key]))
        return render(request, "calendars/feed_issued.html", {"url": url})
    return render(
        request,
        "form.html",
        {
            "title": _("Ny kalenderadresse"),
            "intro": _(
                "Du får en hemmelig adresse, som Outlook kan abonnere på. Har du en adresse i "
                "forvejen, holder den op med at virke."
            ),
            "submit": _("Lav ny adresse"),
            "back": reverse("account"),
            "confirm": _("Lav en ny kalenderadresse? Den gamle holder op med at virke."),
        },
    )
