"""The demo's simulation: people sign up, ask for deposits, pay and withdraw; tellers settle.

Operations are made in time order. Pending deposits wait in a heap until a
teller confirms or rejects them (or they expire), so a balance is only ever
spent after it arrived, exactly as the services would allow. Journal and
audit hashes chain in the same order, computed as services/chain computes them.

The builder never touches the database: it starts from a ``DemoStart`` read
inside the demo's transaction and hands its rows, a batch at a time, to
``emit`` (which writes them, or sends them to the process that does).
"""

from __future__ import annotations

import hashlib
import heapq
import json
from bisect import bisect_right
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from ..money import format_amount
from . import demo_people as P
from .chain import audit_hash, journal_hash

WINDOW_DAYS = 90
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MIN = 60_000_000  # times are integer microseconds since 1970
_HOUR = 60 * _MIN
_DAY = 24 * _HOUR
_NAIRA = 100
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as services/ledger.new_reference
_REF_PAIRS = [a + b for a in _REF_ALPHABET for b in _REF_ALPHABET]
_OPS_PER_BATCH = 20_000
# What ServiceBase._audit passes to json.dumps for the details, built once.
_DETAILS = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _us(dt: datetime) -> int:
    return (dt - _EPOCH) // timedelta(microseconds=1)


def _fast_journal_hash(prev: str, entry_id: int, kind: str, description: str, at: str,
                       a: tuple[int, int], b: tuple[int, int]) -> str:
    """chain.journal_hash for two legs and plain-ASCII text, without json.dumps.

    The builder uses it only after checking that it gives chain.journal_hash's
    answer; if chain.py ever changes its form, the builder falls back to it.
    """
    if b < a:
        a, b = b, a
    text = f'["{prev}",{entry_id},"{kind}","{description}","{at}",[[{a[0]},{a[1]}],[{b[0]},{b[1]}]]]'
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class DemoStart:
    """Where the demo's rows continue from: the database as the demo's transaction found it."""

    now: datetime
    password_hash: str
    settings: dict
    cash_account: int
    last_entry: tuple[int, str]  # id and hash of the last journal entry
    last_audit: tuple[int, str]
    last_ids: dict  # table -> the largest id in it
    emails: set


