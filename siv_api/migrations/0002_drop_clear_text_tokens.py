"""Drop the old API tokens (rest_framework.authtoken), which were stored in clear.

They cannot be carried over: the new scheme stores only a digest of a secret shown once, and
the old keys would have to be shown again to become one. Their owners get new tokens from the
API-key page or an operator's `manage.py api_token USERNAME`."""

from django.db import migrations

# The table of rest_framework.authtoken (no longer installed); absent on a new database.
DROP_CLEAR_TEXT_TOKENS = "DROP TABLE IF EXISTS authtoken_token"


class Migration(migrations.Migration):
    dependencies = [("siv_api", "0001_api_token")]

    operations = [
        migrations.RunSQL(DROP_CLEAR_TEXT_TOKENS, reverse_sql=migrations.RunSQL.noop),
    ]
