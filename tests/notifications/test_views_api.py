"""Pages (bell, list, read markers, preferences, unsubscribe) and the API: own rows only."""

import pytest
from django.urls import reverse

from aux.notifications import services
from aux.notifications.models import Channel, Kind, Notification, NotificationPreference
from tests.users.factories import UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    user = UserFactory()
    client.force_login(user)
    return user


# --- Pages --------------------------------------------------------------------------------------


def test_bell_in_the_navigation_shows_the_unread_count(client, me):
    NotificationFactory.create_batch(3, recipient=me)
    NotificationFactory(recipient=me, read_at="2026-01-01T00:00Z")
    NotificationFactory()  # someone else's
    html = client.get(reverse("users:dashboard"), follow=True).content.decode()
    assert 'id="notification-bell"' in html and 'data-count="3"' in html
    assert 'hx-trigger="every 30s, notifications-changed from:body"' in html
    fragment = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-count="3"' in fragment and "<html" not in fragment


def test_bell_is_absent_for_visitors(client, db):
    assert 'id="notification-bell"' not in client.get("/").content.decode()
    assert client.get(reverse("notifications:bell")).status_code == 302


def test_list_filters_unread_and_paginates(client, me):
    NotificationFactory.create_batch(25, recipient=me)
    NotificationFactory(recipient=me, text="Already seen", read_at="2026-01-01T00:00Z")
    NotificationFactory(text="Not mine")
    page1 = client.get(reverse("notifications:list")).content.decode()
    assert page1.count('<li id="notification-') == 20 and "Not mine" not in page1
    assert "Page 1 of 2" in page1 and "Already seen" in page1  # the newest
    unread = client.get(reverse("notifications:list"), {"unread": "true"}).content.decode()
    assert "Already seen" not in unread and unread.count('<li id="notification-') == 20
    unread_p2 = client.get(reverse("notifications:list"), {"unread": "true", "page": 2})
    assert unread_p2.content.decode().count('<li id="notification-') == 5


