"""Withdrawals and transfers: money leaving a wallet, each in one transaction."""

from __future__ import annotations

import sqlite3

from ..money import format_amount
from . import errors as E
from . import idempotency as idem
from .base import CommittedRefusal, Movement, ServiceBase, Session
from .ledger import insert_transaction, new_reference, post_entry, system_account
from .views import TransferResult, load_transfer_legs, load_tx, load_tx_by_ref

MAX_MEMO = 140


class PaymentsMixin(ServiceBase):
    def _refuse(self, conn: sqlite3.Connection, mv: Movement, wallet: sqlite3.Row, *, type: str,
                reference: str, error: E.PayFlowError, key: str | None, operation: str,
                params: dict, transfer_ref: str | None = None,
                counterparty_wallet_id: int | None = None, memo: str | None = None) -> None:
        """Record a well-formed but refused request as a FAILED transaction, then raise.

        No money moves; the row is what the fraud rules count and what the
        customer sees in their history.
        """
        tx_id = insert_transaction(
            conn, wallet=wallet, type=type, direction="DEBIT", amount=mv.amount, status="FAILED",
            reference=reference, at=mv.now, actor_id=mv.actor_id, transfer_ref=transfer_ref,
            counterparty_wallet_id=counterparty_wallet_id, memo=memo, failure_code=error.code,
            failure_reason=error.message,
        )
        mv.status, mv.transaction_ids = "FAILED", [tx_id]
        idem.record(conn, mv.actor_id, key, operation, params, error.to_json(), mv.now)
        self._rules_after(conn, mv)
        raise CommittedRefusal(error)

    # -- withdrawals ---------------------------------------------------------------------

    def withdraw(self, session: Session, amount: int, *, for_email: str | None = None,
                 key: str | None = None, memo: str | None = None, otp: str | None = None):
        """Pay cash out of a wallet: the wallet is debited to cash clearing.

        Callers: any role for their own wallet; TELLER for an account holder;
        ADMIN for anyone. Refuses a short balance, a frozen wallet and a locked
        or disabled customer (each recorded as a FAILED withdrawal). At or above
        the step-up threshold the caller's current two-factor code ``otp`` is
        needed (OTP_REQUIRED, OTP_INVALID).
        """
        key = idem.check_key(key)
        memo = _clean_memo(memo)
        with self._write() as conn:
            actor = self._actor(conn, session)
            self._check_amount(conn, amount)
            subject = self._subject(conn, actor, for_email)
            params = {"amount": amount, "for": subject["id"], "memo": memo}
            stored = idem.lookup(conn, actor["id"], key, "withdraw", params)
            if stored is not None:
                return load_tx_by_ref(conn, idem.replay(stored)["reference"])
            now = self._now(conn)
            wallet = self._wallet_of(conn, subject["id"])
            mv = Movement("WITHDRAWAL", actor["id"], subject["id"], wallet["id"], amount, now)
            self._check_step_up(conn, actor, mv, otp, memo=memo)
            reference = new_reference("WITHDRAWAL")

            def refuse(error: E.PayFlowError) -> None:
                self._refuse(conn, mv, wallet, type="WITHDRAWAL", reference=reference, error=error,
                             key=key, operation="withdraw", params=params, memo=memo)

            mv.refuse = refuse
            refusal = _withdrawal_refusal(subject, self._locked(conn, subject), wallet, amount)
            if refusal is not None:
                refuse(refusal)
            self._rules_before(conn, mv)
            cash = system_account(conn, "CASH_CLEARING", wallet["currency"])
            entry = post_entry(conn, now, "WITHDRAWAL", f"Withdrawal {reference}",
                               [(wallet["account_id"], -amount), (cash, amount)])
            tx_id = insert_transaction(
                conn, wallet=wallet, type="WITHDRAWAL", direction="DEBIT", amount=amount,
                status="SUCCESS", reference=reference, at=now, actor_id=actor["id"], memo=memo,
                journal_entry_id=entry,
            )
            mv.status, mv.transaction_ids = "SUCCESS", [tx_id]
            self._rules_after(conn, mv)
            idem.record(conn, actor["id"], key, "withdraw", params, {"reference": reference}, now)
            self._emit(conn, "withdrawal.completed", user_id=subject["id"], reference=reference,
                       amount=amount, wallet_id=wallet["id"])
            return load_tx(conn, tx_id)

    # -- transfers -----------------------------------------------------------------------

    def transfer(self, session: Session, to_email: str, amount: int, *, key: str | None = None,
                 memo: str | None = None, otp: str | None = None) -> TransferResult:
        """Move money from the caller's wallet to another user's, by email.

        Callers: any logged-in user, from their own wallet. The balance check,
        debit, credit, both transaction rows and the journal entry are one
        transaction. Refuses: to oneself, an unknown recipient, insufficient
        funds, a frozen wallet on either side, a locked or disabled user on
        either side, different currencies (each recorded as a FAILED transfer).
        At or above the step-up threshold the caller's current two-factor code
        ``otp`` is needed (OTP_REQUIRED, OTP_INVALID).
        """
        key = idem.check_key(key)
        memo = _clean_memo(memo)
        to_email = (to_email or "").strip()
        if "@" not in to_email or len(to_email) > 254:
            raise E.InvalidInput(f"Recipient {to_email!r} is not an email address.")
        with self._write() as conn:
            actor = self._actor(conn, session)
            self._check_amount(conn, amount)
            params = {"to": to_email.lower(), "amount": amount, "memo": memo}
            stored = idem.lookup(conn, actor["id"], key, "transfer", params)
            if stored is not None:
                original = idem.replay(stored)
                return self._transfer_result(conn, original["transfer_ref"], actor["id"],
                                             balance_after=original.get("balance_after"))
            return self._transfer_locked(conn, actor, to_email, amount, key, memo, params, otp)

    def _transfer_locked(self, conn, actor, to_email, amount, key, memo, params,
                         otp=None) -> TransferResult:
        now = self._now(conn)
        sender_wallet = self._wallet_of(conn, actor["id"])
        recipient = self._user_by_email(conn, to_email)
        recipient_wallet = self._wallet_of(conn, recipient["id"]) if recipient else None
        mv = Movement("TRANSFER", actor["id"], actor["id"], sender_wallet["id"], amount, now,
                      counterparty_wallet_id=recipient_wallet["id"] if recipient_wallet else None)
        self._check_step_up(conn, actor, mv, otp, memo=memo)
        transfer_ref = new_reference("TRANSFER")

        def refuse(error: E.PayFlowError) -> None:
            self._refuse(conn, mv, sender_wallet, type="TRANSFER", reference=f"{transfer_ref}-D",
                         error=error, key=key, operation="transfer", params=params,
                         transfer_ref=transfer_ref, memo=memo,
                         counterparty_wallet_id=mv.counterparty_wallet_id)

        mv.refuse = refuse
        refusal = _transfer_refusal(sender_wallet, recipient, bool(recipient) and self._locked(conn, recipient),
                                    recipient_wallet, amount, to_email)
        if refusal is not None:
            refuse(refusal)
        self._rules_before(conn, mv)
        entry = post_entry(
            conn, now, "TRANSFER", f"Transfer {transfer_ref}",
            [(sender_wallet["account_id"], -amount), (recipient_wallet["account_id"], amount)],
        )
        common = dict(type="TRANSFER", amount=amount, status="SUCCESS", at=now, actor_id=actor["id"],
                      transfer_ref=transfer_ref, memo=memo, journal_entry_id=entry)
        debit_id = insert_transaction(conn, wallet=sender_wallet, direction="DEBIT",
                                      reference=f"{transfer_ref}-D",
                                      counterparty_wallet_id=recipient_wallet["id"], **common)
        credit_id = insert_transaction(conn, wallet=recipient_wallet, direction="CREDIT",
                                       reference=f"{transfer_ref}-C",
                                       counterparty_wallet_id=sender_wallet["id"], **common)
        mv.status, mv.transaction_ids = "SUCCESS", [debit_id, credit_id]
        self._rules_after(conn, mv)
        # The balance is kept with the key so a replay answers exactly as the original did.
        # The posting trigger moved it by exactly -amount inside this transaction.
        balance_after = sender_wallet["balance"] - amount
        idem.record(conn, actor["id"], key, "transfer", params,
                    {"transfer_ref": transfer_ref, "balance_after": balance_after}, now)
        # The currency goes with the payload: the outbox need not read it from the wallets again.
        payload = dict(transfer_ref=transfer_ref, amount=amount, memo=memo, currency=sender_wallet["currency"])
        self._emit(conn, "transfer.sent", user_id=actor["id"], wallet_id=sender_wallet["id"],
                   to=recipient["email"], **payload)
        self._emit(conn, "transfer.received", user_id=recipient["id"], wallet_id=recipient_wallet["id"],
                   sender=actor["email"], **payload)
        return self._transfer_result(conn, transfer_ref, actor["id"], balance_after=balance_after)

    def _transfer_result(self, conn, transfer_ref: str, sender_id: int, *,
                         balance_after: int | None = None) -> TransferResult:
        legs = {tx.direction: tx for tx in load_transfer_legs(conn, transfer_ref)}
        debit, credit = legs.get("DEBIT"), legs.get("CREDIT")
        if credit is None:  # a replay of a refused transfer re-raises before this
            raise E.NotFound(f"Transfer {transfer_ref} did not complete.")
        balance = self._wallet_of(conn, sender_id)["balance"] if balance_after is None else balance_after
        return TransferResult(transfer_ref, debit.amount, debit.currency, debit, credit, balance)

    def recipient_preview(self, session: Session, to_email: str) -> dict:
        """Name of a transfer's recipient, for the confirmation dialog.

        Callers: any logged-in user. Shows only the name, nothing else of theirs.
        """
        with self._read() as conn:
            actor = self._actor(conn, session)
            user = self._user_by_email(conn, to_email)
            if user is None or user["status"] == "DISABLED":
                raise E.NotFound(f"No account holder with email {(to_email or '').strip()}.")
            if user["id"] == actor["id"]:
                raise E.SameWallet("You cannot send money to yourself.")
            balance = self._wallet_of(conn, actor["id"])["balance"]
            return {"name": user["name"], "email": user["email"], "balance": balance}


