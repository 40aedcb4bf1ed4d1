"""The role matrix, every cell: each public operation x who acts for whom.

The table mirrors the README's matrix:
  USER   - their own wallet only.
  TELLER - requests, confirms and rejects deposits and withdrawals for account
           holders and looks account holders up; never for their own deposits or
           for staff; no user admin, freezes, roles, settings, clock, audit or
           all-transactions view. From their own wallet they act as any customer.
  ADMIN  - everything.

Columns (actor -> subject):
  USER_OWN      ada (USER) on her own wallet
  USER_OTHER    ada on bola's (another USER's)
  TELLER_USER   a teller for ada (an account holder)
  TELLER_STAFF  a teller for another teller (staff)
  TELLER_OWN    a teller on their own wallet (their own deposit, for confirm/reject)
  ADMIN_USER    an admin for ada
  ADMIN_STAFF   an admin for a teller
Cells: allow; deny (PERMISSION_DENIED, and the database unchanged); hidden
(allowed, but the subject is left out of the list); "-" where the operation
cannot name that subject at all (a transfer always leaves the caller's own wallet).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, START
from tests.ledger_helpers import CHEAP_HASHER, db_checksum, lock_out, ram_db_path  # noqa: F401 - db_path in RAM
from payflow_tui.clock import FrozenClock
from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E

MATRIX = """
operation           USER_OWN  USER_OTHER  TELLER_USER  TELLER_STAFF  TELLER_OWN  ADMIN_USER  ADMIN_STAFF
request_deposit     allow     deny        allow        deny          allow       allow       allow
confirm_deposit     deny      deny        allow        deny          deny        allow       allow
reject_deposit      deny      deny        allow        deny          deny        allow       allow
pending_deposits    deny      deny        allow        hidden        hidden      allow       allow
withdraw            allow     deny        allow        deny          allow       allow       allow
transfer            allow     -           -            -             allow       allow       -
bulk_transfer       allow     -           -            -             allow       allow       -
recipient_preview   allow     -           -            -             allow       allow       -
wallet              allow     deny        allow        deny          allow       allow       allow
balance             allow     deny        allow        deny          allow       allow       allow
history             allow     deny        allow        deny          allow       allow       allow
get_transaction     allow     deny        allow        deny          allow       allow       allow
get_user            allow     deny        allow        deny          allow       allow       allow
list_users          deny      deny        allow        hidden        hidden      allow       allow
change_password     allow     -           -            -             allow       allow       -
logout              allow     -           -            -             allow       allow       -
all_transactions    deny      deny        deny         deny          deny        allow       allow
audit_entries       deny      deny        deny         deny          deny        allow       allow
freeze_wallet       deny      deny        deny         deny          deny        allow       allow
unfreeze_wallet     deny      deny        deny         deny          deny        allow       allow
unlock_user         deny      deny        deny         deny          deny        allow       allow
disable_user        deny      deny        deny         deny          deny        allow       allow
enable_user         deny      deny        deny         deny          deny        allow       allow
change_role         deny      deny        deny         deny          deny        allow       allow
create_user         deny      deny        deny         deny          -           allow       allow
get_settings        deny      -           deny         -             -           allow       -
set_setting         deny      -           deny         -             -           allow       -
advance_clock       deny      -           deny         -             -           allow       -
"""

# Public operations that take no session: anyone may call them (or they are the login itself).
SESSIONLESS = {
    "login", "register", "create_first_admin", "has_admin", "registration_open", "verify",
    "expire_pending_deposits", "clock_info", "now", "is_sandbox", "parse_amount", "session_alive",
    "open", "close", "data_version", "timezone_name", "unattended", "editable_settings", "amount_limit",
    "activity_marker",
}

COLUMNS = {
    # column: (actor, subject)
    "USER_OWN": ("ada", "ada"),
    "USER_OTHER": ("ada", "bola"),
    "TELLER_USER": ("teller", "ada"),
    "TELLER_STAFF": ("teller", "teller2"),
    "TELLER_OWN": ("teller", "teller"),
    "ADMIN_USER": ("admin", "ada"),
    "ADMIN_STAFF": ("admin", "teller2"),
}


def parse_matrix(text: str) -> dict[str, dict[str, str]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header = lines[0][1:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in lines[1:]}


EXPECTED = parse_matrix(MATRIX)


@dataclass
class Person:
    email: str
    role: str
    session: object = None
    pending: str = ""   # a PENDING deposit into their wallet
    tx: str = ""        # a settled withdrawal from their wallet


class World:
    """A sandbox bank where everyone has money, a pending deposit and a past withdrawal."""

    def __init__(self, path) -> None:
        self.clock = FrozenClock(START)
        self.path = path
        self.pf = PayFlow.open(path, clock=self.clock, password_hasher=CHEAP_HASHER, sandbox=True)
        pf = self.pf
        pf.create_first_admin("admin@bank.test", "Ada Admin", PASSWORD)
        admin = pf.login("admin@bank.test", PASSWORD)
        self.people = {"admin": Person("admin@bank.test", "ADMIN", admin)}
        for key, role in (("teller", "TELLER"), ("teller2", "TELLER"), ("ada", "USER"), ("bola", "USER")):
            email = f"{key}@bank.test"
            pf.create_user(admin, email, key.title(), PASSWORD, role)
            self.people[key] = Person(email, role, pf.login(email, PASSWORD))
        for person in self.people.values():
            pf.confirm_deposit(admin, pf.request_deposit(person.session, 100_000).reference)
            person.tx = pf.withdraw(person.session, 1_000).reference
            person.pending = pf.request_deposit(person.session, 5_000).reference

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


def _bulk(pf, actor, subj, w):
    return pf.bulk_transfer(actor.session, f"email,amount,reference\n{_payee(actor, w).email},10,B1\n")


def _payee(actor: Person, w: World) -> Person:
    return w["bola"] if actor.email != "bola@bank.test" else w["ada"]


# Each operation: (prepare(w, actor, subject) or None, call(pf, actor, subject, w), check(w, actor, subject, result)).
OPERATIONS = {
    "request_deposit": (None, lambda pf, a, s, w: pf.request_deposit(a.session, 2_000, for_email=s.email),
                        lambda w, a, s, r: r.owner_email == s.email and r.status == "PENDING"),
    "confirm_deposit": (None, lambda pf, a, s, w: pf.confirm_deposit(a.session, s.pending),
                        lambda w, a, s, r: r.status == "SUCCESS"
                        and w.pf.balance(w["admin"].session, for_email=s.email) == 104_000),
    "reject_deposit": (None, lambda pf, a, s, w: pf.reject_deposit(a.session, s.pending, "no cash"),
                       lambda w, a, s, r: r.status == "FAILED" and r.failure_code == "REJECTED"),
    "pending_deposits": (None, lambda pf, a, s, w: pf.pending_deposits(a.session),
                         lambda w, a, s, r: s.pending in {t.reference for t in r.items}),
    "withdraw": (None, lambda pf, a, s, w: pf.withdraw(a.session, 3_000, for_email=s.email),
                 lambda w, a, s, r: r.status == "SUCCESS"
                 and w.pf.balance(w["admin"].session, for_email=s.email) == 96_000),
    "transfer": (None, lambda pf, a, s, w: pf.transfer(a.session, _payee(a, w).email, 3_000),
                 lambda w, a, s, r: r.balance_after == 96_000),
    "bulk_transfer": (None, _bulk, lambda w, a, s, r: [x.status for x in r.rows] == ["SENT"]),
    "recipient_preview": (None, lambda pf, a, s, w: pf.recipient_preview(a.session, _payee(a, w).email),
                          lambda w, a, s, r: r["email"] == _payee(a, w).email),
    "wallet": (None, lambda pf, a, s, w: pf.wallet(a.session, for_email=s.email),
               lambda w, a, s, r: r.owner_email == s.email and r.balance == 99_000),
    "balance": (None, lambda pf, a, s, w: pf.balance(a.session, for_email=s.email),
                lambda w, a, s, r: r == 99_000),
    "history": (None, lambda pf, a, s, w: pf.history(a.session, for_email=s.email),
                lambda w, a, s, r: {t.owner_email for t in r.items} == {s.email} and len(r.items) == 3),
    "get_transaction": (None, lambda pf, a, s, w: pf.get_transaction(a.session, s.tx),
                        lambda w, a, s, r: r.reference == s.tx and r.owner_email == s.email),
    "get_user": (None, lambda pf, a, s, w: pf.get_user(a.session, s.email),
                 lambda w, a, s, r: r.email == s.email),
    "list_users": (None, lambda pf, a, s, w: pf.list_users(a.session),
                   lambda w, a, s, r: s.email in {u.email for u in r.items}),
    "change_password": (None, lambda pf, a, s, w: pf.change_password(a.session, PASSWORD, "another-password-1"),
                        lambda w, a, s, r: w.pf.login(a.email, "another-password-1") is not None),
    "logout": (None, lambda pf, a, s, w: pf.logout(a.session),
               lambda w, a, s, r: not w.pf.session_alive(a.session)),
    "all_transactions": (None, lambda pf, a, s, w: pf.all_transactions(a.session, email=s.email),
                         lambda w, a, s, r: {t.owner_email for t in r.items} == {s.email}),
    "audit_entries": (None, lambda pf, a, s, w: pf.audit_entries(a.session, subject_email=s.email),
                      lambda w, a, s, r: {e["subject"] for e in r.items} == {s.email}),
    "freeze_wallet": (None, lambda pf, a, s, w: pf.freeze_wallet(a.session, s.email, "review"),
                      lambda w, a, s, r: r.frozen and r.owner_email == s.email),
    "unfreeze_wallet": (lambda w, a, s: w.pf.freeze_wallet(w["admin"].session, s.email, "review"),
                        lambda pf, a, s, w: pf.unfreeze_wallet(a.session, s.email),
                        lambda w, a, s, r: not r.frozen),
    "unlock_user": (lambda w, a, s: a is not s and lock_out(w.pf, s.email),
                    lambda pf, a, s, w: pf.unlock_user(a.session, s.email),
                    lambda w, a, s, r: r.status == "ACTIVE" and w.pf.login(s.email, PASSWORD) is not None),
    "disable_user": (None, lambda pf, a, s, w: pf.disable_user(a.session, s.email),
                     lambda w, a, s, r: r.status == "DISABLED"),
    "enable_user": (lambda w, a, s: a is not s and w.pf.disable_user(w["admin"].session, s.email),
                    lambda pf, a, s, w: pf.enable_user(a.session, s.email),
                    lambda w, a, s, r: r.status == "ACTIVE"),
    "change_role": (None, lambda pf, a, s, w: pf.change_role(a.session, s.email,
                                                             "TELLER" if s.role == "USER" else "USER"),
                    lambda w, a, s, r: r.role != s.role),
    "create_user": (None, lambda pf, a, s, w: pf.create_user(a.session, "new@bank.test", "New", PASSWORD, s.role),
                    lambda w, a, s, r: r.role == s.role and w.pf.login("new@bank.test", PASSWORD) is not None),
    "get_settings": (None, lambda pf, a, s, w: pf.get_settings(a.session),
                     lambda w, a, s, r: r["idle_timeout_minutes"] == "15"),
    "set_setting": (None, lambda pf, a, s, w: pf.set_setting(a.session, "support_contact", "call 0700"),
                    lambda w, a, s, r: w.pf.get_settings(w["admin"].session)["support_contact"] == "call 0700"),
    "advance_clock": (None, lambda pf, a, s, w: pf.advance_clock(a.session, "2h"),
                      lambda w, a, s, r: r == START + timedelta(hours=2)),
}

CASES = [
    pytest.param(op, column, outcome, id=f"{op}-{column}-{outcome}")
    for op, row in EXPECTED.items() for column, outcome in row.items() if outcome != "-"
]


@pytest.mark.parametrize("op, column, outcome", CASES)
def test_role_matrix(db_path, op, column, outcome):
    w = World(db_path)
    try:
        actor_key, subject_key = COLUMNS[column]
        actor, subject = w[actor_key], w[subject_key]
        prepare, call, check = OPERATIONS[op]
        if prepare:
            prepare(w, actor, subject)
        if outcome == "deny":
            before = db_checksum(w.path)
            with pytest.raises(E.PermissionDenied):
                call(w.pf, actor, subject, w)
            assert db_checksum(w.path) == before
        else:
            result = call(w.pf, actor, subject, w)
            shown = check(w, actor, subject, result)
            assert shown if outcome == "allow" else not shown
    finally:
        w.pf.close()


def test_the_matrix_covers_every_public_operation():
    from payflow_tui.services import facade

    core = [facade.PayFlow, *facade.PayFlow.__mro__]
    core = [c for c in core if c.__module__.startswith("payflow_tui.services.")
            and c.__module__.rsplit(".", 1)[1] in {"facade", "base", "auth", "deposits", "payments", "bulk",
                                                    "admin", "queries", "sandbox", "integrity"}]
    public = {name for cls in core for name, value in vars(cls).items()
              if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, classmethod))}
    assert public - SESSIONLESS == set(EXPECTED)
    assert set(OPERATIONS) == set(EXPECTED)


def test_every_row_allows_the_admin_and_every_cell_is_known():
    for op, row in EXPECTED.items():
        assert row["ADMIN_USER"] == "allow", op
        assert set(row.values()) <= {"allow", "deny", "hidden", "-"}, op
    assert len(CASES) >= 150


def test_a_denial_is_permission_denied_with_exit_code_three():
    assert E.PermissionDenied("x").code == "PERMISSION_DENIED"
    assert E.PermissionDenied("x").exit_code == 3


def test_a_teller_never_sees_staff_in_lists(db_path):
    w = World(db_path)
    try:
        teller = w["teller"].session
        assert {u.role for u in w.pf.list_users(teller).items} == {"USER"}
        assert {u.role for u in w.pf.list_users(teller, role="TELLER").items} == set()
        owners = {t.owner_email for t in w.pf.pending_deposits(teller).items}
        assert owners == {"ada@bank.test", "bola@bank.test"}
    finally:
        w.pf.close()
