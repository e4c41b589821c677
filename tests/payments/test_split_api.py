"""The splits API: who may read, propose and accept, and every refusal as 4xx JSON."""

import pytest
from rest_framework.test import APIClient

from payments.models import ContractSplit
from tests.brands.factories import MembershipFactory
from tests.users.factories import UserFactory

from .factories import onboard
from .test_contract_splits import draft_contract, sign_both

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(contract) -> str:
    return f"/api/v1/contracts/{contract.pk}/splits/"


PROPOSAL = {"artist_share": "70.00", "co_owners": [{"email": "drums@example.com", "share": "30"}]}


def test_the_artist_proposes_and_reads_every_share(stripe_api):
    _manager, artist, contract = draft_contract()
    response = client_for(artist.user).post(url(contract), PROPOSAL, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["artist_share"] == "70.00" and body["has_splits"] and body["editable"]
    assert [(s["email"], s["share"], s["status"]) for s in body["splits"]] == [
        ("drums@example.com", "30.00", "pending")
    ]
    assert client_for(artist.user).get(url(contract)).json() == body


def test_brand_members_see_that_splits_exist_but_no_address_or_share(stripe_api):
    manager, artist, contract = draft_contract()
    client_for(artist.user).post(url(contract), PROPOSAL, format="json")
    viewer = MembershipFactory(brand=contract.brand, role="viewer").user
    for user in (manager, viewer):
        body = client_for(user).get(url(contract)).json()
        assert body["has_splits"] is True
        assert body["splits"] == [] and body["artist_share"] is None
        assert "drums@example.com" not in str(body)


@pytest.mark.parametrize(
    ("who", "status"), [("anon", 401), ("stranger", 404), ("manager", 403), ("co_owner", 403)]
)
def test_only_the_artist_may_propose(stripe_api, who, status):
    manager, artist, contract = draft_contract()
    client_for(artist.user).post(url(contract), PROPOSAL, format="json")
    user = {
        "anon": None,
        "stranger": UserFactory(),
        "manager": manager,
        "co_owner": UserFactory(email="drums@example.com"),
    }[who]
    response = client_for(user).post(
        url(contract), {"artist_share": "100", "co_owners": []}, format="json"
    )
    assert response.status_code == status
    assert response.json()["detail"]
    assert ContractSplit.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"artist_share": "50", "co_owners": [{"email": "a@example.com", "share": "40"}]},
         "artist_share"),
        ({"artist_share": "50", "co_owners": [{"email": "a@example.com", "share": "50"},
                                              {"email": "a@example.com", "share": "0"}]},
         "co_owners"),
        ({"artist_share": "100", "co_owners": [], "extra": 1}, "extra"),
        ({"co_owners": []}, "artist_share"),
        ({"artist_share": "50", "co_owners": [{"email": "nope", "share": "50"}]}, "co_owners"),
    ],
)  # fmt: skip
def test_a_bad_proposal_is_a_400_naming_the_field(stripe_api, payload, field):
    _manager, artist, contract = draft_contract()
    response = client_for(artist.user).post(url(contract), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and any(key.startswith(field) for key in body["errors"])


def test_a_signed_contract_is_a_409_and_unknown_contract_a_404(stripe_api):
    manager, artist, contract = draft_contract()
    sign_both(manager, artist, contract)
    response = client_for(artist.user).post(url(contract), PROPOSAL, format="json")
    assert response.status_code == 409 and "signed" in response.json()["detail"]
    assert client_for(artist.user).get("/api/v1/contracts/999999/splits/").status_code == 404


def test_the_co_owner_accepts_through_the_api_once_onboarded(stripe_api):
    _manager, artist, contract = draft_contract()
    client_for(artist.user).post(url(contract), PROPOSAL, format="json")
    split = ContractSplit.objects.get()
    accept = f"/api/v1/splits/{split.pk}/accept/"
    assert client_for(None).post(accept).status_code == 401
    assert client_for(UserFactory()).post(accept).status_code == 404  # ids reveal nothing
    assert client_for(artist.user).post(accept).status_code == 404
    drummer = UserFactory(email="drums@example.com")
    response = client_for(drummer).post(accept)
    assert response.status_code == 409 and "payouts" in response.json()["detail"]
    onboard(drummer)
    response = client_for(drummer).post(accept)
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert client_for(drummer).post(accept).status_code == 200  # idempotent
    own = client_for(drummer).get(url(contract)).json()
    assert [s["id"] for s in own["splits"]] == [split.pk] and own["artist_share"] is None
    assert client_for(None).post("/api/v1/splits/999999/accept/").status_code == 401
    assert client_for(drummer).post("/api/v1/splits/999999/accept/").status_code == 404
