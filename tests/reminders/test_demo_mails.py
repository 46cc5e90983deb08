"""In the demo without a mail relay, mails go to a folder, and a page lists them."""

from django.core.mail import EmailMessage
from django.urls import reverse


def test_the_demo_page_lists_the_mails_written_to_the_folder(client, personas, settings, tmp_path):
    settings.SIV_DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    EmailMessage(
        "SIV: 2 nye påmindelser", "- Screeningen mangler: D-000042", to=["a@example.dk"]
    ).send()
    client.force_login(personas.actor)
    page = client.get(reverse("reminders:demo_mails")).content.decode()
    assert "SIV: 2 nye påmindelser" in page
    assert "Screeningen mangler: D-000042" in page
    assert "a@example.dk" in page


def test_outside_the_demo_there_is_no_such_page(client, personas, settings):
    settings.SIV_DEMO = False
    client.force_login(personas.actor)
    assert client.get(reverse("reminders:demo_mails")).status_code == 404
