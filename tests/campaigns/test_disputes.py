"""Dispute outcomes both parties can see (issue 16): the reason, the evidence, each side's
statement, staff's written decision with what each side gets, on the contract page and in the
API; staff resolve in the admin in currency units; each step audited and notified."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aux.audit.models import AuditEvent
from aux.errors import ConflictError, PermissionDeniedError
from aux.notifications.models import Notification
from campaigns.bookings import services
from campaigns.bookings.models import Dispute, Milestone
from tests.campaigns.factories import booking_artist
from tests.campaigns.test_attachments import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

REASON = "Only four of the six posts went live."
STATEMENT = "Two posts were held back by the legal review of the brand."
DECISION = "The review of the brand delayed two posts; two thirds of the fee go to the artist."


@pytest.fixture
def artist():
    return booking_artist(stage_name="Velvet Harbor")


@pytest.fixture
def disputed(contract, artist, brand_manager):
    """A €4,800 deliverable handed in with a file, disputed by the brand."""
    milestone = contract.milestones.get(is_social=False)
    Milestone.objects.filter(pk=milestone.pk).update(amount=480_000)
    milestone.refresh_from_db()
    services.milestone_submit(
        actor=artist.user, milestone=milestone, note="Six posts, links inside.",
        attachments=[upload("insights.pdf", PDF, "application/pdf")],
    )  # fmt: skip
    return services.dispute_open(actor=brand_manager, milestone=milestone, reason=REASON)


def _resolve(dispute, staff_user, amount=320_000):
    return services.dispute_resolve(
        actor=staff_user, dispute=dispute, decision="partial", decision_text=DECISION,
        amount=amount,
    )  # fmt: skip


def _admin_url(dispute) -> str:
    return reverse("admin:campaigns_dispute_change", args=[dispute.pk])


# --- the other side's statement (service) -----------------------------------------------------


def test_the_other_side_adds_its_statement_once_while_the_dispute_is_open(
    disputed, artist, brand_manager, brand_viewer, staff_user
):
    milestone = disputed.milestone
    with pytest.raises(PermissionDeniedError):  # the opener's reason is its statement
        services.dispute_respond(actor=brand_manager, milestone=milestone, statement="more")
    with pytest.raises(PermissionDeniedError):  # a viewer reads but does not act
        services.dispute_respond(actor=brand_viewer, milestone=milestone, statement="x")
    with pytest.raises(ValidationError):
        services.dispute_respond(actor=artist.user, milestone=milestone, statement="   ")
    dispute = services.dispute_respond(actor=artist.user, milestone=milestone, statement=STATEMENT)
    assert dispute.respondent_statement == STATEMENT and dispute.respondent == artist.user
    assert dispute.respondent_statement_at is not None
    with pytest.raises(ConflictError, match="recorded already"):
        services.dispute_respond(actor=artist.user, milestone=milestone, statement="again")
    _resolve(dispute, staff_user)
    with pytest.raises(ConflictError, match="no open dispute"):
        services.dispute_respond(actor=artist.user, milestone=milestone, statement="late")


def test_each_dispute_step_is_audited_and_notified(
    disputed, artist, brand_manager, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_respond(actor=artist.user, milestone=disputed.milestone,
                                 statement=STATEMENT)  # fmt: skip
        _resolve(disputed, staff_user)
    verbs = set(
        AuditEvent.objects.filter(target_id=str(disputed.pk)).values_list("verb", flat=True)
    )
    assert {"dispute.open", "dispute.respond", "dispute.resolve"} <= verbs
    assert Notification.objects.filter(recipient=brand_manager, kind="dispute.responded").exists()
    for user in (artist.user, brand_manager):
        resolved = Notification.objects.get(recipient=user, kind="dispute.resolved")
        assert resolved.url.endswith(f"#dispute-{disputed.pk}")
        text = resolved.message
        assert "€3,200 to the artist" in text and "€1,600 refunded to the brand" in text, text


# --- the contract page ----------------------------------------------------------------------


def test_both_parties_read_the_decided_dispute_on_the_contract_page(
    client, disputed, artist, brand_manager, brand_viewer, staff_user
):
    services.dispute_respond(actor=artist.user, milestone=disputed.milestone, statement=STATEMENT)
    _resolve(disputed, staff_user)
    url = reverse("bookings:contract_detail", args=[disputed.milestone.contract_id])
    for user in (artist.user, brand_manager, brand_viewer):
        client.force_login(user)
        html = client.get(url).content.decode()
        section = html[html.index(f'id="dispute-{disputed.pk}"') :]
        assert REASON in section and STATEMENT in section and DECISION in section
        assert "insights.pdf" in section  # the evidence file, with its party-only link
        assert "€3,200 of €4,800 awarded to the artist" in section
        assert "€1,600 refunded to the brand" in section
        assert "Decision of AUX staff on" in section
        assert staff_user.name not in html  # staff are "AUX staff", never a person's name


def test_the_deliverable_shows_what_was_awarded_not_the_full_amount(
    client, disputed, artist, staff_user
):
    _resolve(disputed, staff_user)
    client.force_login(artist.user)
    html = client.get(
        reverse("bookings:contract_detail", args=[disputed.milestone.contract_id])
    ).content.decode()
    header = re.search(rf'id="milestone-{disputed.milestone_id}">\s*<header>(.*?)</header>', html,
                       re.S).group(1)  # fmt: skip
    assert "€3,200 of €4,800" in header


def test_the_other_side_adds_its_statement_on_the_contract_page_and_the_opener_cannot(
    client, disputed, artist, brand_manager
):
    url = reverse("bookings:contract_detail", args=[disputed.milestone.contract_id])
    respond = reverse("bookings:milestone_action", args=[disputed.milestone_id, "dispute-respond"])
    client.force_login(brand_manager)
    assert respond not in client.get(url).content.decode()
    client.post(respond, {"statement": "me too"})
    disputed.refresh_from_db()
    assert disputed.respondent_statement == ""
    client.force_login(artist.user)
    assert respond in client.get(url).content.decode()
    response = client.post(respond, {"statement": STATEMENT}, follow=True)
    assert "Your statement is added to the dispute." in response.content.decode()
    disputed.refresh_from_db()
    assert disputed.respondent_statement == STATEMENT
    assert respond not in client.get(url).content.decode()  # once only


def test_the_contract_page_is_in_french_for_a_french_reader(client, disputed, artist, staff_user):
    _resolve(disputed, staff_user)
    artist.user.language = "fr"
    artist.user.save(update_fields=["language"])
    client.force_login(artist.user)
    html = client.get(
        reverse("bookings:contract_detail", args=[disputed.milestone.contract_id])
    ).content.decode()
    section = html[html.index(f'id="dispute-{disputed.pk}"') :]
    assert "3\u202f200\u00a0€" in section and "1\u202f600\u00a0€" in section


# --- the API --------------------------------------------------------------------------------


def test_contract_and_milestone_api_expose_the_dispute_with_amounts_per_side(
    disputed, artist, brand_viewer, staff_user
):
    services.dispute_respond(actor=artist.user, milestone=disputed.milestone, statement=STATEMENT)
    _resolve(disputed, staff_user)
    api = APIClient()
    for user in (artist.user, brand_viewer):
        api.force_authenticate(user)
        milestone = api.get(f"/api/v1/milestones/{disputed.milestone_id}/").json()
        contract = api.get(f"/api/v1/contracts/{disputed.milestone.contract_id}/").json()
        nested = next(m for m in contract["milestones"] if m["id"] == disputed.milestone_id)
        for d in (milestone["dispute"], nested["dispute"]):
            assert d["reason"] == REASON and d["opened_by_side"] == "brand"
            assert d["respondent_side"] == "artist" and d["respondent_statement"] == STATEMENT
            assert d["decision"] == "partial" and d["decision_text"] == DECISION
            assert (d["disputed_amount"], d["awarded_to_artist"], d["refunded_to_brand"]) == (
                480_000,
                320_000,
                160_000,
            )
            assert d["currency"] == "EUR" and d["decided_by"] == "AUX staff"
            assert d["resolved_at"] and [f["original_name"] for f in d["evidence"]] == [
                "insights.pdf"
            ]
            assert d["evidence"][0]["url"].startswith("/bookings/")
        assert "money" in contract


def test_an_open_dispute_in_the_api_has_no_amounts_yet(disputed, brand_manager):
    api = APIClient()
    api.force_authenticate(brand_manager)
    d = api.get(f"/api/v1/milestones/{disputed.milestone_id}/").json()["dispute"]
    assert d["status"] == "open" and d["awarded_to_artist"] is None
    assert d["refunded_to_brand"] is None and d["decided_by"] == ""


def test_the_other_side_adds_its_statement_through_the_api(
    disputed, artist, brand_manager, brand_viewer, artist_user
):
    url = f"/api/v1/milestones/{disputed.milestone_id}/dispute/respond/"
    api = APIClient()
    api.force_authenticate(artist.user)
    bad = api.post(url, {"statement": ""}, format="json")
    assert bad.status_code == 400 and "statement" in bad.json()["errors"]
    assert api.post(url, {"statement": "x", "extra": 1}, format="json").status_code == 400
    ok = api.post(url, {"statement": STATEMENT}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["dispute"]["respondent_statement"] == STATEMENT
    assert api.post(url, {"statement": "again"}, format="json").status_code == 409
    for user, code in ((brand_manager, 403), (brand_viewer, 403), (artist_user, 404)):
        api.force_authenticate(user)
        assert api.post(url, {"statement": "x"}, format="json").status_code == code, user


def test_the_contract_api_reads_disputes_without_a_query_per_deliverable(
    contract, disputed, brand_manager, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(brand_manager)
    url = f"/api/v1/contracts/{contract.pk}/"
    api.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        api.get(url)
    for m in contract.milestones.exclude(pk=disputed.milestone_id):
        Milestone.objects.filter(pk=m.pk).update(status="submitted")
        services.dispute_open(actor=brand_manager, milestone=m, reason="late")
    with django_assert_max_num_queries(len(before.captured_queries)):
        api.get(url)


# --- the admin ------------------------------------------------------------------------------


def test_staff_resolve_in_currency_units_and_the_award_is_stored_in_minor_units(
    client, disputed, staff_user
):
    client.force_login(staff_user)
    page = client.get(_admin_url(disputed)).content.decode()
    assert 'name="artist_award"' in page and 'name="amount"' not in page
    assert REASON in page and "insights.pdf" in page and "€4,800" in page
    response = client.post(_admin_url(disputed),
                           {"artist_award": "3200.00", "decision_text": DECISION})  # fmt: skip
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == Dispute.Status.RESOLVED
    assert (disputed.decision, disputed.amount) == (Dispute.Decision.PARTIAL, 320_000)
    assert disputed.resolved_by == staff_user and disputed.decision_text == DECISION
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Dispute resolved: €3,200 to the artist, €1,600 refunded to the brand."]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("4800.01", "At most the disputed amount, €4,800."),
        ("99999999", "At most the disputed amount, €4,800."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
    ],
)
def test_a_bad_award_keeps_the_input_with_a_form_error_and_no_success_message(
    client, disputed, staff_user, typed, error
):
    client.force_login(staff_user)
    response = client.post(_admin_url(disputed),
                           {"artist_award": typed, "decision_text": DECISION})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    assert f'value="{typed}"' in html and DECISION in html  # what staff typed is kept
    assert not [m for m in get_messages(response.wsgi_request) if "success" in m.tags]
    assert "changed successfully" not in html
    disputed.refresh_from_db()
    assert disputed.status == Dispute.Status.OPEN and disputed.amount is None


def test_an_award_of_zero_cancels_and_the_full_amount_approves(
    client, contract, disputed, artist, brand_manager, staff_user
):
    client.force_login(staff_user)
    client.post(_admin_url(disputed), {"artist_award": "0", "decision_text": "Not delivered."})
    disputed.refresh_from_db()
    assert disputed.decision == Dispute.Decision.CANCEL and disputed.awarded_to_artist == 0
    assert disputed.refunded_to_brand == 480_000
    other = contract.milestones.exclude(pk=disputed.milestone_id).first()
    services.milestone_submit(actor=artist.user, milestone=other, note="done",
                              disclosure_confirmed=True)  # fmt: skip
    second = services.dispute_open(actor=artist.user, milestone=other, reason="No answer")
    client.post(_admin_url(second), {"artist_award": str(other.amount / 100),
                                     "decision_text": "Delivered."})  # fmt: skip
    second.refresh_from_db()
    assert second.decision == Dispute.Decision.APPROVE and second.amount == other.amount


def test_a_blank_decision_text_is_a_form_error(client, disputed, staff_user):
    client.force_login(staff_user)
    response = client.post(_admin_url(disputed), {"artist_award": "3200", "decision_text": ""})
    assert response.status_code == 200 and 'value="3200"' in response.content.decode()
    disputed.refresh_from_db()
    assert disputed.status == Dispute.Status.OPEN


def test_a_resolved_dispute_shows_its_decision_read_only_in_the_admin(client, disputed, staff_user):
    _resolve(disputed, staff_user)
    client.force_login(staff_user)
    html = client.get(_admin_url(disputed)).content.decode()
    assert DECISION in html and "Approve a partial amount" in html
    assert "€3,200" in html and "€1,600" in html
    assert 'name="artist_award"' not in html and 'name="decision_text"' not in html
    assert 'name="_save"' not in html
    # A post to a decided dispute changes nothing.
    client.post(_admin_url(disputed), {"artist_award": "0", "decision_text": "again"})
    disputed.refresh_from_db()
    assert disputed.amount == 320_000 and disputed.decision_text == DECISION


# --- the e-mail -----------------------------------------------------------------------------


def test_the_resolved_email_links_to_the_contract_page_where_the_outcome_is_shown(
    client, disputed, artist, staff_user, django_capture_on_commit_callbacks, settings
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(disputed, staff_user)
    email = next(
        m for m in mail.outbox if artist.user.email in m.to and "dispute" in m.subject.lower()
    )
    assert "See the outcome" in email.body
    link = re.search(r"See the outcome: (\S+)", email.body).group(1)
    path = link.removeprefix(settings.SITE_URL.rstrip("/"))
    assert (
        path
        == reverse("bookings:contract_detail", args=[disputed.milestone.contract_id])
        + f"#dispute-{disputed.pk}"
    )
    client.force_login(artist.user)
    html = client.get(path.split("#")[0]).content.decode()
    assert f'id="dispute-{disputed.pk}"' in html and DECISION in html


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_has_a_decided_dispute_that_both_demo_logins_read(client):
    import io

    from django.core.management import call_command

    from aux.demo import DEMO_LOGINS, DEMO_PASSWORD

    call_command("seed_demo", stdout=io.StringIO())
    dispute = Dispute.objects.get(
        status=Dispute.Status.RESOLVED,
        milestone__contract__artist__user__email=DEMO_LOGINS["artist"],
    )
    assert dispute.decision == Dispute.Decision.PARTIAL and dispute.respondent_statement
    assert 0 < dispute.amount < dispute.milestone.amount
    url = reverse("bookings:contract_detail", args=[dispute.milestone.contract_id])
    for role in ("artist", "brand"):
        assert client.login(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
        html = client.get(url).content.decode()
        section = html[html.index(f'id="dispute-{dispute.pk}"') :]
        assert "Decision of AUX staff on" in section and "awarded to the artist" in section
        client.logout()
