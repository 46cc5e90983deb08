"""django-otp keeps each TOTP seed in clear; SIV encrypts it with the field keyring
(siv/fields.seal, applied in SivConfig.ready). The column becomes text (ciphertext is longer
than the 80 characters django-otp allows) and the seeds already there are encrypted. The
model state stays django-otp's, so its app owes no migration."""

from django.db import migrations

from siv.fields import sealing

TABLE = "otp_totp_totpdevice"


class Migration(migrations.Migration):
    dependencies = [
        ("siv", "0009_password_links_sessions_security_keys"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ALTER COLUMN key TYPE text",
            reverse_sql=f"ALTER TABLE {TABLE} ALTER COLUMN key TYPE varchar(80)",
        ),
        sealing(((TABLE, ("key",)),)),
    ]