def _withdrawal_refusal(subject, locked: bool, wallet, amount) -> E.PayFlowError | None:
    if subject["status"] == "DISABLED":
        return E.AccountDisabled(f"{subject['email']}'s account is disabled.")
    if locked:
        return E.AccountLocked(f"{subject['email']}'s account is locked.")
    if wallet["frozen"]:
        return E.WalletFrozen(f"The wallet is frozen: {wallet['frozen_reason']}")
    if wallet["balance"] < amount:
        return E.InsufficientFunds(
            f"Insufficient funds: the balance is {format_amount(wallet['balance'], wallet['currency'])},"
            f" the withdrawal {format_amount(amount, wallet['currency'])}."
        )
    return None


def _transfer_refusal(sender_wallet, recipient, recipient_locked: bool, recipient_wallet, amount, to_email):
    currency = sender_wallet["currency"]
    if recipient is None:
        return E.NotFound(f"No account holder with email {to_email}.")
    if recipient_wallet["id"] == sender_wallet["id"]:
        return E.SameWallet("You cannot send money to yourself.")
    if recipient["status"] == "DISABLED":
        return E.AccountDisabled(f"The recipient's account ({recipient['email']}) is disabled.")
    if recipient_locked:
        return E.AccountLocked(f"The recipient's account ({recipient['email']}) is locked.")
    if sender_wallet["frozen"]:
        return E.WalletFrozen(f"Your wallet is frozen: {sender_wallet['frozen_reason']}")
    if recipient_wallet["frozen"]:
        return E.WalletFrozen("The recipient's wallet is frozen.")
    if recipient_wallet["currency"] != currency:
        return E.CurrencyMismatch(
            f"Your wallet holds {currency} and the recipient's {recipient_wallet['currency']}."
        )
    if sender_wallet["balance"] < amount:
        return E.InsufficientFunds(
            f"Insufficient funds: your balance is {format_amount(sender_wallet['balance'], currency)},"
            f" the transfer {format_amount(amount, currency)}."
        )
    return None


def _clean_memo(memo: str | None) -> str | None:
    if memo is None:
        return None
    memo = " ".join(str(memo).split())
    if len(memo) > MAX_MEMO:
        raise E.InvalidInput(f"Memo is longer than {MAX_MEMO} characters.")
    return memo or None
