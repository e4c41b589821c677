"""The splits pages: the artist's form keeps its input on an error; the e-mailed link moves the
token into the session and the invitation page says what to do next."""

import pytest
from django.urls import reverse

from payments.models import ContractSplit
from payments.services.contract_splits import split_invitation_token
from tests.users.factories import UserFactory

from .test_contract_splits import draft_contract, propose

pytestmark = pytest.mark.django_db(transaction=True)


def _form(own, *rows):
    data = {"artist_share": own, "co-TOTAL_FORMS": str(len(rows)), "co-INITIAL_FORMS": "0"}
    for i, (email, share) in enumerate(rows):
        data[f"co-{i}-email"], data[f"co-{i}-share"] = email, share
    return data


def test_a_proposal_that_does_not_add_up_shows_the_error_and_keeps_the_input(stripe_api, client):
    _manager, artist, contract = draft_contract()
    client.force_login(artist.user)
    url = reverse("payments:contract_splits", kwargs={"pk": contract.pk})
    response = client.post(url, _form("50", ("drums@example.com", "30")))
    assert response.status_code == 200
    assert "must add up to 100% (now 80.00%)" in response.text
    assert 'value="drums@example.com"' in response.text
    assert not ContractSplit.objects.exists()
    response = client.post(url, _form("70", ("drums@example.com", "30"), ("", "")))
    assert response.status_code == 302
    assert ContractSplit.objects.get().share_bps == 3000


def test_only_the_artist_opens_the_splits_form(stripe_api, client):
    manager, _artist, contract = draft_contract()
    client.force_login(manager)
    url = reverse("payments:contract_splits", kwargs={"pk": contract.pk})
    assert client.get(url).status_code == 404


def test_the_link_leads_to_the_invitation_and_a_bad_one_is_a_404(stripe_api, client):
    _manager, artist, contract = draft_contract()
    (split,) = propose(artist, contract, "70", ("drums@example.com", "30"))
    bad = reverse("payments:split_invitation_link", kwargs={"token": "nope"})
    assert client.get(bad).status_code == 404
    link = reverse(
        "payments:split_invitation_link", kwargs={"token": split_invitation_token(split)}
    )
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("payments:split_invitation")
    assert "your share is 30%" in response.text and "Sign up" in response.text
    client.force_login(UserFactory(email="drums@example.com"))
    page = client.get(reverse("payments:split_invitation"))
    assert "Step 1 of 2" in page.text  # payouts first
    # Signing in as someone else starts a new session: the link is opened again once signed in.
    client.force_login(UserFactory())
    page = client.get(link, follow=True)
    assert "this invitation was sent to drums@example.com" in page.text
