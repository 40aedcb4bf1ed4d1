"""Bad input never changes the database: a checksum of every table before and after each refusal."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, START
from tests.ledger_helpers import CHEAP_HASHER, db_checksum
from payflow_tui.clock import FrozenClock
from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E

MAX = 10_000_000_000  # the default ceiling, ₦100,000,000.00


class Shop:
    """One bank shared by every case: refusals must leave it exactly as it was."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pf = PayFlow.open(path, clock=FrozenClock(START), password_hasher=CHEAP_HASHER, sandbox=True)
        pf = self.pf
        pf.create_first_admin("admin@bank.test", "Admin", PASSWORD)
        self.admin = pf.login("admin@bank.test", PASSWORD)
        pf.create_user(self.admin, "teller@bank.test", "Teller", PASSWORD, "TELLER")
        pf.create_user(self.admin, "ada@bank.test", "Ada", PASSWORD)
        pf.create_user(self.admin, "bola@bank.test", "Bola", PASSWORD)
        self.teller = pf.login("teller@bank.test", PASSWORD)
        self.ada = pf.login("ada@bank.test", PASSWORD)
        pf.confirm_deposit(self.teller, pf.request_deposit(self.ada, 500_000).reference)
        self.pending = pf.request_deposit(self.ada, 1_000).reference
        self.done = pf.request_deposit(self.ada, 2_000, key="used-key").reference
        pf.confirm_deposit(self.teller, self.done)
        self.sent = pf.transfer(self.ada, "bola@bank.test", 3_000, key="sent-key").transfer_ref


@pytest.fixture(scope="module")
def shop():
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="payflow-bad-",
                                   dir=shm if shm.is_dir() else None))
    s = Shop(folder / "bad.db")
    yield s
    s.pf.close()
    shutil.rmtree(folder, ignore_errors=True)


BAD_AMOUNTS = [0, -1, -500_000, True, False, 1.5, 100.0, "100", None, MAX + 1, 2**63, float("nan")]

CASES: dict[str, tuple] = {}


def case(name, error, fn):
    CASES[name] = (error, fn)


for amount in BAD_AMOUNTS:
    tag = repr(amount)
    case(f"deposit amount {tag}", E.InvalidAmount, lambda s, a=amount: s.pf.request_deposit(s.ada, a))
    case(f"teller deposit amount {tag}", E.InvalidAmount,
         lambda s, a=amount: s.pf.request_deposit(s.teller, a, for_email="ada@bank.test"))
    case(f"withdraw amount {tag}", E.InvalidAmount, lambda s, a=amount: s.pf.withdraw(s.ada, a))
    case(f"transfer amount {tag}", E.InvalidAmount,
         lambda s, a=amount: s.pf.transfer(s.ada, "bola@bank.test", a))
    case(f"keyed transfer amount {tag}", E.InvalidAmount,
         lambda s, a=amount: s.pf.transfer(s.ada, "bola@bank.test", a, key="fresh-key"))

for text in ["", "0", "-1", "1e5", "NaN", "1.234", "15,00", "١٢٣", "100000000.01", None]:
    case(f"typed amount {text!r}", E.InvalidAmount, lambda s, t=text: s.pf.parse_amount(t))

for email in ["", "   ", "no-at-sign", "a@b", "a @b.test", "x" * 250 + "@bank.test", None, "two@@bank.test"]:
    case(f"register email {email!r}", E.InvalidInput, lambda s, e=email: s.pf.register(e, "New", PASSWORD))
    case(f"create_user email {email!r}", E.InvalidInput,
         lambda s, e=email: s.pf.create_user(s.admin, e, "New", PASSWORD))
    case(f"first admin email {email!r}", (E.InvalidInput, E.PermissionDenied),
         lambda s, e=email: s.pf.create_first_admin(e, "New", PASSWORD))

for email in ["", "bola", None, "   "]:
    case(f"transfer to {email!r}", E.InvalidInput, lambda s, e=email: s.pf.transfer(s.ada, e, 100))

for email in ["ghost@bank.test", "", None]:
    case(f"freeze {email!r}", (E.NotFound, E.InvalidInput),
         lambda s, e=email: s.pf.freeze_wallet(s.admin, e, "reason"))
    case(f"unlock {email!r}", E.NotFound, lambda s, e=email: s.pf.unlock_user(s.admin, e))
    case(f"disable {email!r}", E.NotFound, lambda s, e=email: s.pf.disable_user(s.admin, e))
    case(f"change role {email!r}", E.NotFound, lambda s, e=email: s.pf.change_role(s.admin, e, "TELLER"))
case("teller deposit for unknown", E.NotFound,
     lambda s: s.pf.request_deposit(s.teller, 100, for_email="ghost@bank.test"))
case("teller withdraw for unknown", E.NotFound,
     lambda s: s.pf.withdraw(s.teller, 100, for_email="ghost@bank.test"))
case("all transactions of unknown", E.NotFound,
     lambda s: s.pf.all_transactions(s.admin, email="ghost@bank.test"))

