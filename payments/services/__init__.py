"""Writes on payments: onboarding, splits, funding, payouts, refunds, webhooks, reconciliation.

One module per concern (`payments.services.funding`, `.payouts`, ...); this package re-exports
their public names so `from payments.services import payment_start` keeps working.

Rules kept here and nowhere else:
- Every Stripe object is preceded by our own row with a unique idempotency key, committed before
  the call, and the key goes to Stripe: any number of runs creates one charge/transfer/refund.
- No database lock is held across a call to Stripe; results are recorded by idempotent functions
  (`payment_succeeded`, `payout_record_transfer`, `refund_record`) that lock, check, then write.
- The ledger is double entry and append-only; each transaction sums to zero per currency, escrow
  never goes negative and a contract never pays out more than was funded (checked on each post).
- Lock order: contract, then its milestones (pk order), then payments rows: as in campaigns.
"""

from ._common import LedgerInvariantError, StripeMismatchError
from .contract_splits import (
    contract_split_accept,
    contract_splits_editable,
    contract_splits_propose,
    split_by_token,
)
from .deposits import deposit_pay, deposit_schedule
from .funding import (
    TEST_PAYMENT_METHODS,
    check_can_fund,
    contract_funded_payment,
    contract_funding_quote,
    payees_missing_payouts,
    payment_failed,
    payment_pay_test,
    payment_start,
    payment_succeeded,
    payment_sync,
)
from .ledger import contract_balances, ledger_post, ledger_totals
from .onboarding import payment_account_refresh, payouts_onboard
from .payouts import milestone_pay, payout_record_transfer, payout_retry, payout_schedule
from .reconcile import RECONCILE_FAILED_PAYMENT_DAYS, payments_sweep, reconcile
from .refunds import (
    contract_unspent_escrow,
    on_contract_cancelled,
    on_dispute_resolved,
    refund_issue,
    refund_record,
    refund_staff,
)
from .splits import contract_payees_freeze, split_confirm, split_propose
from .webhooks import HANDLED_EVENTS, webhook_process, webhook_receive

__all__ = [
    "HANDLED_EVENTS",
    "RECONCILE_FAILED_PAYMENT_DAYS",
    "TEST_PAYMENT_METHODS",
    "LedgerInvariantError",
    "StripeMismatchError",
    "check_can_fund",
    "contract_balances",
    "contract_funded_payment",
    "contract_funding_quote",
    "contract_payees_freeze",
    "contract_split_accept",
    "contract_splits_editable",
    "contract_splits_propose",
    "contract_unspent_escrow",
    "deposit_pay",
    "deposit_schedule",
    "ledger_post",
    "ledger_totals",
    "milestone_pay",
    "on_contract_cancelled",
    "on_dispute_resolved",
    "payees_missing_payouts",
    "payment_account_refresh",
    "payment_failed",
    "payment_pay_test",
    "payment_start",
    "payment_succeeded",
    "payment_sync",
    "payments_sweep",
    "payout_record_transfer",
    "payout_retry",
    "payout_schedule",
    "payouts_onboard",
    "reconcile",
    "refund_issue",
    "refund_record",
    "refund_staff",
    "split_by_token",
    "split_confirm",
    "split_propose",
    "webhook_process",
    "webhook_receive",
]
