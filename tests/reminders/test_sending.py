"""A run records each due reminder once and mails it by the user's choice; a second run
sends nothing; the mail names a pseudonym and a link, never a name or CPR number."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command

from participants.models import VisitationStatus
from reminders import services
from reminders.models import Frequency, Reminder, RuleKind
from reporting.models import JobStatus, ReportFormat, ReportJob, ReportKind
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory, VisitationFactory

from .conftest import on

DAY = date(2026, 3, 23)


@pytest.fixture
def overdue_proposal(personas):
    """A visitation waiting since 2 March 2026, due 30 March: reminded from 23 March to the
    caseworker and the actor (the controllers' progress statement of 2025 is made)."""
    ReportJob.objects.create(
        kind=ReportKind.PROGRESS,
        format=ReportFormat.PDF,
        status=JobStatus.DONE,
        params={"start": "2025-07-01", "end": "2025-12-31"},
    )
    citizen = CitizenFactory(
        municipality=personas.own.municipality,
        employment_actor=personas.own.actor_org,
        phase1_start=None,
        first_name="Birthe",
        last_name="Kjærgaard",
        cpr="150685-1234",
    )
    VisitationFactory(
        citizen=citizen, proposed_on=date(2026, 3, 2), status=VisitationStatus.PROPOSED
    )
    return citizen


def test_a_second_run_sends_nothing(settings, overdue_proposal, personas):
    with on(DAY):
        recorded, mails = services.send_reminders()
        assert (recorded, mails) == (2, 2)  # the caseworker and the actor
        assert sorted(m.to[0] for m in mail.outbox) == [
            personas.actor.email,
            personas.caseworker.email,
        ]
        assert services.send_reminders() == (0, 0)
        assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2
    # The next day the same reminder is still due, and still sent only once.
    with on(date(2026, 3, 24)):
        assert services.send_reminders() == (0, 0)
    created = AuditEntry.objects.filter(
        action=AuditAction.CREATE, content_type=ContentType.objects.get_for_model(Reminder)
    )
    assert created.count() == 2


def test_the_command_sends_once_and_a_second_run_sends_nothing(overdue_proposal):
    out = StringIO()
    with on(DAY):
        call_command("reminders", stdout=out)
        call_command("reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "2 reminders recorded, 2 mails sent",
        "0 reminders recorded, 0 mails sent",
    ]
    assert len(mail.outbox) == 2


def test_the_dry_run_prints_a_line_per_reminder_starting_with_the_username(
    overdue_proposal, personas
):
    out = StringIO()
    with on(DAY):
        call_command("reminders", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == ["koege-aktoer", "koege-sagsbehandler"]
    actor_line = next(line for line in lines if line.startswith("koege-aktoer\t"))
    assert actor_line.split("\t")[1:4] == [
        str(RuleKind.VISITATION.label),
        overdue_proposal.pseudonym,
        "30.03.2026",
    ]
    # A dry run records and sends nothing.
    assert Reminder.objects.count() == 0
    assert mail.outbox == []
    with on(DAY):
        services.send_reminders()
        out = StringIO()
        call_command("reminders", "--dry-run", stdout=out)
    assert out.getvalue() == ""


def test_the_mail_names_a_pseudonym_and_a_link_never_the_name_or_cpr(
    settings, overdue_proposal, personas
):
    settings.SIV_BASE_URL = "https://siv.example.dk"
    with on(DAY):
        services.send_reminders()
    message = next(m for m in mail.outbox if m.to == [personas.caseworker.email])
    text = message.subject + message.body
    assert overdue_proposal.pseudonym in message.body
    assert f"https://siv.example.dk/deltagere/{overdue_proposal.pk}/" in message.body
    assert "30.03.2026" in message.body
    for secret in ("Birthe", "Kjærgaard", "150685", "1234"):
        assert secret not in text
    assert message.subject == "SIV: 1 ny påmindelse"


def test_daily_and_weekly_users_get_a_digest_and_the_inbox_at_once(overdue_proposal, personas):
    services.mail_preference_set(user=personas.actor, frequency=Frequency.DAILY)
    services.mail_preference_set(user=personas.caseworker, frequency=Frequency.WEEKLY)
    with on(DAY):
        assert services.send_reminders() == (2, 0)
    assert mail.outbox == []
    assert Reminder.objects.for_user(personas.actor).unread().count() == 1
    assert services.mail_reminders(frequencies=[Frequency.DAILY]) == 1
    assert [m.to for m in mail.outbox] == [[personas.actor.email]]
    assert services.mail_reminders(frequencies=[Frequency.DAILY]) == 0
    assert services.mail_reminders(frequencies=[Frequency.WEEKLY]) == 1
    assert [m.to for m in mail.outbox][1] == [personas.caseworker.email]


def test_a_user_without_an_email_address_has_the_inbox_only(overdue_proposal, personas):
    personas.actor.email = ""
    personas.actor.save()
    with on(DAY):
        assert services.send_reminders() == (2, 1)
    assert Reminder.objects.for_user(personas.actor).count() == 1


def test_an_unknown_mail_choice_is_refused_in_danish(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.mail_preference_set(user=personas.actor, frequency="hourly")
    assert refused.value.message_dict == {"frequency": ["Vælg straks, dagligt eller ugentligt."]}


def test_a_run_asks_the_same_queries_whatever_the_number_of_citizens(
    overdue_proposal, personas, django_assert_max_num_queries
):
    def proposal():
        citizen = CitizenFactory(
            municipality=personas.own.municipality,
            employment_actor=personas.own.actor_org,
            phase1_start=None,
        )
        VisitationFactory(
            citizen=citizen, proposed_on=date(2026, 3, 2), status=VisitationStatus.PROPOSED
        )

    with on(DAY):
        with django_assert_max_num_queries(80) as few:
            assert len(services.pending_reminders()) == 2
        for _n in range(10):
            proposal()
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(services.pending_reminders()) == 22