for name in ["", "   ", "n" * 101, None]:
    case(f"register name {name!r}", E.InvalidInput, lambda s, n=name: s.pf.register("new@bank.test", n, PASSWORD))
for password in ["", "short", "123456789", None, "p" * 1025]:
    case(f"register password {password!r:.12}", E.InvalidInput,
         lambda s, p=password: s.pf.register("new@bank.test", "New", p))
    case(f"change password to {password!r:.12}", E.InvalidInput,
         lambda s, p=password: s.pf.change_password(s.ada, PASSWORD, p))
case("change password with the wrong old one", E.AuthFailed,
     lambda s: s.pf.change_password(s.ada, "not-the-password", "a-new-password-1"))
case("duplicate email", E.Conflict, lambda s: s.pf.register("ADA@bank.test", "Ada Two", PASSWORD))

for reason in ["", "   ", None, "\n\t"]:
    case(f"reject reason {reason!r}", E.InvalidInput,
         lambda s, r=reason: s.pf.reject_deposit(s.teller, s.pending, r))
    case(f"freeze reason {reason!r}", E.InvalidInput,
         lambda s, r=reason: s.pf.freeze_wallet(s.admin, "bola@bank.test", r))

for ref in ["DEP-0000000000", "", None, "nonsense", "TRF-0000000000-D"]:
    case(f"confirm {ref!r}", E.NotFound, lambda s, r=ref: s.pf.confirm_deposit(s.teller, r))
    case(f"reject {ref!r}", E.NotFound, lambda s, r=ref: s.pf.reject_deposit(s.teller, r, "why"))
    case(f"get transaction {ref!r}", E.NotFound, lambda s, r=ref: s.pf.get_transaction(s.ada, r))
case("confirm a confirmed deposit", E.AlreadyProcessed, lambda s: s.pf.confirm_deposit(s.teller, s.done))
case("reject a confirmed deposit", E.AlreadyProcessed, lambda s: s.pf.reject_deposit(s.teller, s.done, "x"))

for role in ["", "SUPERUSER", "root", None, "adm"]:
    case(f"create_user role {role!r}", E.InvalidInput,
         lambda s, r=role: s.pf.create_user(s.admin, "new@bank.test", "New", PASSWORD, r))
    case(f"change_role to {role!r}", E.InvalidInput,
         lambda s, r=role: s.pf.change_role(s.admin, "bola@bank.test", r))
case("list users role", E.InvalidInput, lambda s: s.pf.list_users(s.admin, role="GOD"))
case("list users status", E.InvalidInput, lambda s: s.pf.list_users(s.admin, status="ASLEEP"))
case("change to the same role", E.Conflict, lambda s: s.pf.change_role(s.admin, "bola@bank.test", "USER"))
case("demote oneself", E.PermissionDenied, lambda s: s.pf.change_role(s.admin, "admin@bank.test", "USER"))
case("disable oneself", E.PermissionDenied, lambda s: s.pf.disable_user(s.admin, "admin@bank.test"))
case("unlock an unlocked user", E.Conflict, lambda s: s.pf.unlock_user(s.admin, "bola@bank.test"))
case("unfreeze an unfrozen wallet", E.Conflict, lambda s: s.pf.unfreeze_wallet(s.admin, "bola@bank.test"))
case("enable an enabled user", E.Conflict, lambda s: s.pf.enable_user(s.admin, "bola@bank.test"))

for key in ["", "   ", "k" * 201]:
    case(f"deposit key {key!r:.10}", E.InvalidInput, lambda s, k=key: s.pf.request_deposit(s.ada, 100, key=k))
    case(f"withdraw key {key!r:.10}", E.InvalidInput, lambda s, k=key: s.pf.withdraw(s.ada, 100, key=k))
    case(f"transfer key {key!r:.10}", E.InvalidInput,
         lambda s, k=key: s.pf.transfer(s.ada, "bola@bank.test", 100, key=k))
case("used key other amount", E.IdempotencyConflict, lambda s: s.pf.request_deposit(s.ada, 2_001, key="used-key"))
case("used key other operation", E.IdempotencyConflict, lambda s: s.pf.withdraw(s.ada, 2_000, key="used-key"))
case("sent key other recipient", E.IdempotencyConflict,
     lambda s: s.pf.transfer(s.ada, "teller@bank.test", 3_000, key="sent-key"))

for limit in [0, -1, 10_001, True, "5", 2.5, None]:
    case(f"history limit {limit!r}", E.InvalidInput, lambda s, n=limit: s.pf.history(s.ada, limit=n))
    case(f"all transactions limit {limit!r}", E.InvalidInput,
         lambda s, n=limit: s.pf.all_transactions(s.admin, limit=n))
    case(f"audit limit {limit!r}", E.InvalidInput, lambda s, n=limit: s.pf.audit_entries(s.admin, limit=n))
    case(f"pending limit {limit!r}", E.InvalidInput, lambda s, n=limit: s.pf.pending_deposits(s.teller, limit=n))
    case(f"users limit {limit!r}", E.InvalidInput, lambda s, n=limit: s.pf.list_users(s.admin, limit=n))
