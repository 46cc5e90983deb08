"""django-otp keeps each TOTP seed in clear; SIV encrypts it with the field keyring
(siv/fields.seal, applied in SivConfig.ready). The column becomes text (ciphertext is longer
than the 80 characters django-otp allows) and the seeds already there are encrypted. The
model state stays django-otp's, so its app owes no migration."""

from django.db import migrations

from siv import keyring

TABLE = "otp_totp_totpdevice"


def _rewrite(schema_editor, change) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, key FROM {TABLE} WHERE key <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, key in rows:
            new = change(key)
            if new != key:
                cursor.execute(f"UPDATE {TABLE} SET key = %s WHERE id = %s", [new, pk])  # noqa: S608


def encrypt_seeds(apps, schema_editor) -> None:
    # A seed in clear is hex; ciphertext carries its key's version ("1:gAAAA…").
    _rewrite(schema_editor, lambda key: key if keyring.version_of(key) else keyring.encrypt(key))


def decrypt_seeds(apps, schema_editor) -> None:
    _rewrite(schema_editor, lambda key: keyring.decrypt(key) if keyring.version_of(key) else key)


class Migration(migrations.Migration):
    dependencies = [
        ("siv", "0008_security_event_actions"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} ALTER COLUMN key TYPE text",
            reverse_sql=f"ALTER TABLE {TABLE} ALTER COLUMN key TYPE varchar(80)",
        ),
        migrations.RunPython(encrypt_seeds, decrypt_seeds),
    ]