def test_list_empty_states(client, me):
    assert "No notifications yet" in client.get(reverse("notifications:list")).content.decode()
    html = client.get(reverse("notifications:list"), {"unread": "true"}).content.decode()
    assert "all caught up" in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, me):
    n = NotificationFactory(recipient=me, url="/briefs/")
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/briefs/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_offsite_link_is_never_followed(client, me):
    n = NotificationFactory(recipient=me, url="https://evil.example/")
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_a_404_on_the_site(client, me):
    other = NotificationFactory()
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_and_mark_all_read_by_htmx_tell_the_bell(client, me):
    a, _b = NotificationFactory.create_batch(2, recipient=me)
    response = client.post(
        reverse("notifications:read", args=[a.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Trigger"] == "notifications-changed"
    assert f'id="notification-{a.pk}"' in response.content.decode()
    assert "Mark read" not in response.content.decode()
    response = client.post(reverse("notifications:read_all"), headers={"HX-Request": "true"})
    assert response["HX-Trigger"] == "notifications-changed"
    assert 'id="notification-list"' in response.content.decode()
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()


def test_mark_read_needs_post(client, me):
    n = NotificationFactory(recipient=me)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405


def test_preferences_page_saves_and_shows_locked_kinds_disabled(client, me):
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert html.count("<select") == len(Kind.values) + 1  # + the language switcher
    assert html.count('value="off" disabled') == 3
    assert "Cannot be turned off" in html
    response = client.post(
        reverse("notifications:preferences"),
        {Kind.OFFER_RECEIVED: Channel.DAILY_DIGEST, Kind.BRIEF_MATCH: Channel.EMAIL_IMMEDIATE},
    )
    assert response.status_code == 302
    prefs = dict(NotificationPreference.objects.filter(user=me).values_list("kind", "channel"))
    assert prefs == {
        Kind.OFFER_RECEIVED: Channel.DAILY_DIGEST,
        Kind.BRIEF_MATCH: Channel.EMAIL_IMMEDIATE,
    }


def test_preferences_page_refuses_turning_off_a_locked_kind(client, me):
    response = client.post(reverse("notifications:preferences"), {Kind.PAYOUT_SENT: Channel.OFF})
    assert response.status_code == 400
    assert "always told when money is paid out" in response.content.decode()
    assert not NotificationPreference.objects.exists()


# --- Unsubscribe --------------------------------------------------------------------------------


def test_unsubscribe_link_works_without_login(client, db):
    user = UserFactory()
    token = services.unsubscribe_token_make(user_id=user.pk, kind=Kind.OFFER_RECEIVED)
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url, follow=True)  # via the session: tests/test_access_log_tokens.py
    assert page.status_code == 200 and "Stop these e-mails?" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # GET changes nothing
    done = client.post(url)  # no CSRF cookie, as a mail client's one-click POST
    assert done.status_code == 200 and "Unsubscribed" in done.content.decode()
    pref = NotificationPreference.objects.get(user=user, kind=Kind.OFFER_RECEIVED)
    assert pref.channel == Channel.IN_APP


def test_unsubscribe_from_a_locked_kind_keeps_it_in_app(client, db):
    user = UserFactory()
    token = services.unsubscribe_token_make(user_id=user.pk, kind=Kind.PAYOUT_SENT)
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert NotificationPreference.objects.get(user=user).channel == Channel.IN_APP


def test_a_tampered_unsubscribe_token_is_refused(client, db):
    user, victim = UserFactory(), UserFactory()
    token = services.unsubscribe_token_make(user_id=user.pk, kind=Kind.OFFER_RECEIVED)
    forged = token.replace(token.split(":")[0], services.unsubscribe_token_make(
        user_id=victim.pk, kind=Kind.OFFER_RECEIVED).split(":")[0])  # fmt: skip
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        response = client.post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_the_digest_unsubscribe_all_link_stops_every_email(client, db):
    user = UserFactory()
    token = services.unsubscribe_token_make(user_id=user.pk, kind=services.ALL_KINDS)
    client.post(reverse("notifications:unsubscribe", args=[token]))
    prefs = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    assert set(prefs.values()) == {Channel.IN_APP}
    assert Kind.BRIEF_MATCH not in prefs  # off by default: left off, not turned on
    assert Kind.PAYOUT_SENT in prefs


# --- API ----------------------------------------------------------------------------------------

API = "/api/v1/notifications/"


def test_api_needs_authentication(client, db):
    for method, path in [
        ("get", API), ("post", f"{API}1/read/"), ("post", f"{API}read-all/"),
        ("get", f"{API}preferences/"), ("patch", f"{API}preferences/"),
    ]:  # fmt: skip
        response = getattr(client, method)(path, content_type="application/json")
        assert response.status_code in (401, 403), path
        assert set(response.json()) == {"detail", "errors"}


def test_api_lists_only_my_notifications_with_unread_filter(client, me):
    mine = NotificationFactory(recipient=me, kind=Kind.OFFER_RECEIVED, target=me)
    NotificationFactory(recipient=me, read_at="2026-01-01T00:00Z")
    NotificationFactory()
    body = client.get(API).json()
    assert body["count"] == 2 and {"next", "previous", "results"} <= set(body)
    unread = client.get(API, {"unread": "true"}).json()
    assert [r["id"] for r in unread["results"]] == [mine.pk]
    row = unread["results"][0]
    assert row["kind"] == "offer.received" and row["is_read"] is False
    assert row["target_type"] == "users.user" and row["target_id"] == me.pk


def test_api_mark_read_is_404_for_someone_elses(client, me):
    other = NotificationFactory()
    response = client.post(f"{API}{other.pk}/read/")
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
    mine = NotificationFactory(recipient=me)
    response = client.post(f"{API}{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True


def test_api_read_all(client, me):
    NotificationFactory.create_batch(2, recipient=me)
    other = NotificationFactory()
    assert client.post(f"{API}read-all/").json() == {"marked": 2}
    other.refresh_from_db()
    assert other.read_at is None


def test_api_preferences_get_and_patch(client, me):
    rows = client.get(f"{API}preferences/").json()["preferences"]
    assert len(rows) == len(Kind.values)
    locked = {r["kind"] for r in rows if r["locked"]}
    assert locked == {Kind.CONTRACT_READY, Kind.PAYOUT_SENT, Kind.PAYOUT_FAILED}
    response = client.patch(
        f"{API}preferences/",
        {"preferences": [{"kind": "offer.received", "channel": "daily_digest"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    row = next(r for r in response.json()["preferences"] if r["kind"] == "offer.received")
    assert row["channel"] == "daily_digest"


@pytest.mark.parametrize(
    "payload",
    [
        {"preferences": [{"kind": "payout.sent", "channel": "off"}]},
        {"preferences": [{"kind": "offer.nope", "channel": "off"}]},
        {"preferences": [{"kind": "offer.received", "channel": "pigeon"}]},
        {"preferences": []},
    ],
)
def test_api_preferences_bad_input_is_a_400_with_the_error_shape(client, me, payload):
    response = client.patch(f"{API}preferences/", payload, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"]
    assert not NotificationPreference.objects.exists()


def test_api_preferences_patch_without_preferences_changes_nothing(client, me):
    response = client.patch(f"{API}preferences/", {}, content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()["preferences"]) == len(Kind.values)
    assert not NotificationPreference.objects.exists()


def test_api_unread_filter_refuses_a_value_other_than_true_or_false(client, me):
    response = client.get(f"{API}?unread=1")
    assert response.status_code == 400
    assert "unread" in response.json()["errors"]


def test_api_schema_documents_the_notification_paths(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for p in ["/api/v1/notifications/", "/api/v1/notifications/{id}/read/",
              "/api/v1/notifications/read-all/", "/api/v1/notifications/preferences/"]:  # fmt: skip
        assert p in paths, p
    assert {"200", "400", "401", "403"} <= set(
        paths["/api/v1/notifications/preferences/"]["patch"]["responses"]
    )
    assert "404" in paths["/api/v1/notifications/{id}/read/"]["post"]["responses"]
