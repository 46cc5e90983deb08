"""The field key is a keyring: versioned keys, the newest encrypts, every key decrypts, the
old single key still works; `rekey_fields` moves everything to the newest key in batches and
may be stopped and run again. The TOTP seeds are encrypted at rest with it."""

import base64
import hashlib
import os

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from participants import cpr
from participants.models import Citizen
from participants.track import services as track_services
from siv import keyring
from tests.factories.participants import CitizenFactory
from tests.siv.test_deploy_settings import _manage_check

OLD = "old-field-key-0123456789abcdef0123456789abcdef"
NEW = "new-field-key-fedcba9876543210fedcba9876543210"


@pytest.fixture
def old_key(settings):
    settings.SIV_FIELD_KEYS = {1: OLD}
    return settings


def add_new_key(settings):
    settings.SIV_FIELD_KEYS = {2: NEW, 1: OLD}


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_ring_reads_versions_and_the_single_key_is_version_one():
    assert keyring.parse(f"2:{NEW}, 1:{OLD}") == {2: NEW, 1: OLD}
    assert keyring.parse("", OLD) == {1: OLD}
    assert keyring.parse(f"2:{NEW},1:{OLD}", OLD) == {2: NEW, 1: OLD}


@pytest.mark.parametrize(
    "ring", [f"{NEW}", f"0:{NEW}", f"x:{NEW}", "2:", f"2:{NEW},2:{OLD}", f"2:{NEW},,1:{OLD}"]
)
def test_a_malformed_ring_is_refused_without_showing_a_key(ring):
    with pytest.raises(ImproperlyConfigured) as refused:
        keyring.parse(ring)
    assert NEW not in str(refused.value) and OLD not in str(refused.value)


def test_a_single_key_left_out_of_the_ring_is_refused():
    with pytest.raises(ImproperlyConfigured, match="not in the ring"):
        keyring.parse(f"2:{NEW}", OLD)


def test_the_newest_key_encrypts_and_every_key_decrypts(old_key):
    sealed_old = keyring.encrypt("Ida Hansen")
    assert sealed_old.startswith("1:")
    add_new_key(old_key)
    sealed_new = keyring.encrypt("Ida Hansen")
    assert sealed_new.startswith("2:")
    assert keyring.decrypt(sealed_old) == keyring.decrypt(sealed_new) == "Ida Hansen"
    old_key.SIV_FIELD_KEYS = {2: NEW}
    with pytest.raises(ImproperlyConfigured, match="version 1"):
        keyring.decrypt(sealed_old)


def test_ciphertext_from_before_the_keyring_still_decrypts(old_key):
    # How the CPR numbers were sealed with the single SIV_FIELD_KEY before the keyring.
    legacy_key = base64.urlsafe_b64encode(
        hashlib.sha256(b"siv-cpr-encryption:" + OLD.encode()).digest()
    )
    legacy = Fernet(legacy_key).encrypt(b"1503851234").decode()
    add_new_key(old_key)
    assert keyring.decrypt(legacy) == "1503851234"


@pytest.mark.parametrize(("ring", "starts"), [(f"2:{NEW},1:{OLD}", True), (f"two:{NEW}", False)])
def test_production_starts_with_a_keyring_in_place_of_the_single_key(tmp_path, ring, starts):
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "SIV_LEDGER_KEY": "l" * 48}
    result = _manage_check(tmp_path, **production, SIV_FIELD_KEYS=ring)
    assert (result.returncode == 0) is starts, result.stderr
    assert NEW not in result.stderr
    if not starts:
        assert "SIV_FIELD_KEYS entry 1" in result.stderr


