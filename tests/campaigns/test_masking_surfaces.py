"""Every free-text field one side types and the other reads before signing is masked, on every
surface (page, API, e-mail, notification), and shown as typed once both sides signed (issue 13).

Fields: the offer message, each revision's (counter) message, the line notes, the decline reason
of an offer, the pitch and decline reason of an application, the cancel reason of a contract
awaiting signatures, the note copied into the contract terms, the counter form's prefill.
"""

import json

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from aux.notifications.models import Notification
from campaigns.bookings import services
from campaigns.bookings.masking import HIDDEN
from campaigns.bookings.models import Application, Contract
from campaigns.bookings.selectors import contacts_visible
from tests.campaigns.factories import make_offer

pytestmark = pytest.mark.django_db

PHONE, EMAIL, SITE = "06 12 34 56 78", "dj@velvet.example", "velvet . studio"
SECRETS = ("12 34 56", "velvet.example", "velvet . studio")


def typed(prefix: str) -> str:
    return f"{prefix}: call {PHONE}, write {EMAIL} or see {SITE}"


def hides(body: str) -> bool:
    return str(HIDDEN) in body and not any(s in body for s in SECRETS)


def shows(body: str) -> bool:
    return all(s in body for s in SECRETS)


@pytest.fixture
def brief(open_call_brief):
    """This module's brief is an open call."""
    return open_call_brief


def client_of(client, user):
    client.force_login(user)
    return client


