"""The fake Stripe's Connect extension, through the official SDK (shapes, errors, idempotency)."""

import stripe

from .stripe_server import onboarding_complete


def _client(base):
    return stripe.StripeClient("sk_test_local", base_addresses={"api": base},
                               max_network_retries=0)  # fmt: skip


def test_accounts_start_restricted_and_onboarding_enables_transfers(stripe_api):
    c = _client(stripe_api)
    acct = c.v1.accounts.create(params={"type": "express", "country": "FR"})
    assert acct.id.startswith("acct_") and not acct.payouts_enabled
    assert "external_account" in acct.requirements.currently_due
    link = c.v1.account_links.create(params={
        "account": acct.id, "type": "account_onboarding",
        "refresh_url": "http://x/r", "return_url": "http://x/ok",
    })  # fmt: skip
    onboarding_complete(link.url)
    acct = c.v1.accounts.retrieve(acct.id)
    assert acct.payouts_enabled and acct.capabilities.transfers == "active"
    assert acct.requirements.currently_due == []


def test_transfers_replay_an_idempotency_key_and_refuse_it_with_other_params(stripe_api):
    c = _client(stripe_api)
    acct = c.v1.accounts.create(params={"type": "express"})
    link = c.v1.account_links.create(params={"account": acct.id, "type": "account_onboarding"})
    onboarding_complete(link.url)
    params = {"amount": 1234, "currency": "eur", "destination": acct.id, "transfer_group": "g"}
    first = c.v1.transfers.create(params=params, options={"idempotency_key": "k-dev-1"})
    again = c.v1.transfers.create(params=params, options={"idempotency_key": "k-dev-1"})
    assert first.id == again.id and first.id.startswith("tr_") and first.amount == 1234
    try:
        c.v1.transfers.create(
            params={**params, "amount": 1}, options={"idempotency_key": "k-dev-1"}
        )
    except stripe.IdempotencyError as e:
        assert e.http_status == 400
    else:
        raise AssertionError("a reused key with other parameters must fail")
    listed = c.v1.transfers.list(params={"destination": acct.id}).data
    assert [t.id for t in listed] == [first.id]


def test_transfer_errors_look_like_stripes(stripe_api):
    c = _client(stripe_api)
    cases = [
        ({"amount": 100, "currency": "eur"}, "parameter_missing", "destination"),
        ({"amount": "abc", "currency": "eur", "destination": "acct_x"},
         "parameter_invalid_integer", "amount"),
        ({"amount": 0, "currency": "eur", "destination": "acct_x"},
         "parameter_invalid_integer", "amount"),
        ({"amount": 5, "currency": "eur", "destination": "acct_nope"}, "resource_missing",
         "destination"),
    ]  # fmt: skip
    for params, code, param in cases:
        try:
            c.v1.transfers.create(params=params)
        except stripe.InvalidRequestError as e:
            assert (e.http_status, e.code, e.param) == (400, code, param)
        else:
            raise AssertionError(f"{params} should fail")