@pytest.mark.django_db
def test_a_citizen_is_found_by_cpr_before_and_after_rekeying(old_key, personas):
    citizen = CitizenFactory(cpr="150385-1234")
    add_new_key(old_key)
    assert track_services.citizen_find_by_cpr(cpr="150385-1234") == citizen
    with pytest.raises(ValidationError, match="allerede"):
        track_services.citizen_create(by=personas.caseworker, cpr="150385-1234", first_name="A")
    call_command("rekey_fields", stdout=open(os.devnull, "w"))
    assert raw("participants_citizen", "cpr_encrypted", citizen.pk).startswith("2:")
    assert raw("participants_citizen", "cpr_hash", citizen.pk) == cpr.keyed_hash("1503851234")
    old_key.SIV_FIELD_KEYS = {2: NEW}
    assert track_services.citizen_find_by_cpr(cpr="150385-1234") == citizen
    assert Citizen.objects.get(pk=citizen.pk).cpr == "150385-1234"


@pytest.mark.django_db
def test_rekeying_goes_in_batches_and_resumes_where_it_stopped(old_key, personas):
    citizens = CitizenFactory.create_batch(5)
    numbers = {c.cpr for c in citizens}
    device = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    add_new_key(old_key)
    with pytest.raises(CommandError, match="6 rows"):
        call_command("rekey_fields", "--check", stdout=open(os.devnull, "w"))
    from siv import rekey

    columns = ("cpr_encrypted",) + tuple(
        c for m, c, _e in rekey.rekeyed_models() if m is Citizen for c in c if c != "cpr_encrypted"
    )
    extra = rekey.EXTRAS[Citizen]
    assert rekey.rekey_batch(Citizen, columns, extra, size=2) == 2  # then "stopped"
    versions = sorted(
        raw("participants_citizen", "cpr_encrypted", c.pk).split(":")[0] for c in citizens
    )
    assert versions == ["1", "1", "1", "2", "2"]
    call_command("rekey_fields", "--batch-size", "2", stdout=open(os.devnull, "w"))
    assert all(
        raw("participants_citizen", "cpr_encrypted", c.pk).startswith("2:") for c in citizens
    )
    assert raw("otp_totp_totpdevice", "key", device.pk).startswith("2:")
    call_command("rekey_fields", "--check", stdout=open(os.devnull, "w"))
    old_key.SIV_FIELD_KEYS = {2: NEW}
    assert {c.cpr for c in Citizen.objects.all()} == numbers
    assert TOTPDevice.objects.get(pk=device.pk).bin_key == device.bin_key


@pytest.mark.django_db
def test_rekeying_leaves_an_anonymised_citizen_alone(old_key):
    citizen = CitizenFactory()
    Citizen.objects.filter(pk=citizen.pk).update(cpr_encrypted="anonymiseret:abc", cpr_hash="abc")
    add_new_key(old_key)
    call_command("rekey_fields", stdout=open(os.devnull, "w"))
    assert raw("participants_citizen", "cpr_encrypted", citizen.pk) == "anonymiseret:abc"
    assert raw("participants_citizen", "cpr_hash", citizen.pk) == "abc"


@pytest.mark.django_db
def test_the_totp_seed_is_encrypted_at_rest_and_still_verifies(personas):
    device = TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    stored = raw("otp_totp_totpdevice", "key", device.pk)
    assert device.key not in stored and stored.startswith(f"{keyring.newest_version()}:")
    fresh = TOTPDevice.objects.get(pk=device.pk)
    assert fresh.key == device.key
    token = totp(fresh.bin_key, fresh.step, fresh.t0, fresh.digits, fresh.drift)
    assert fresh.verify_token(f"{token:06d}")


@pytest.mark.django_db
def test_the_migration_encrypts_the_seeds_already_there(personas):
    executor = MigrationExecutor(connection)
    executor.migrate([("siv", "0008_security_event_actions")])
    seed = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice (user_id, name, confirmed, key, step, t0, digits,"
            " tolerance, drift, last_t, throttling_failure_timestamp,"
            " throttling_failure_count, created_at, last_used_at)"
            " VALUES (%s, 'SIV', true, %s, 30, 0, 6, 1, 0, -1, NULL, 0, now(), NULL)"
            " RETURNING id",
            [personas.actor.pk, seed],
        )
        pk = cursor.fetchone()[0]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as if committed before the migration
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert seed not in raw("otp_totp_totpdevice", "key", pk)
    assert TOTPDevice.objects.get(pk=pk).key == seed