def api_of(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def api_text(user, url: str) -> str:
    response = api_of(user).get(url)
    assert response.status_code == 200, response.content
    return json.dumps(response.json(), ensure_ascii=False)


def page_text(client, user, url: str) -> str:
    response = client_of(client, user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def new_offer(brand_manager, brief, artist):
    from campaigns.bookings.services import offer_current_lines

    offer = make_offer(actor=brand_manager, brief=brief, artist=artist, message=typed("offer"))
    lines = [{**line, "notes": typed("notes")} for line in offer_current_lines(offer)]
    return services.offer_counter(
        actor=artist.user, offer=offer, lines=lines, message=typed("counter")
    )


def sign_both(offer, brand_manager, artist) -> Contract:
    contract = offer.contract
    for user in (brand_manager, artist.user):
        contract = services.contract_sign(
            actor=user, contract=contract, full_name=user.name, confirm=True
        )
    return contract


# --- offers: message, counter message, line notes, decline reason ---------------------------


def test_offer_and_counter_messages_and_line_notes_are_masked_on_the_offer_page_until_signed(
    client, brand_manager, brief, artist
):
    offer = new_offer(brand_manager, brief, artist)
    url = reverse("bookings:offer_detail", args=[offer.pk])
    body = page_text(client, brand_manager, url)
    assert hides(body) and "offer:" in body and "counter:" in body and "notes:" in body
    assert hides(page_text(client, artist.user, url))


def test_the_counter_form_is_not_prefilled_with_the_other_sides_contact_details(
    client, brand_manager, brief, artist
):
    offer = new_offer(brand_manager, brief, artist)  # the artist countered: the brand's turn
    body = page_text(client, brand_manager, reverse("bookings:offer_detail", args=[offer.pk]))
    assert 'action="/bookings/offers/' in body and "Send counter-offer" in body
    assert hides(body)


def test_offer_and_counter_messages_and_line_notes_are_masked_in_the_api_until_signed(
    brand_manager, brief, artist
):
    offer = new_offer(brand_manager, brief, artist)
    detail = api_text(brand_manager, f"/api/v1/offers/{offer.pk}/")
    assert hides(detail) and "offer:" in detail and "counter:" in detail and "notes:" in detail
    assert hides(api_text(artist.user, "/api/v1/offers/"))


def test_an_offers_decline_reason_is_masked_on_the_page_and_in_the_api(
    client, brand_manager, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    services.offer_decline(actor=artist.user, offer=offer, reason=typed("no thanks"))
    page = page_text(client, brand_manager, reverse("bookings:offer_detail", args=[offer.pk]))
    assert hides(page) and "no thanks" in page
    assert hides(api_text(brand_manager, f"/api/v1/offers/{offer.pk}/"))


def test_offer_texts_are_shown_as_typed_once_both_sides_signed(
    client, brand_manager, brief, artist
):
    offer = new_offer(brand_manager, brief, artist)
    offer = services.offer_accept(actor=brand_manager, offer=offer)
    assert not contacts_visible(offer)
    sign_both(offer, brand_manager, artist)
    assert contacts_visible(offer)
    url = reverse("bookings:offer_detail", args=[offer.pk])
    assert shows(page_text(client, artist.user, url))
    assert shows(api_text(brand_manager, f"/api/v1/offers/{offer.pk}/"))


# --- the contract: terms text and cancel reason before signing ---------------------------------


def test_the_contract_terms_carry_no_contact_details_and_hash_what_is_shown(
    client, brand_manager, brief, artist
):
    offer = new_offer(brand_manager, brief, artist)
    contract = services.offer_accept(actor=brand_manager, offer=offer).contract
    assert hides(contract.terms_text) and "counter:" in contract.terms_text
    assert services.terms_hash(contract.terms_text) == contract.terms_sha256
    url = reverse("bookings:contract_detail", args=[contract.pk])
    assert hides(page_text(client, artist.user, url))
    assert hides(api_text(artist.user, f"/api/v1/contracts/{contract.pk}/"))


def test_a_cancel_reason_is_masked_while_the_contract_awaits_signatures(
    client, brand_manager, brief, artist
):
    offer = make_offer(actor=brand_manager, brief=brief, artist=artist)
    contract = services.offer_accept(actor=artist.user, offer=offer).contract
    services.contract_cancel(actor=artist.user, contract=contract, reason=typed("let's talk"))
    contract.refresh_from_db()
    assert contract.cancel_reason and not contacts_visible(contract)
    url = reverse("bookings:contract_detail", args=[contract.pk])
    page = page_text(client, brand_manager, url)  # the page does not show the reason at all
    assert not any(s in page for s in SECRETS)
    assert hides(api_text(brand_manager, f"/api/v1/contracts/{contract.pk}/"))


# --- applications: pitch and decline reason -------------------------------------------------


@pytest.fixture
def application(artist, brief):
    return services.application_create(
        actor=artist.user, brief=brief, pitch=typed("pitch"), proposed_fee=320_000
    )


def test_an_application_pitch_is_masked_on_the_match_page_and_in_the_api(
    client, brand_manager, application, brief
):
    page = page_text(client, brand_manager, reverse("campaigns:brief_matches", args=[brief.pk]))
    assert hides(page) and "pitch:" in page
    assert hides(api_text(brand_manager, "/api/v1/applications/"))
    assert hides(api_text(brand_manager, f"/api/v1/applications/{application.pk}/"))


def test_an_application_decline_reason_is_masked_for_the_artist(
    client, brand_manager, application, artist, brief
):
    services.application_decline(actor=brand_manager, application=application,
                                 reason=typed("not this time"))  # fmt: skip
    page = page_text(client, artist.user, reverse("campaigns:brief_detail", args=[brief.pk]))
    assert hides(page) and "not this time" in page
    assert hides(api_text(artist.user, f"/api/v1/applications/{application.pk}/"))


def test_a_converted_application_shows_its_pitch_once_the_contract_is_signed(
    client, brand_manager, application, artist, brief
):
    offer = services.application_convert(actor=brand_manager, application=application)
    assert hides(api_text(artist.user, f"/api/v1/offers/{offer.pk}/"))  # pitch copied in
    offer = services.offer_accept(actor=artist.user, offer=offer)
    sign_both(offer, brand_manager, artist)
    assert contacts_visible(Application.objects.get(pk=application.pk))
    page = page_text(client, brand_manager, reverse("campaigns:brief_matches", args=[brief.pk]))
    assert shows(page)
    assert shows(api_text(brand_manager, f"/api/v1/applications/{application.pk}/"))


# --- e-mails and notifications carry none of the typed text ---------------------------------


def test_offer_and_application_notifications_and_emails_carry_no_contact_details(
    brand_manager, brief, artist, django_capture_on_commit_callbacks
):
    # Guard: notifications name the kind and the brief only. Were a typed text ever added to
    # them, this fails (it passed before the fix: no e-mail carried typed text).
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_create(
            actor=artist.user, brief=brief, pitch=typed("pitch"), proposed_fee=320_000
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decline(actor=brand_manager, application=application,
                                     reason=typed("not this time"))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        offer = new_offer(brand_manager, brief, artist)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_withdraw(actor=brand_manager, offer=offer)
    with django_capture_on_commit_callbacks(execute=True):
        offer = make_offer(actor=brand_manager, brief=brief, artist=artist, message=typed("o"))
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_decline(actor=artist.user, offer=offer, reason=typed("no"))
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"application.received", "application.declined", "offer.received",
            "offer.countered", "offer.declined"} <= kinds  # fmt: skip
    for n in Notification.objects.all():
        assert not any(s in n.message for s in SECRETS)
    assert mail.outbox
    for message in mail.outbox:
        texts = [message.subject, message.body] + [c for c, _ in message.alternatives]
        assert not any(s in t for t in texts for s in SECRETS)
