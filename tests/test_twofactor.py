"""TOTP with a controlled clock: enrolment, step-up on large payments, drift,
replay, wrong codes (counted as FAILED movements), recovery codes, admin logins."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from payflow_tui.services import errors as E
from payflow_tui.services import totp

BIG = 5_000_000  # the default threshold, ₦50,000.00: "at or above" needs a code


def enrol(pf, session, clock) -> tuple[str, list[str]]:
    enrolment = pf.begin_2fa_enrolment(session)
    codes = pf.confirm_2fa_enrolment(session, totp.code_at(enrolment.secret, clock()))
    clock.advance(seconds=30)  # the enrolment spent this step's code
    return enrolment.secret, codes


def code(secret, clock, offset=0) -> str:
    return totp.code_at(secret, clock(), offset)


def failed_rows(pf, code_: str = "OTP_INVALID") -> list:
    return pf._conn().execute("SELECT * FROM transactions WHERE status = 'FAILED' AND failure_code = ?"
                              " ORDER BY id", (code_,)).fetchall()


@pytest.fixture
def ada2fa(bank, clock):
    bank.fund(bank.ada, 20_000_000)
    secret, codes = enrol(bank.pf, bank.ada, clock)
    return secret, codes


def test_enrolment_shows_a_qr_and_completes_only_with_a_valid_code(bank, pf, clock):
    enrolment = pf.begin_2fa_enrolment(bank.ada)
    assert len(enrolment.secret) == 32
    assert enrolment.uri.startswith("otpauth://totp/PayFlow:ada%40bank.test?secret=" + enrolment.secret)
    assert "▄" in enrolment.qr or "▀" in enrolment.qr
    assert "\x1b" not in enrolment.qr  # plain text a screen can show
    assert pf.two_factor_status(bank.ada)["pending"] is True

    with pytest.raises(E.OtpInvalid):
        pf.confirm_2fa_enrolment(bank.ada, code(enrolment.secret, clock, offset=5))
    with pytest.raises(E.InvalidInput):
        pf.confirm_2fa_enrolment(bank.ada, "12345a")
    assert pf.two_factor_status(bank.ada)["enrolled"] is False

    codes = pf.confirm_2fa_enrolment(bank.ada, code(enrolment.secret, clock))
    assert len(codes) == len(set(codes)) == 10
    status = pf.two_factor_status(bank.ada)
    assert status["enrolled"] and status["recovery_codes_left"] == 10
    # Only hashes are kept.
    stored = [r[0] for r in pf._conn().execute("SELECT code_hash FROM recovery_codes")]
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert all(totp.recovery_hash(c) in stored for c in codes)
    with pytest.raises(E.Conflict):
        pf.begin_2fa_enrolment(bank.ada)


def test_below_the_threshold_no_code_is_needed(bank, ada2fa, pf):
    pf.transfer(bank.ada, "bola@bank.test", BIG - 1)
    pf.withdraw(bank.ada, BIG - 1)
    assert pf.balance(bank.bola) == BIG - 1


def test_not_enrolled_is_told_to_enrol_and_nothing_is_written(bank, pf):
    bank.fund(bank.bola, 20_000_000)
    before = pf._conn().execute("SELECT count(*) FROM transactions").fetchone()[0]
    with pytest.raises(E.OtpRequired, match="enrol"):
        pf.transfer(bank.bola, "ada@bank.test", BIG)
    with pytest.raises(E.OtpRequired, match="enrol") as refused:
        pf.withdraw(bank.bola, BIG, otp="123456")
    assert refused.value.details == {"enrolled": False}  # a screen does not ask for a code then
    assert pf._conn().execute("SELECT count(*) FROM transactions").fetchone()[0] == before
    assert pf.balance(bank.bola) == 20_000_000
    assert E.OtpRequired("x").exit_code == 3 and E.OtpInvalid("x").exit_code == 3


def test_a_missing_code_is_refused_without_a_trace(bank, ada2fa, pf):
    before = pf._conn().execute("SELECT count(*) FROM transactions").fetchone()[0]
    with pytest.raises(E.OtpRequired, match="authenticator") as refused:
        pf.transfer(bank.ada, "bola@bank.test", BIG)
    assert refused.value.details == {}  # enrolled: a screen asks for the code and retries
    with pytest.raises(E.OtpRequired):
        pf.withdraw(bank.ada, BIG, otp="  ")
    assert pf._conn().execute("SELECT count(*) FROM transactions").fetchone()[0] == before


def test_a_current_code_lets_a_large_transfer_through(bank, ada2fa, pf, clock):
    secret, _ = ada2fa
    result = pf.transfer(bank.ada, "bola@bank.test", BIG, otp=code(secret, clock))
    assert result.debit.status == "SUCCESS" and pf.balance(bank.bola) == BIG
    clock.advance(seconds=30)
    pf.withdraw(bank.ada, BIG, otp=code(secret, clock)[:3] + " " + code(secret, clock)[3:])
    assert pf.balance(bank.ada) == 20_000_000 - 2 * BIG


@pytest.mark.parametrize("offset", [-1, 1])
def test_one_step_of_drift_is_accepted(bank, ada2fa, pf, clock, offset):
    secret, _ = ada2fa
    clock.advance(seconds=30)  # so the step before this one was never used
    pf.transfer(bank.ada, "bola@bank.test", BIG, otp=code(secret, clock, offset))
    assert pf.balance(bank.bola) == BIG


def test_an_expired_code_is_refused_and_recorded(bank, ada2fa, pf, clock):
    secret, _ = ada2fa
    old = code(secret, clock)
    clock.advance(seconds=60)  # two steps later: outside the window
    with pytest.raises(E.OtpInvalid, match="wrong or expired"):
        pf.transfer(bank.ada, "bola@bank.test", BIG, otp=old)
    (row,) = failed_rows(pf)
    assert row["type"] == "TRANSFER" and row["amount"] == BIG and row["transfer_ref"]
    assert pf.balance(bank.bola) == 0


def test_a_used_code_is_refused_within_its_step(bank, ada2fa, pf, clock):
    secret, _ = ada2fa
    current = code(secret, clock)
    pf.transfer(bank.ada, "bola@bank.test", BIG, otp=current)
    with pytest.raises(E.OtpInvalid, match="already used"):
        pf.transfer(bank.ada, "bola@bank.test", BIG, otp=current)
    # An earlier step's code is spent too, even though it is within the drift window.
    with pytest.raises(E.OtpInvalid, match="already used"):
        pf.withdraw(bank.ada, BIG, otp=code(secret, clock, -1))
    assert pf.balance(bank.bola) == BIG
    clock.advance(seconds=30)
    pf.transfer(bank.ada, "bola@bank.test", BIG, otp=code(secret, clock))
    assert pf.balance(bank.bola) == 2 * BIG


def test_three_wrong_codes_are_three_failed_movements_for_the_fraud_rules(bank, ada2fa, pf, clock, monkeypatch):
    secret, _ = ada2fa
    seen = []
    original = type(pf)._rules_after

    def rules_after(self, conn, mv):
        seen.append((mv.kind, mv.status, mv.amount))
        return original(self, conn, mv)

    monkeypatch.setattr(type(pf), "_rules_after", rules_after)
    wrong = f"{(int(code(secret, clock)) + 1) % 10**6:06d}"
    for attempt in range(3):
        with pytest.raises(E.OtpInvalid):
            if attempt == 1:
                pf.withdraw(bank.ada, BIG, otp=wrong)
            else:
                pf.transfer(bank.ada, "bola@bank.test", BIG, otp=wrong, memo="rent")
    rows = failed_rows(pf)
    assert [r["type"] for r in rows] == ["TRANSFER", "WITHDRAWAL", "TRANSFER"]
    assert all(r["direction"] == "DEBIT" and r["amount"] == BIG for r in rows)
    assert rows[0]["counterparty_wallet_id"] == pf.wallet(bank.bola).id and rows[0]["memo"] == "rent"
    assert seen == [("TRANSFER", "FAILED", BIG), ("WITHDRAWAL", "FAILED", BIG), ("TRANSFER", "FAILED", BIG)]
    assert pf.balance(bank.ada) == 20_000_000 and pf.balance(bank.bola) == 0
    rejected = [e for e in pf.audit_entries(bank.admin).items if e["action"] == "TWO_FACTOR_CODE_REJECTED"]
    assert [e["details"]["consecutive"] for e in rejected] == [3, 2, 1]
    # Still within the limit: the right code works, and resets the count.
    pf.transfer(bank.ada, "bola@bank.test", BIG, otp=code(secret, clock))
    assert pf._conn().execute("SELECT failed_codes FROM two_factor").fetchone()[0] == 0


def test_five_wrong_codes_in_a_row_lock_the_account(bank, ada2fa, pf, clock):
    secret, _ = ada2fa
    # Four refused payments would already trip the fraud rule REPEATED_FAILURES;
    # this test is about the two-factor lockout alone.
    pf.set_rule(bank.admin, "REPEATED_FAILURES", enabled=False)
    wrong = f"{(int(code(secret, clock)) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(E.OtpInvalid):
            pf.transfer(bank.ada, "bola@bank.test", BIG, otp=wrong)
    with pytest.raises(E.AccountLocked, match="wrong two-factor codes"):
        pf.transfer(bank.ada, "bola@bank.test", BIG, otp=wrong)
    assert len(failed_rows(pf)) == 5
    with pytest.raises(E.AccountLocked):
        pf.balance(bank.ada)
    assert pf._conn().execute("SELECT status FROM users WHERE email = 'ada@bank.test'").fetchone()[0] == "LOCKED"


def test_a_retry_with_the_same_key_after_a_wrong_code_succeeds(bank, ada2fa, pf, clock):
    secret, _ = ada2fa
    wrong = f"{(int(code(secret, clock)) + 1) % 10**6:06d}"
    with pytest.raises(E.OtpInvalid):
        pf.transfer(bank.ada, "bola@bank.test", BIG, key="pay-1", otp=wrong)
    first = pf.transfer(bank.ada, "bola@bank.test", BIG, key="pay-1", otp=code(secret, clock))
    # A replay of the completed transfer returns it without asking for a new code.
    again = pf.transfer(bank.ada, "bola@bank.test", BIG, key="pay-1")
    assert again.transfer_ref == first.transfer_ref and pf.balance(bank.bola) == BIG


def test_a_teller_paying_out_a_large_withdrawal_uses_their_own_code(bank, pf, clock):
    bank.fund(bank.bola, 20_000_000)
    with pytest.raises(E.OtpRequired, match="enrol"):
        pf.withdraw(bank.teller, BIG, for_email="bola@bank.test")
    secret, _ = enrol(pf, bank.teller, clock)
    pf.withdraw(bank.teller, BIG, for_email="bola@bank.test", otp=code(secret, clock))
    assert pf.balance(bank.bola) == 20_000_000 - BIG


def test_the_threshold_is_an_admin_setting(bank, ada2fa, pf):
    pf.set_setting(bank.admin, "step_up_threshold_minor", str(BIG * 2))
    pf.transfer(bank.ada, "bola@bank.test", BIG)
    with pytest.raises(E.OtpRequired):
        pf.transfer(bank.ada, "bola@bank.test", BIG * 2)
    with pytest.raises(E.InvalidInput):
        pf.set_setting(bank.admin, "step_up_threshold_minor", "50000.00")
    with pytest.raises(E.PermissionDenied):
        pf.set_setting(bank.ada, "step_up_threshold_minor", "1")


def test_disable_needs_a_code_or_a_single_use_recovery_code(bank, ada2fa, pf, clock):
    secret, codes = ada2fa
    with pytest.raises(E.OtpRequired):
        pf.disable_2fa(bank.ada, None)
    with pytest.raises(E.OtpInvalid):
        pf.disable_2fa(bank.ada, "AAAA-BBBB-CCCC")
    pf.disable_2fa(bank.ada, codes[0].lower())
    assert pf.two_factor_status(bank.ada)["enrolled"] is False
    assert pf._conn().execute("SELECT count(*) FROM recovery_codes").fetchone()[0] == 0

    secret, codes = enrol(pf, bank.ada, clock)
    pf.disable_2fa(bank.ada, code(secret, clock))
    with pytest.raises(E.Conflict):
        pf.disable_2fa(bank.ada, codes[1])
    actions = [e["action"] for e in pf.audit_entries(bank.admin).items]
    assert actions.count("TWO_FACTOR_DISABLED") == 2 and actions.count("TWO_FACTOR_ENABLED") == 2


def test_an_admin_resets_someone_elses_enrolment(bank, ada2fa, pf):
    with pytest.raises(E.PermissionDenied):
        pf.reset_2fa(bank.teller, "ada@bank.test")
    with pytest.raises(E.PermissionDenied):
        pf.reset_2fa(bank.admin, "admin@bank.test")
    pf.reset_2fa(bank.admin, "ada@bank.test")
    assert pf.two_factor_status(bank.ada)["enrolled"] is False


def test_admin_logins_can_require_the_code(bank, pf, clock):
    pf.set_setting(bank.admin, "admin_login_requires_2fa", "1")
    # Not yet enrolled: let in (or nobody could enrol), and told to enrol.
    admin = pf.login("admin@bank.test", PASSWORD)
    assert "enrol" in pf.two_factor_status(admin)["message"]
    assert pf.two_factor_status(admin)["required_for_login"] is True
    secret, codes = enrol(pf, admin, clock)

    with pytest.raises(E.OtpRequired):
        pf.login("admin@bank.test", PASSWORD)
    with pytest.raises(E.OtpInvalid):
        pf.login("admin@bank.test", PASSWORD, otp=code(secret, clock, 3))
    with pytest.raises(E.AuthFailed):  # a wrong password is still just a wrong password
        pf.login("admin@bank.test", "wrong-password-123", otp=code(secret, clock))
    session = pf.login("admin@bank.test", PASSWORD, otp=code(secret, clock))
    assert session.role == "ADMIN"
    with pytest.raises(E.OtpInvalid, match="already used"):
        pf.login("admin@bank.test", PASSWORD, otp=code(secret, clock))
    assert pf.login("admin@bank.test", PASSWORD, otp=codes[0]).role == "ADMIN"
    # Other roles are untouched by the admin setting.
    assert pf.login("teller@bank.test", PASSWORD).role == "TELLER"
    reasons = [e["details"].get("reason") for e in pf.audit_entries(session).items if e["action"] == "LOGIN_FAILED"]
    assert reasons.count("wrong two-factor code") == 2


def test_a_batch_refuses_rows_at_or_above_the_threshold_alone(bank, ada2fa, pf):
    csv_text = "email,amount,reference\nbola@bank.test,100.00,r1\nbola@bank.test,50000.00,r2\n"
    summary = pf.bulk_transfer(bank.ada, csv_text)
    assert [(r.reference, r.status, r.code) for r in summary.rows] == [
        ("r1", "SENT", None), ("r2", "REFUSED", "OTP_REQUIRED")]
    assert pf.balance(bank.bola) == 10_000
