"""Authentication: argon2id hashes, lockouts, sessions, bootstrap."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters

from tests.conftest import FAST_HASHER, PASSWORD
from tests.ledger_helpers import ram_db_path  # noqa: F401 - the db_path fixture, in RAM
from tests.ledger_helpers import audit_actions, query
from payflow_tui.services import PayFlow, Session
from payflow_tui.services import errors as E
from payflow_tui.services.base import default_hasher

SECRET = "Unforgettable-Passphrase-42"


def file_bytes(db_path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


def test_only_an_argon2id_hash_is_stored_never_the_password(pf, db_path):
    pf.create_first_admin("root@bank.test", "Root", SECRET)
    session = pf.login("root@bank.test", SECRET)
    pf.create_user(session, "ada@bank.test", "Ada", SECRET + "-ada")
    pf.change_password(session, SECRET, SECRET + "-new")
    with pytest.raises(E.AuthFailed):
        pf.login("root@bank.test", SECRET)  # a wrong (old) password lands in the audit trail as a failure
    pf.close()
    stored = query(db_path, "SELECT password_hash FROM users ORDER BY id")
    assert all(r[0].startswith("$argon2id$") for r in stored)
    data = file_bytes(db_path)
    for secret in (SECRET, SECRET + "-ada", SECRET + "-new"):
        assert secret.encode() not in data
        assert secret.encode("utf-16-le") not in data
    assert "Unforgettable" not in " ".join(r[0] for r in query(db_path, "SELECT details FROM audit_log"))


def test_default_parameters_meet_owasp_minimum(tmp_path):
    hasher = default_hasher()
    assert hasher.type.name == "ID"
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2
    pf = PayFlow.open(tmp_path / "owasp.db")  # the production hasher, not the tests' fast one
    try:
        pf.create_first_admin("root@bank.test", "Root", SECRET)
    finally:
        pf.close()
    params = extract_parameters(query(tmp_path / "owasp.db", "SELECT password_hash FROM users")[0][0])
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2


def test_the_tests_fast_hasher_is_still_at_the_owasp_floor():
    assert FAST_HASHER.memory_cost >= 19 * 1024 and FAST_HASHER.time_cost >= 2


def test_a_hash_is_upgraded_at_login_when_parameters_change(db_path, clock):
    old = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    old.create_first_admin("root@bank.test", "Root", SECRET)
    old.close()
    before = query(db_path, "SELECT password_hash FROM users")[0][0]
    stronger = PasswordHasher(time_cost=3, memory_cost=24 * 1024, parallelism=1)
    new = PayFlow.open(db_path, clock=clock, password_hasher=stronger)
    try:
        new.login("root@bank.test", SECRET)
        after = query(db_path, "SELECT password_hash FROM users")[0][0]
        assert after != before
        params = extract_parameters(after)
        assert (params.time_cost, params.memory_cost) == (3, 24 * 1024)
        new.login("root@bank.test", SECRET)  # the new hash verifies, and is not rehashed again
        assert query(db_path, "SELECT password_hash FROM users")[0][0] == after
        with pytest.raises(E.AuthFailed):
            new.login("root@bank.test", "wrong-password-99")
        assert query(db_path, "SELECT password_hash FROM users")[0][0] == after
    finally:
        new.close()


class LockProbeHasher(PasswordHasher):
    """Hashes as asked, and records whether the database's write lock was free while it did."""

    def __init__(self, db_path, **params) -> None:
        super().__init__(**params)
        self.db_path = db_path
        self.lock_free: list[bool] = []

    def hash(self, password, *, salt=None):
        probe = sqlite3.connect(str(self.db_path), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            self.lock_free.append(True)
        except sqlite3.OperationalError:
            self.lock_free.append(False)
        finally:
            probe.close()
        return super().hash(password, salt=salt)


def test_the_rehash_at_login_runs_outside_the_write_lock(db_path, clock):
    old = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    old.create_first_admin("root@bank.test", "Root", SECRET)
    old.close()
    probe = LockProbeHasher(db_path, time_cost=3, memory_cost=24 * 1024, parallelism=1)
    new = PayFlow.open(db_path, clock=clock, password_hasher=probe)
    try:
        new.login("root@bank.test", SECRET)
    finally:
        new.close()
    assert probe.lock_free == [True]
    assert extract_parameters(query(db_path, "SELECT password_hash FROM users")[0][0]).time_cost == 3


@pytest.mark.parametrize("password", ["", "short", "123456789", None, 1234567890])
def test_passwords_shorter_than_ten_characters_are_refused(bank, db_path, password):
    users = len(query(db_path, "SELECT 1 FROM users"))
    with pytest.raises(E.InvalidInput, match="at least 10"):
        bank.pf.register("new@bank.test", "New", password)
    with pytest.raises(E.InvalidInput, match="at least 10"):
        bank.pf.create_user(bank.admin, "new@bank.test", "New", password)
    with pytest.raises(E.InvalidInput, match="at least 10"):
        bank.pf.change_password(bank.ada, PASSWORD, password)
    assert len(query(db_path, "SELECT 1 FROM users")) == users
    bank.pf.login("ada@bank.test", PASSWORD)


def test_ten_characters_are_enough(bank):
    bank.pf.register("new@bank.test", "New", "1234567890")
    assert bank.pf.login("new@bank.test", "1234567890").role == "USER"


def test_first_admin_cannot_be_created_with_a_short_password(pf):
    with pytest.raises(E.InvalidInput):
        pf.create_first_admin("root@bank.test", "Root", "123456789")
    assert not pf.has_admin()


def test_five_failures_lock_the_account_for_fifteen_minutes(bank, db_path, clock):
    for attempt in range(4):
        with pytest.raises(E.AuthFailed):
            bank.pf.login("ada@bank.test", "wrong-password-1")
    with pytest.raises(E.AccountLocked, match="try again after"):
        bank.pf.login("ada@bank.test", "wrong-password-1")
    row = query(db_path, "SELECT * FROM users WHERE email = 'ada@bank.test'")[0]
    assert row["status"] == "LOCKED" and row["failed_logins"] == 5
    assert row["locked_until"] == (clock() + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    locked = query(db_path, "SELECT * FROM audit_log WHERE action = 'ACCOUNT_LOCKED'")
    assert len(locked) == 1 and locked[0]["subject_user_id"] == bank.ada.user_id
    assert len(query(db_path, "SELECT 1 FROM audit_log WHERE action = 'LOGIN_FAILED'")) == 5
    # Even the right password is refused while locked, and her open session stops working.
    with pytest.raises(E.AccountLocked):
        bank.pf.login("ada@bank.test", PASSWORD)
    with pytest.raises(E.AccountLocked):
        bank.pf.balance(bank.ada)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(E.AccountLocked):
        bank.pf.login("ada@bank.test", PASSWORD)
    clock.advance(seconds=1)
    session = bank.pf.login("ada@bank.test", PASSWORD)
    assert bank.pf.balance(session) == 0
    row = query(db_path, "SELECT * FROM users WHERE email = 'ada@bank.test'")[0]
    assert row["status"] == "ACTIVE" and row["failed_logins"] == 0 and row["locked_until"] is None
    assert audit_actions(db_path)[-2:] == ["ACCOUNT_UNLOCKED", "LOGIN"]


def test_failures_must_be_consecutive(bank, db_path):
    for _ in range(4):
        with pytest.raises(E.AuthFailed):
            bank.pf.login("ada@bank.test", "wrong-password-1")
    bank.pf.login("ada@bank.test", PASSWORD)
    for _ in range(4):
        with pytest.raises(E.AuthFailed):
            bank.pf.login("ada@bank.test", "wrong-password-1")
    assert query(db_path, "SELECT status, failed_logins FROM users WHERE email = 'ada@bank.test'")[0][:] \
        == ("ACTIVE", 4)


def test_an_admin_can_unlock_before_the_time_is_up(bank, db_path):
    for _ in range(5):
        with pytest.raises((E.AuthFailed, E.AccountLocked)):
            bank.pf.login("ada@bank.test", "wrong-password-1")
    bank.pf.unlock_user(bank.admin, "ada@bank.test")
    assert bank.pf.login("ada@bank.test", PASSWORD)
    assert "ACCOUNT_UNLOCKED" in audit_actions(db_path)


def test_lockout_threshold_and_length_are_settings(bank, clock):
    bank.pf.set_setting(bank.admin, "lockout_threshold", "2")
    bank.pf.set_setting(bank.admin, "lockout_minutes", "60")
    with pytest.raises(E.AuthFailed):
        bank.pf.login("bola@bank.test", "wrong-password-1")
    with pytest.raises(E.AccountLocked):
        bank.pf.login("bola@bank.test", "wrong-password-1")
    clock.advance(minutes=59)
    with pytest.raises(E.AccountLocked):
        bank.pf.login("bola@bank.test", PASSWORD)
    clock.advance(minutes=1)
    bank.pf.login("bola@bank.test", PASSWORD)


class SpyHasher(PasswordHasher):
    """The real hasher, counting verify calls and the hashes it was asked about."""

    def __init__(self) -> None:
        super().__init__(time_cost=FAST_HASHER.time_cost, memory_cost=FAST_HASHER.memory_cost,
                         parallelism=FAST_HASHER.parallelism)
        self.verified: list[str] = []

    def verify(self, hash, password):  # noqa: A002 - argon2-cffi's own parameter name
        self.verified.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


def test_unknown_email_costs_the_same_argon2_work_and_gets_the_same_message(db_path, clock):
    spy = SpyHasher()
    pf = PayFlow.open(db_path, clock=clock, password_hasher=spy)
    try:
        pf.create_first_admin("root@bank.test", "Root", SECRET)
        with pytest.raises(E.AuthFailed) as wrong:
            pf.login("root@bank.test", "wrong-password-1")
        with pytest.raises(E.AuthFailed) as unknown:
            pf.login("nobody@bank.test", "wrong-password-1")
        with pytest.raises(E.AuthFailed) as blank:
            pf.login("", "wrong-password-1")
        assert wrong.value.message == unknown.value.message == blank.value.message
        assert wrong.value.code == unknown.value.code == "AUTH_FAILED"
        assert len(spy.verified) == 3  # one argon2 verification per attempt, known email or not
        real = extract_parameters(spy.verified[0])
        for other in spy.verified[1:]:
            assert extract_parameters(other) == real
        failures = query(db_path, "SELECT details FROM audit_log WHERE action = 'LOGIN_FAILED'")
        assert len(failures) == 3 and "unknown email" in failures[1][0]
    finally:
        pf.close()


def test_unknown_emails_lock_nothing(bank, db_path):
    for _ in range(6):
        with pytest.raises(E.AuthFailed):
            bank.pf.login("ghost@bank.test", "wrong-password-1")
    assert query(db_path, "SELECT count(*) FROM users WHERE status <> 'ACTIVE'")[0][0] == 0


def test_email_is_case_insensitive_at_login(bank):
    assert bank.pf.login("  ADA@Bank.Test ", PASSWORD).email == "ada@bank.test"


def test_sessions_expire_after_fifteen_idle_minutes(bank, clock):
    clock.advance(minutes=15)
    assert bank.pf.balance(bank.ada) == 0  # exactly 15 minutes idle is still alive, and renews
    clock.advance(minutes=15, seconds=1)
    assert not bank.pf.session_alive(bank.ada)
    with pytest.raises(E.SessionExpired, match="inactivity"):
        bank.pf.balance(bank.ada)
    # An expired session stays expired, and a later call (another of the screen's) says why.
    with pytest.raises(E.SessionExpired, match="inactivity"):
        bank.pf.balance(bank.ada)
    bank.pf.logout(bank.ada)  # signing out forgets the reason: nothing to explain
    with pytest.raises(E.SessionExpired, match="not valid"):
        bank.pf.balance(bank.ada)


def test_activity_keeps_a_session_alive(bank, clock):
    for _ in range(8):
        clock.advance(minutes=10)
        bank.pf.balance(bank.ada)
    assert bank.pf.session_alive(bank.ada)


def test_idle_timeout_is_a_setting(bank, clock):
    bank.pf.set_setting(bank.admin, "idle_timeout_minutes", "5")
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(E.SessionExpired):
        bank.pf.balance(bank.ada)
    admin = bank.pf.login("admin@bank.test", PASSWORD)
    bank.pf.set_setting(admin, "idle_timeout_minutes", "60")
    ada = bank.pf.login("ada@bank.test", PASSWORD)
    clock.advance(minutes=59)
    assert bank.pf.balance(ada) == 0


def test_logout_ends_the_session(bank):
    bank.pf.logout(bank.ada)
    with pytest.raises(E.SessionExpired):
        bank.pf.balance(bank.ada)


def test_a_forged_session_is_refused(bank, clock):
    forged = Session("made-up-token", bank.admin.user_id, "admin@bank.test", "Ada Admin", "ADMIN",
                     clock(), clock())
    with pytest.raises(E.SessionExpired):
        bank.pf.list_users(forged)
    with pytest.raises(E.SessionExpired):
        bank.pf.freeze_wallet(forged, "bola@bank.test", "forged")
    # A real token with someone else's user id is refused too.
    with pytest.raises(E.SessionExpired):
        bank.pf.balance(replace(bank.ada, user_id=bank.admin.user_id))
    # Editing a live session's role grants nothing: the role is re-read from the database.
    bank.ada.role = "ADMIN"
    with pytest.raises(E.PermissionDenied):
        bank.pf.list_users(bank.ada)
    assert not bank.pf.wallet(bank.admin, for_email="bola@bank.test").frozen


def test_a_session_from_another_instance_is_refused(bank, db_path, clock):
    other = PayFlow.open(db_path, clock=clock, password_hasher=FAST_HASHER)
    try:
        with pytest.raises(E.SessionExpired):
            other.balance(bank.ada)
    finally:
        other.close()


def test_a_disabled_users_open_session_is_refused(bank):
    bank.fund(bank.ada, 5_000)
    bank.pf.disable_user(bank.admin, "ada@bank.test")
    with pytest.raises(E.AccountDisabled):
        bank.pf.transfer(bank.ada, "bola@bank.test", 1_000)
    with pytest.raises((E.AccountDisabled, E.SessionExpired)):
        bank.pf.balance(bank.ada)
    with pytest.raises(E.AccountDisabled):
        bank.pf.login("ada@bank.test", PASSWORD)
    assert bank.pf.balance(bank.admin, for_email="ada@bank.test") == 5_000


def test_a_role_change_applies_to_an_open_session(bank):
    tx = bank.pf.request_deposit(bank.ada, 1_000)
    bank.pf.change_role(bank.admin, "teller@bank.test", "USER")
    with pytest.raises(E.PermissionDenied):
        bank.pf.confirm_deposit(bank.teller, tx.reference)
    bank.pf.change_role(bank.admin, "ada@bank.test", "TELLER")
    with pytest.raises(E.PermissionDenied):  # a teller, but still not for her own deposit
        bank.pf.confirm_deposit(bank.ada, tx.reference)
    bank.pf.change_role(bank.admin, "bola@bank.test", "ADMIN")
    bank.pf.confirm_deposit(bank.bola, tx.reference)
    assert bank.pf.balance(bank.ada) == 1_000
    assert [e["details"]["new"] for e in bank.pf.audit_entries(bank.admin, action="ROLE_CHANGED").items] \
        == ["ADMIN", "TELLER", "USER"]


def test_the_first_admin_only_while_none_exists(pf, db_path):
    assert not pf.has_admin()
    first = pf.create_first_admin("root@bank.test", "Root", SECRET)
    assert first.role == "ADMIN" and pf.has_admin()
    with pytest.raises(E.PermissionDenied, match="only an admin"):
        pf.create_first_admin("intruder@bank.test", "Intruder", SECRET)
    assert [r[0] for r in query(db_path, "SELECT email FROM users")] == ["root@bank.test"]
    root = pf.login("root@bank.test", SECRET)
    second = pf.create_user(root, "deputy@bank.test", "Deputy", SECRET, "admin")
    assert second.role == "ADMIN"
    created = query(db_path, "SELECT actor_user_id, subject_user_id FROM audit_log WHERE action = 'USER_CREATED'")
    assert [tuple(r) for r in created] == [(first.id, first.id), (first.id, second.id)]


def test_every_user_gets_one_wallet(bank, db_path):
    rows = query(db_path, "SELECT u.id, count(w.id) FROM users u LEFT JOIN wallets w ON w.user_id = u.id"
                          " GROUP BY u.id")
    assert len(rows) == 4 and all(r[1] == 1 for r in rows)


def test_duplicate_email_is_refused_whatever_its_case(bank, db_path):
    with pytest.raises(E.Conflict):
        bank.pf.register("ADA@bank.test", "Other Ada", SECRET)
    with pytest.raises(E.Conflict):
        bank.pf.create_user(bank.admin, "Bola@Bank.Test", "Other Bola", SECRET)


def test_registration_can_be_closed(bank):
    bank.pf.set_setting(bank.admin, "registration_open", "0")
    assert not bank.pf.registration_open()
    with pytest.raises(E.PermissionDenied):
        bank.pf.register("new@bank.test", "New", SECRET)


def test_change_password_needs_the_old_one(bank):
    with pytest.raises(E.AuthFailed):
        bank.pf.change_password(bank.ada, "not-the-password", SECRET)
    bank.pf.change_password(bank.ada, PASSWORD, SECRET)
    assert bank.pf.login("ada@bank.test", SECRET)
    with pytest.raises(E.AuthFailed):
        bank.pf.login("ada@bank.test", PASSWORD)
