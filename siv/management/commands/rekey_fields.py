"""Seal every encrypted field with the newest key of SIV_FIELD_KEYS and compute the search
hashes again under it (siv/rekey.py). Run it after adding a key; it may be stopped and run
again at any time. When it reports nothing left, the older keys can leave the ring.

    manage.py rekey_fields [--batch-size 500] [--check]
"""

from django.core.management.base import BaseCommand, CommandError

from siv import keyring, rekey


class Command(BaseCommand):
    help = "Re-encrypt the encrypted fields and re-key the search hashes with the newest key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check",
            action="store_true",
            help="only count the rows an older key sealed; fail when there are any",
        )

    def handle(self, *args, batch_size: int, check: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        newest = keyring.newest_version()
        left = 0
        for model, columns, extra in rekey.rekeyed_models():
            label = model._meta.label
            if check:
                count = rekey.stale_count(model, columns)
                left += count
                self.stdout.write(f"{label}: {count} rows sealed with an older key")
                continue
            done = 0
            while batch := rekey.rekey_batch(model, columns, extra, size=batch_size):
                done += batch
                self.stdout.write(f"{label}: {done} rows sealed with key {newest}")
            self.stdout.write(f"{label}: done ({done} rows)")
        if check and left:
            raise CommandError(f"{left} rows are still sealed with an older key.")