for cursor in ["x", -1, True, 2.5]:
    case(f"history cursor {cursor!r}", E.InvalidInput, lambda s, c=cursor: s.pf.history(s.ada, before_id=c))
    case(f"all transactions cursor {cursor!r}", E.InvalidInput,
         lambda s, c=cursor: s.pf.all_transactions(s.admin, before_id=c))
    case(f"audit cursor {cursor!r}", E.InvalidInput, lambda s, c=cursor: s.pf.audit_entries(s.admin, before_id=c))
    case(f"pending cursor {cursor!r}", E.InvalidInput,
         lambda s, c=cursor: s.pf.pending_deposits(s.teller, after_id=c))
    case(f"users cursor {cursor!r}", E.InvalidInput, lambda s, c=cursor: s.pf.list_users(s.admin, after_id=c))
for date in ["2026-01-01", 20260101]:
    case(f"history date_from {date!r}", E.InvalidInput, lambda s, d=date: s.pf.history(s.ada, date_from=d))
    case(f"history date_to {date!r}", E.InvalidInput, lambda s, d=date: s.pf.history(s.ada, date_to=d))
    case(f"audit date_from {date!r}", E.InvalidInput, lambda s, d=date: s.pf.audit_entries(s.admin, date_from=d))
case("history type", E.InvalidInput, lambda s: s.pf.history(s.ada, type="REFUND"))
case("history status", E.InvalidInput, lambda s: s.pf.history(s.ada, status="LOST"))
case("history dates reversed", E.InvalidInput,
     lambda s: s.pf.history(s.ada, date_from=START, date_to=START - timedelta(days=1)))

for memo in ["m" * 141]:
    case("deposit memo too long", E.InvalidInput, lambda s, m=memo: s.pf.request_deposit(s.ada, 100, memo=m))
    case("withdraw memo too long", E.InvalidInput, lambda s, m=memo: s.pf.withdraw(s.ada, 100, memo=m))
    case("transfer memo too long", E.InvalidInput,
         lambda s, m=memo: s.pf.transfer(s.ada, "bola@bank.test", 100, memo=m))

for key, value in [("nonsense", "1"), ("", "1"), ("sandbox", "0"), ("clock_offset_seconds", "99"),
                   ("idle_timeout_minutes", "0"), ("idle_timeout_minutes", "abc"),
                   ("idle_timeout_minutes", "²"), ("idle_timeout_minutes", "١٥"), ("idle_timeout_minutes", "-5"),
                   ("idle_timeout_minutes", "1441"), ("max_amount_minor", "0"),
                   ("max_amount_minor", "9" * 30), ("deposit_expiry_hours", " "), ("lockout_threshold", "1.5"),
                   ("registration_open", "yes"), ("timezone", "Mars/Olympus"), ("timezone", "/etc/passwd"),
                   ("timezone", "a" * 1000), ("support_contact", ""), ("support_contact", "s" * 201),
                   ("idle_timeout_minutes", None)]:
    case(f"setting {key!r}={value!r:.12}", E.InvalidInput,
         lambda s, k=key, v=value: s.pf.set_setting(s.admin, k, v))

for by in ["", "5x", "-1d", "0d", "1.5d", "d", "99999999999999d", "٣d", timedelta(0), timedelta(days=-1),
           timedelta(milliseconds=10), 5, None, "36601d"]:
    case(f"advance clock {by!r:.20}", E.InvalidInput, lambda s, b=by: s.pf.advance_clock(s.admin, b))

MALFORMED_CSV = ["", "email,amount\nbola@bank.test,1\n", "email,amount,reference\n",
                 "email,amount,reference\nbola@bank.test,1,R\nbola@bank.test,2,R\n",
                 'email,amount,reference\n"bola@bank.test,1,R\n', "email,amount,reference\nb@b.test,1,R\x00\n"]
for i, text in enumerate(MALFORMED_CSV):
    case(f"malformed csv {i}", E.InvalidInput, lambda s, t=text: s.pf.bulk_transfer(s.ada, t))
case("csv of only bad amounts", None,
     lambda s: s.pf.bulk_transfer(s.ada, "email,amount,reference\nbola@bank.test,zero,Z1\nbola@bank.test,-1,Z2\n"))


@pytest.mark.parametrize("name", CASES)
def test_a_refused_input_changes_nothing(shop, name):
    error, fn = CASES[name]
    before = db_checksum(shop.path)
    if error is None:
        summary = fn(shop)
        assert summary.sent == []
    else:
        with pytest.raises(error):
            fn(shop)
    assert db_checksum(shop.path) == before


def test_there_are_many_cases():
    assert len(CASES) >= 200


def test_the_checksum_does_see_a_change(shop):
    before = db_checksum(shop.path)
    shop.pf.request_deposit(shop.ada, 100)
    assert db_checksum(shop.path) != before