class DemoBuilder:
    def __init__(self, start: DemoStart, rng, emit: Callable[[tuple], None]) -> None:
        self.rng, self.password_hash, self.emit = rng, start.password_hash, emit
        self.start_state = start
        settings = start.settings
        self.now = _us(start.now)
        self.start = self.now - WINDOW_DAYS * _DAY
        self.currency = settings["default_currency"]
        self.expiry_hours = int(settings["deposit_expiry_hours"])
        self.ceiling = int(settings["max_amount_minor"])
        # Money leaving a wallet stays under the two-factor step-up threshold (when that
        # feature is installed): demo users have no authenticator, so the services would
        # refuse them anything larger.
        step_up = int(settings.get("step_up_threshold_minor") or 0)
        self.max_out_naira = max(1, (min(self.ceiling, step_up - 1 if step_up > 0 else self.ceiling)) // _NAIRA)
        self.cash = start.cash_account
        self.entry_id, self.entry_prev = start.last_entry
        self.audit_id, self.audit_prev = start.last_audit
        self.audit_written = 0
        self.tx_id = start.last_ids["transactions"]
        self.dates: dict[int, str] = {}
        self.last_t, self.last_iso = None, ""
        self.journal: list[tuple] = []
        self.postings: list[tuple] = []
        self.audit: list[tuple] = []
        self.rows: deque[list] = deque()
        self.unsettled: set[int] = set()
        self.events: list[tuple] = []  # heap of (time, seq, handler, args)
        self.seq = 0
        self.counts: Counter = Counter()
        self.written = 0
        probe = ("0" * 64, 7, "TRANSFER", "Transfer TRF-0123456789", "2026-01-01T00:00:00.000000+00:00")
        legs = [(12, 500), (3, -500)]
        same = _fast_journal_hash(*probe, *legs) == journal_hash(*probe, legs)
        self.fast_hash = same
        self._hour_weights()

    # -- times, references, rows, entries, audit -------------------------------------------------

    def iso(self, t: int) -> str:
        """clock.to_iso for integer microseconds, without building datetimes."""
        if t == self.last_t:
            return self.last_iso
        days, rem = divmod(t, _DAY)
        day = self.dates.get(days)
        if day is None:
            day = self.dates[days] = date.fromordinal(_EPOCH_ORDINAL + days).isoformat()
        sec, micro = divmod(rem, 1_000_000)
        hour, sec = divmod(sec, 3600)
        minute, sec = divmod(sec, 60)
        self.last_t, self.last_iso = t, f"{day}T{hour:02d}:{minute:02d}:{sec:02d}.{micro:06d}+00:00"
        return self.last_iso

    def plan_references(self, count: int) -> None:
        # The first 25 bits count up (unique, and index inserts stay at the end of the
        # b-tree instead of landing on random pages); the last 25 bits are random.
        self.ref_step = max(1, (1 << 25) // (count + 1))
        self.ref_top = self.rng.randrange((1 << 25) - self.ref_step * (count + 1) + 1)

    def reference(self, prefix: str) -> str:
        x = (self.ref_top << 25) | self.rng.getrandbits(25)
        self.ref_top += self.ref_step
        p = _REF_PAIRS
        return f"{prefix}-{p[x >> 40]}{p[(x >> 30) & 1023]}{p[(x >> 20) & 1023]}{p[(x >> 10) & 1023]}{p[x & 1023]}"

    def entry(self, t: int, kind: str, description: str, a: tuple[int, int], b: tuple[int, int]) -> int:
        self.entry_id += 1
        at = self.iso(t)
        if self.fast_hash:
            digest = _fast_journal_hash(self.entry_prev, self.entry_id, kind, description, at, a, b)
        else:
            digest = journal_hash(self.entry_prev, self.entry_id, kind, description, at, [a, b])
        self.journal.append((self.entry_id, kind, description, at, self.entry_prev, digest))
        self.postings.append((self.entry_id, a[0], a[1]))
        self.postings.append((self.entry_id, b[0], b[1]))
        self.entry_prev = digest
        return self.entry_id

    def audit_row(self, t: int, action: str, actor: int | None, subject_user: int | None,
                  subject_wallet: int | None, **details: object) -> None:
        self.audit_id += 1
        self.audit_written += 1
        at = self.iso(t)
        details_s = _DETAILS.encode(details)
        digest = audit_hash(self.audit_prev, self.audit_id, at, actor, action, subject_user,
                            subject_wallet, details_s)
        self.audit.append((self.audit_id, at, actor, action, subject_user, subject_wallet, details_s,
                           self.audit_prev, digest))
        self.audit_prev = digest

    def tx_row(self, wallet: int, type_: str, direction: str, amount: int, status: str, reference: str,
               t: int, actor: int, transfer_ref=None, counterparty=None, memo=None,
               failure_code=None, failure_reason=None, entry=None) -> list:
        self.tx_id += 1
        at = self.iso(t)
        row = [self.tx_id, wallet, type_, direction, amount, self.currency, status, reference, transfer_ref,
               counterparty, memo, failure_code, failure_reason, entry, actor, at, at]
        self.rows.append(row)
        self.written += 1
        return row

    def flush(self, final: bool = False) -> None:
        ready = []
        # Rows go out in id order once settled; a pending deposit holds back the rows after it.
        rows, unsettled, counts = self.rows, self.unsettled, self.counts
        while rows and (final or rows[0][0] not in unsettled):
            row = rows.popleft()
            counts[(row[2], row[6])] += 1
            ready.append(row)
        self.emit(("rows", self.journal, self.postings, ready, self.audit))
        self.journal, self.postings, self.audit = [], [], []

    # -- the clock of the simulation ----------------------------------------------------------------

    def _hour_weights(self) -> None:
        """Cumulative activity per hour of the window: busy Lagos working hours,
        quiet nights, calmer weekends, and a bank that grows."""
        first_hour = self.start // _HOUR
        total, cum = 0.0, [0.0]
        hours = WINDOW_DAYS * 24
        for h in range(hours):
            local = (first_hour + h + 1) % 24  # West Africa Time is UTC+1
            weekday = ((first_hour + h + 1) // 24 + 3) % 7  # 1970-01-01 was a Thursday
            w = 0.12 if local < 6 else 0.6 if local < 9 else 1.3 if local < 18 else 0.9 if local < 22 else 0.35
            if weekday >= 5:
                w *= 0.7
            total += w * (1.0 + 0.6 * h / hours)
            cum.append(total)
        self.hour_cum = cum

    def time_at(self, fraction: float) -> int:
        cum = self.hour_cum
        target = fraction * cum[-1]
        h = min(bisect_right(cum, target) - 1, len(cum) - 2)
        part = (target - cum[h]) / ((cum[h + 1] - cum[h]) or 1.0)
        return self.start + int((h + part) * _HOUR)

    def at(self, t: int, handler, *args) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, self.seq, handler, args))

    def advance(self, t: int) -> None:
        """Run everything due by ``t``, in time order: sign-ups and settled deposits."""
        events, created = self.events, self.c_created
        while True:
            next_user = created[self.signed_up] if self.signed_up < len(created) else None
            next_event = events[0][0] if events else None
            if next_user is not None and next_user <= t and (next_event is None or next_user <= next_event):
                self.sign_up(self.signed_up)
                self.signed_up += 1
            elif next_event is not None and next_event <= t:
                when, _, handler, args = heapq.heappop(events)
                handler(when, *args)
            else:
                return

    # -- the run --------------------------------------------------------------------------------

    def build(self, users: int, transactions: int) -> dict:
        self.make_people(users)
        self.plan_references(transactions)
        target, rng, n = transactions, self.rng, 0
        while self.written < target:
            t = self.time_at((self.written + rng.random()) / target)
            self.advance(t)
            self.one_operation(t, target - self.written)
            n += 1
            if n % _OPS_PER_BATCH == 0:
                self.flush()
        self.advance(self.now)
        for k in range(self.signed_up, len(self.c_created)):
            self.sign_up(k)
        self.flush(final=True)
        return dict(
            users=users, tellers=len(self.tellers), admin_email=self.admin_email,
            teller_email=self.teller_email, transactions=self.written,
            journal_entries=self.entry_id, audit_rows=self.audit_written,
            first_at=_EPOCH + timedelta(microseconds=self.start),
            last_at=_EPOCH + timedelta(microseconds=self.now), by_type_status=dict(self.counts),
        )

    # -- people ---------------------------------------------------------------------------------

    def make_people(self, users: int) -> None:
        rng, ids = self.rng, self.start_state.last_ids
        self.taken = {e.lower() for e in self.start_state.emails}
        user_id, account_id, wallet_id = ids["users"], ids["ledger_accounts"], ids["wallets"]
        n_tellers = 1 if users < 20 else min(8, max(2, users // 250))
        n_customers = users - 1 - n_tellers
        staff_at = self.start - 30 * _DAY
        # An opening cohort before the window, then a steady flow of sign-ups over most of it.
        cohort = max(2, n_customers // 4)
        created = sorted(
            [self.start - rng.randrange(_DAY, 3 * _DAY) for _ in range(cohort)]
            + [self.start + rng.randrange(int(WINDOW_DAYS * 0.75 * _DAY)) for _ in range(n_customers - cohort)]
        )
        people = [("ADMIN", staff_at)] + [("TELLER", staff_at + (k + 1) * _HOUR) for k in range(n_tellers)]
        people += [("USER", t) for t in created]
        user_rows, account_rows, wallet_rows, staff = [], [], [], []
        self.tellers, self.c_user, self.c_wallet, self.c_account, weights = [], [], [], [], []
        self.frozen_at: dict[int, tuple[int, str]] = {}
        self.sign_up_info: list[tuple] = []
        for role, t in people:
            user_id += 1
            account_id += 1
            wallet_id += 1
            first, last = rng.choice(P.FIRST_NAMES), rng.choice(P.FAMILY_NAMES)
            if role == "ADMIN":
                email = self.unique_email("admin", P.STAFF_DOMAIN)
                self.admin_id, self.admin_email = user_id, email
            elif role == "TELLER":
                email = self.unique_email(f"{first}.{last}".lower().replace("'", ""), P.STAFF_DOMAIN)
                self.tellers.append(user_id)
            else:
                email = self.customer_email(first, last)
            at = self.iso(t)
            user_rows.append((user_id, email, f"{first} {last}", self.password_hash, role, at, at))
            account_rows.append((account_id, "WALLET", self.currency, f"Wallet of {email}"))
            frozen_by = frozen_when = frozen_reason = None
            if role != "USER":
                staff.append((t, user_id, wallet_id, role, email))
            else:
                index = len(self.c_user)
                self.c_user.append(user_id)
                self.c_wallet.append(wallet_id)
                self.c_account.append(account_id)
                weights.append(rng.lognormvariate(0.0, 1.0))  # a few customers are far busier
                # About one customer in 200 has their wallet frozen some time after joining.
                if rng.random() < 0.005 and t < self.now - 2 * _DAY:
                    when = rng.randrange(max(t, self.start) + _DAY, self.now)
                    frozen_reason = rng.choice(P.FREEZE_REASONS)
                    self.frozen_at[index] = (when, frozen_reason)
                    self.at(when, self.freeze, index, frozen_reason)
                    frozen_by, frozen_when = self.admin_id, self.iso(when)
                actor = user_id if rng.random() < 0.7 else self.admin_id  # self-registered, or by an admin
                self.sign_up_info.append((user_id, wallet_id, email, actor))
            wallet_rows.append((wallet_id, user_id, account_id, self.currency, int(frozen_by is not None),
                                frozen_by, frozen_when, frozen_reason, at))
        self.emit(("people", user_rows, account_rows, wallet_rows))
        for t, uid, wid, role, email in staff:
            self.audit_row(t, "USER_CREATED", uid if role == "ADMIN" else self.admin_id, uid, wid,
                           role=role, email=email)
        self.teller_email = next(r[1] for r in user_rows if r[4] == "TELLER")
        self.c_created = created
        self.balance = [0] * len(self.c_user)
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        self.c_cum = cum
        self.signed_up = 0

    def unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self.taken:
            n += 1
            email = f"{local}{n}@{domain}"
        self.taken.add(email)
        return email

    def customer_email(self, first: str, last: str) -> str:
        rng = self.rng
        f, l = first.lower(), last.lower().replace("'", "")
        local = rng.choice((f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{l}.{f}", f"{f}_{l}"))
        if rng.random() < 0.5:
            local += str(rng.randrange(1, 100))
        return self.unique_email(local, rng.choice(P.EMAIL_DOMAINS))

    def sign_up(self, index: int) -> None:
        user_id, wallet_id, email, actor = self.sign_up_info[index]
        self.audit_row(self.c_created[index], "USER_CREATED", actor, user_id, wallet_id, role="USER", email=email)

    def freeze(self, t: int, index: int, reason: str) -> None:
        self.audit_row(t, "WALLET_FROZEN", self.admin_id, self.c_user[index], self.c_wallet[index], reason=reason)

    def frozen_reason(self, index: int, t: int) -> str | None:
        frozen = self.frozen_at.get(index)
        return frozen[1] if frozen and t >= frozen[0] else None

    def pick(self, eligible: int) -> int:
        """A customer who has signed up by now, the busy ones more often."""
        return bisect_right(self.c_cum, self.rng.random() * self.c_cum[eligible - 1], 0, eligible - 1)

    # -- operations -----------------------------------------------------------------------------

    def one_operation(self, t: int, rows_left: int) -> None:
        eligible = bisect_right(self.c_created, t)
        i = self.pick(eligible)
        r = self.rng.random()
        low = self.balance[i] < 2_000 * _NAIRA
        if r < (0.75 if low else 0.2):
            self.deposit(t, i)
        elif r < (0.82 if low else 0.4) or rows_left < 2 or eligible < 2:
            self.withdraw(t, i)
        else:
            self.transfer(t, i, eligible)

    def naira(self, low: int, high: int, step: int) -> int:
        """A log-uniform amount from ``low`` to ``high`` naira, rounded down to ``step`` naira."""
        value = low * (high / low) ** self.rng.random()
        return max(step, int(value) // step * step) * _NAIRA

    def deposit(self, t: int, i: int) -> None:
        rng = self.rng
        at_counter = rng.random() < 0.45
        teller = rng.choice(self.tellers)
        amount = self.naira(1_000, 300_000, 500 if rng.random() < 0.7 else 100)
        if at_counter and rng.random() < 0.5:
            memo = f"Cash at {rng.choice(P.BRANCHES)}"
        else:
            memo = rng.choice(P.DEPOSIT_MEMOS)
        row = self.tx_row(self.c_wallet[i], "DEPOSIT", "CREDIT", amount, "PENDING", self.reference("DEP"), t,
                          teller if at_counter else self.c_user[i], memo=memo)
        fate = rng.random()
        if fate < 0.96:
            delay = rng.randrange(_MIN, 20 * _MIN) if at_counter else rng.randrange(10 * _MIN, 8 * _HOUR)
            handler = self.confirm if fate < 0.90 else self.reject
        else:
            delay, handler = self.expiry_hours * _HOUR + rng.randrange(_MIN, 30 * _MIN), self.expire
        if t + delay <= self.now:  # otherwise it is still pending today
            self.unsettled.add(row[0])
            self.at(t + delay, handler, row, i, teller, t)

    def confirm(self, t: int, row: list, i: int, teller: int, requested: int) -> None:
        if self.frozen_reason(i, t):  # a teller cannot confirm into a frozen wallet: it expires
            due = requested + self.expiry_hours * _HOUR + _MIN
            if due <= self.now:
                self.at(due, self.expire, row, i, teller, requested)
            else:
                self.unsettled.discard(row[0])
            return
        amount = row[4]
        self.balance[i] += amount
        row[13] = self.entry(t, "DEPOSIT", f"Deposit {row[7]}", (self.cash, -amount), (self.c_account[i], amount))
        row[6], row[16] = "SUCCESS", self.iso(t)
        self.audit_row(t, "DEPOSIT_CONFIRMED", teller, self.c_user[i], self.c_wallet[i], reference=row[7],
                       amount=amount)
        self.unsettled.discard(row[0])

    def reject(self, t: int, row: list, i: int, teller: int, requested: int) -> None:
        reason = self.rng.choice(P.REJECTION_REASONS)
        row[6], row[11], row[12], row[16] = "FAILED", "REJECTED", f"Rejected: {reason}", self.iso(t)
        self.audit_row(t, "DEPOSIT_REJECTED", teller, self.c_user[i], self.c_wallet[i], reference=row[7],
                       reason=reason)
        self.unsettled.discard(row[0])

    def expire(self, t: int, row: list, i: int, teller: int, requested: int) -> None:
        row[6], row[11], row[16] = "FAILED", "EXPIRED", self.iso(t)
        row[12] = f"Expired: not confirmed within {self.expiry_hours} h"
        self.unsettled.discard(row[0])

    def outflow(self, balance: int, low: int, step: int) -> tuple[int, bool]:
        """(amount, refused for funds): what someone tries to send or take out.

        Mostly what they can afford; now and then a little more than they have.
        """
        rng, high = self.rng, self.max_out_naira
        wanted = self.naira(min(low, high), high, min(step, high))
        if wanted <= balance and rng.random() >= 0.02:
            return wanted, False
        if balance >= low * _NAIRA and rng.random() < 0.85:
            unit = min(step, high) * _NAIRA
            spend = min(int(balance * rng.uniform(0.3, 0.9)), high * _NAIRA)
            return max(unit, spend // unit * unit), False
        if wanted <= balance:
            wanted = balance + step * _NAIRA
        if wanted > high * _NAIRA:  # an attempt this large would need a two-factor code
            return min(balance, high * _NAIRA), False
        return wanted, True

    def withdraw(self, t: int, i: int) -> None:
        rng, balance = self.rng, self.balance[i]
        actor = rng.choice(self.tellers) if rng.random() < 0.6 else self.c_user[i]
        ref, wallet = self.reference("WDR"), self.c_wallet[i]
        frozen = self.frozen_reason(i, t)
        amount, short = self.outflow(balance, 1_000, 100)
        if frozen:
            self.tx_row(wallet, "WITHDRAWAL", "DEBIT", amount, "FAILED", ref, t, actor,
                        failure_code="WALLET_FROZEN", failure_reason=f"The wallet is frozen: {frozen}")
        elif short or amount <= 0:
            amount = max(amount, 1)
            self.tx_row(wallet, "WITHDRAWAL", "DEBIT", amount, "FAILED", ref, t, actor,
                        failure_code="INSUFFICIENT_FUNDS", failure_reason=(
                            f"Insufficient funds: the balance is {format_amount(balance, self.currency)},"
                            f" the withdrawal {format_amount(amount, self.currency)}."))
        else:
            self.balance[i] -= amount
            entry = self.entry(t, "WITHDRAWAL", f"Withdrawal {ref}", (self.c_account[i], -amount), (self.cash, amount))
            self.tx_row(wallet, "WITHDRAWAL", "DEBIT", amount, "SUCCESS", ref, t, actor, entry=entry)

    def transfer(self, t: int, i: int, eligible: int) -> None:
        rng, balance = self.rng, self.balance[i]
        j = self.pick(eligible)
        if j == i:
            j = (i + 1 + rng.randrange(eligible - 1)) % eligible
        tref = self.reference("TRF")
        memo = rng.choice(P.TRANSFER_MEMOS)
        sender, wallet, other = self.c_user[i], self.c_wallet[i], self.c_wallet[j]
        amount, short = self.outflow(balance, 500, 50)
        frozen = self.frozen_reason(i, t)
        code = None
        if rng.random() < 0.003:  # a mistyped email
            stranger = f"{rng.choice(P.FIRST_NAMES).lower()}.{rng.randrange(100, 999)}@{rng.choice(P.EMAIL_DOMAINS)}"
            if stranger not in self.taken:
                code, reason, other = "NOT_FOUND", f"No account holder with email {stranger}.", None
        if code:
            pass
        elif frozen:
            code, reason = "WALLET_FROZEN", f"Your wallet is frozen: {frozen}"
        elif self.frozen_reason(j, t):
            code, reason = "WALLET_FROZEN", "The recipient's wallet is frozen."
        elif short or amount <= 0:
            amount = max(amount, 1)
            code, reason = "INSUFFICIENT_FUNDS", (
                f"Insufficient funds: your balance is {format_amount(balance, self.currency)},"
                f" the transfer {format_amount(amount, self.currency)}.")
        if code:
            self.tx_row(wallet, "TRANSFER", "DEBIT", amount, "FAILED", f"{tref}-D", t, sender, tref, other, memo,
                        code, reason)
            return
        self.balance[i] -= amount
        self.balance[j] += amount
        entry = self.entry(t, "TRANSFER", f"Transfer {tref}", (self.c_account[i], -amount), (self.c_account[j], amount))
        self.tx_row(wallet, "TRANSFER", "DEBIT", amount, "SUCCESS", f"{tref}-D", t, sender, tref, other, memo,
                    entry=entry)
        self.tx_row(other, "TRANSFER", "CREDIT", amount, "SUCCESS", f"{tref}-C", t, sender, tref, wallet, memo,
                    entry=entry)
