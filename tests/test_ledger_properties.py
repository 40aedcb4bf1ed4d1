"""A stateful property test: random sequences of money operations against a simple model.

After every step: each journal entry sums to zero; each wallet balance equals the
sum of its postings and is >= 0; money in wallets equals confirmed deposits minus
successful withdrawals; no SUCCESS transaction lacks postings; the balances are
the model's; and a replay with the same key changes nothing.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from tests.conftest import FAST_HASHER, PASSWORD, START
from tests.ledger_helpers import counts, ledger_problems
from payflow_tui.clock import FrozenClock
from payflow_tui.services import PayFlow
from payflow_tui.services import errors as E

USERS = ("u0", "u1", "u2")
KEYS = st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3", "k4"]))
AMOUNTS = st.integers(min_value=1, max_value=300_000)


def email(user: str) -> str:
    return f"{user}@bank.test"


def _scratch_folder(prefix: str) -> Path:
    shm = Path("/dev/shm")
    return Path(tempfile.mkdtemp(prefix=prefix, dir=shm if shm.is_dir() else None))


_TEMPLATE: list[Path] = []


def bank_template() -> Path:
    """The users, made once per process: each machine starts from a copy and only logs in."""
    if not _TEMPLATE:
        path = _scratch_folder("payflow-prop-template-") / "template.db"
        pf = PayFlow.open(path, clock=FrozenClock(START), password_hasher=FAST_HASHER)
        pf.create_first_admin("admin@bank.test", "Admin", PASSWORD)
        admin = pf.login("admin@bank.test", PASSWORD)
        pf.create_user(admin, "teller@bank.test", "Teller", PASSWORD, "TELLER")
        for user in USERS:
            pf.create_user(admin, email(user), user.upper(), PASSWORD)
        # The model knows no fraud rules: a fourth refused payment within ten minutes
        # would lock its sender (the rule has its own tests).
        pf.set_rule(admin, "REPEATED_FAILURES", enabled=False)
        pf.close()  # the last connection closing folds the WAL into the file
        atexit.register(shutil.rmtree, path.parent, True)
        _TEMPLATE.append(path)
    return _TEMPLATE[0]


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def open_bank(self):
        self.folder = _scratch_folder("payflow-prop-")
        self.path = self.folder / "ledger.db"
        shutil.copyfile(bank_template(), self.path)
        self.pf = PayFlow.open(self.path, clock=FrozenClock(START), password_hasher=FAST_HASHER)
        pf = self.pf
        self.admin = pf.login("admin@bank.test", PASSWORD)
        self.teller = pf.login("teller@bank.test", PASSWORD)
        self.sessions = {user: pf.login(email(user), PASSWORD) for user in USERS}
        self.balance = {u: 0 for u in USERS}
        self.frozen: set[str] = set()
        self.pending: list[tuple[str, str, int]] = []     # (reference, user, amount)
        self.settled: list[str] = []                      # deposit references no longer pending
        # (actor, key) -> (operation, params, outcome): outcome is ("ok", result id) or ("err", code)
        self.keys: dict[tuple[str, str], tuple[str, tuple, tuple]] = {}
        self.replays: list[tuple[str, str]] = []

    def teardown(self):
        if hasattr(self, "pf"):
            self.pf.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the model's view of keys ---------------------------------------------------------

    def _keyed(self, actor, key, op, params):
        """What the model expects of a keyed call: None (first use), the stored outcome, or a conflict."""
        if key is None:
            return None
        stored = self.keys.get((actor, key))
        if stored is None:
            return None
        if stored[0] != op or stored[1] != params:
            return ("err", "IDEMPOTENCY_CONFLICT")
        return stored[2]

    def _remember(self, actor, key, op, params, outcome):
        if key is not None and (actor, key) not in self.keys:
            self.keys[(actor, key)] = (op, params, outcome)
            self.replays.append((actor, key))

    def _session(self, actor):
        return {"teller": self.teller, "admin": self.admin}.get(actor) or self.sessions[actor]

    def _call(self, fn):
        try:
            return ("ok", fn()), None
        except E.PayFlowError as exc:
            return ("err", exc.code), exc

    # -- rules --------------------------------------------------------------------------------

    @rule(user=st.sampled_from(USERS), by_teller=st.booleans(), amount=AMOUNTS, key=KEYS)
    def request_deposit(self, user, by_teller, amount, key):
        actor = "teller" if by_teller else user
        params = (amount, user)
        expected = self._keyed(actor, key, "deposit", params)
        before = counts(self.path)
        outcome, _ = self._call(lambda: self.pf.request_deposit(
            self._session(actor), amount, for_email=email(user) if by_teller else None, key=key))
        if expected is not None:
            got = (outcome[0], outcome[1].reference if outcome[0] == "ok" else outcome[1])
            assert got == expected
            assert counts(self.path) == before
            return
        assert outcome[0] == "ok", outcome
        tx = outcome[1]
        assert tx.status == "PENDING" and tx.owner_email == email(user)
        self.pending.append((tx.reference, user, amount))
        self._remember(actor, key, "deposit", params, ("ok", tx.reference))

    @precondition(lambda self: self.pending)
    @rule(i=st.integers(min_value=0, max_value=1_000), confirm=st.booleans())
    def settle_deposit(self, i, confirm):
        reference, user, amount = self.pending[i % len(self.pending)]
        if confirm:
            outcome, _ = self._call(lambda: self.pf.confirm_deposit(self.teller, reference))
            if user in self.frozen:
                assert outcome == ("err", "WALLET_FROZEN")
                return
            assert outcome[0] == "ok" and outcome[1].status == "SUCCESS"
            self.balance[user] += amount
        else:
            outcome, _ = self._call(lambda: self.pf.reject_deposit(self.teller, reference, "random rejection"))
            assert outcome[0] == "ok" and outcome[1].status == "FAILED"
        self.pending.remove((reference, user, amount))
        self.settled.append(reference)

    @precondition(lambda self: self.settled)
    @rule(i=st.integers(min_value=0, max_value=1_000), confirm=st.booleans())
    def settle_again(self, i, confirm):
        reference = self.settled[i % len(self.settled)]
        before = counts(self.path)
        if confirm:
            outcome, _ = self._call(lambda: self.pf.confirm_deposit(self.teller, reference))
        else:
            outcome, _ = self._call(lambda: self.pf.reject_deposit(self.teller, reference, "again"))
        assert outcome == ("err", "ALREADY_PROCESSED")
        assert counts(self.path) == before

    @rule(user=st.sampled_from(USERS), amount=AMOUNTS, key=KEYS)
    def withdraw(self, user, amount, key):
        params = (amount,)
        expected = self._keyed(user, key, "withdraw", params)
        before = counts(self.path)
        outcome, _ = self._call(lambda: self.pf.withdraw(self.sessions[user], amount, key=key))
        got = (outcome[0], outcome[1].reference if outcome[0] == "ok" else outcome[1])
        if expected is not None:
            assert got == expected
            assert counts(self.path) == before
            return
        if user in self.frozen:
            assert got == ("err", "WALLET_FROZEN")
        elif self.balance[user] < amount:
            assert got == ("err", "INSUFFICIENT_FUNDS")
        else:
            assert got[0] == "ok"
            self.balance[user] -= amount
        # A refused but well-formed request is recorded as a FAILED row; a success as one row too.
        assert counts(self.path)["transactions"] == before["transactions"] + 1
        self._remember(user, key, "withdraw", params, got)

    @rule(sender=st.sampled_from(USERS), recipient=st.sampled_from(USERS), amount=AMOUNTS, key=KEYS)
    def transfer(self, sender, recipient, amount, key):
        params = (recipient, amount)
        expected = self._keyed(sender, key, "transfer", params)
        before = counts(self.path)
        outcome, _ = self._call(lambda: self.pf.transfer(self.sessions[sender], email(recipient), amount, key=key))
        got = (outcome[0], outcome[1].transfer_ref if outcome[0] == "ok" else outcome[1])
        if expected is not None:
            assert got == expected
            assert counts(self.path) == before
            return
        if sender == recipient:
            assert got == ("err", "SAME_WALLET")
        elif self.frozen & {sender, recipient}:
            assert got == ("err", "WALLET_FROZEN")
        elif self.balance[sender] < amount:
            assert got == ("err", "INSUFFICIENT_FUNDS")
        else:
            assert got[0] == "ok"
            assert outcome[1].balance_after == self.balance[sender] - amount
            self.balance[sender] -= amount
            self.balance[recipient] += amount
        rows = 2 if got[0] == "ok" else 1
        assert counts(self.path)["transactions"] == before["transactions"] + rows
        self._remember(sender, key, "transfer", params, got)

    @precondition(lambda self: self.replays)
    @rule(i=st.integers(min_value=0, max_value=1_000))
    def replay(self, i):
        actor, key = self.replays[i % len(self.replays)]
        op, params, outcome = self.keys[(actor, key)]
        session = self._session(actor)
        before, balances = counts(self.path), dict(self.balance)
        if op == "deposit":
            amount, user = params
            result, _ = self._call(lambda: self.pf.request_deposit(
                session, amount, for_email=email(user) if actor == "teller" else None, key=key))
            got = (result[0], result[1].reference if result[0] == "ok" else result[1])
        elif op == "withdraw":
            result, _ = self._call(lambda: self.pf.withdraw(session, params[0], key=key))
            got = (result[0], result[1].reference if result[0] == "ok" else result[1])
        else:
            recipient, amount = params
            result, _ = self._call(lambda: self.pf.transfer(session, email(recipient), amount, key=key))
            got = (result[0], result[1].transfer_ref if result[0] == "ok" else result[1])
        assert got == outcome
        assert counts(self.path) == before
        assert self.balance == balances

    @rule(user=st.sampled_from(USERS))
    def toggle_freeze(self, user):
        if user in self.frozen:
            self.pf.unfreeze_wallet(self.admin, email(user))
            self.frozen.discard(user)
        else:
            self.pf.freeze_wallet(self.admin, email(user), "random freeze")
            self.frozen.add(user)

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def ledger_is_whole(self):
        if not hasattr(self, "pf"):
            return
        assert ledger_problems(self.path) == []
        assert self.pf.verify().problems == []

    @invariant()
    def balances_match_the_model(self):
        if not hasattr(self, "pf"):
            return
        actual = {u: self.pf.balance(self.admin, for_email=email(u)) for u in USERS}
        assert actual == self.balance
        assert self.pf.balance(self.teller) == 0 and self.pf.balance(self.admin) == 0


LedgerMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_ledger_state_machine = LedgerMachine.TestCase
