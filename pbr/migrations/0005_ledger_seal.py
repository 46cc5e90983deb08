"""Each ledger entry carries its seal (pbr/seal.py): the entries booked before are sealed
here, under the ledger key of this deployment, and the newest one's head starts the head
log."""

from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from pbr import seal

    LedgerEntry = apps.get_model("pbr", "LedgerEntry")
    entries = list(LedgerEntry.objects.order_by("seq").values_list("pk", "seq", "hash"))
    if not entries:
        return
    with schema_editor.connection.cursor() as cursor:
        # The append-only guard refuses UPDATE; the owner, migrating, passes it once.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for pk, seq, entry_hash in entries:
            cursor.execute(
                "UPDATE pbr_ledgerentry SET seal = %s WHERE id = %s",
                [seal.seal(seq, entry_hash), pk],
            )
        cursor.execute("SET LOCAL session_replication_role = origin")
    _pk, seq, entry_hash = entries[-1]
    seal.append_head(seal.Head(seq, entry_hash, seal.seal(seq, entry_hash)))


class Migration(migrations.Migration):
    dependencies = [("pbr", "0004_ledger_no_truncate")]

    operations = [
        migrations.AddField(
            model_name="ledgerentry",
            name="seal",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
