"""Where the documents' files go: the file system by default, an S3-compatible bucket when
the environment names one. Each case starts Python with the production settings and only
the environment given, as a deployment would."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_STORAGE = """
import django
django.setup()
from documents.models import Document
storage = Document._meta.get_field("file").storage
print(type(storage).__name__)
print(getattr(storage, "bucket_name", "") or storage.location)
print(getattr(storage, "endpoint_url", "") or "-")
print(getattr(storage, "default_acl", "") or "-")
"""


def storage_with(tmp_path, **environment) -> list[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "siv.settings",
        "SECRET_KEY": "storage-test-secret-key-0123456789abcdef0123456789",
        "SIV_FIELD_KEY": "storage-test-field-key-0123456789abcdef0123456789",
        "SIV_LEDGER_KEY": "storage-test-ledger-key-0123456789abcdef0123456789",
        # Never used: the storage is built without a database.
        "DATABASE_URL": "postgres://siv@127.0.0.1:1/siv",
        "SIV_MEDIA_ROOT": str(tmp_path / "media"),
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def test_documents_are_kept_beside_the_media_folder_by_default(tmp_path):
    kind, place, _endpoint, _acl = storage_with(tmp_path)
    assert kind == "FileSystemStorage"
    assert place == str(tmp_path / "media" / "documents")


def test_a_bucket_in_the_environment_keeps_them_private_in_an_s3_store(tmp_path):
    kind, bucket, endpoint, acl = storage_with(
        tmp_path,
        SIV_DOCUMENTS_S3_BUCKET="siv-dokumenter",
        SIV_DOCUMENTS_S3_ENDPOINT_URL="https://s3.example.test",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert (kind, bucket, endpoint, acl) == (
        "S3Storage",
        "siv-dokumenter",
        "https://s3.example.test",
        "private",
    )
