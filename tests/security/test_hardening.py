"""Production hardening: request size limits, the admin's path, API throttles, no secrets in git."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from aux.api.throttles import BookingWriteThrottle
from tests.security.world import build_world

ROOT = Path(__file__).resolve().parents[2]


def test_request_size_limits_are_set_explicitly():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 5000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 100


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_any_view(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/api/v1/auth/token/",
        json.dumps({"email": "a@example.com", "password": "x" * 4096}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_admin_lives_at_the_configured_path():
    assert reverse("admin:index") == "/" + settings.ADMIN_URL


@pytest.mark.django_db
def test_the_api_answers_unknown_urls_with_the_json_error_shape(client):
    response = client.get("/api/v1/offers/not-a-number/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


@pytest.mark.django_db
def test_offer_creation_over_the_api_is_rate_limited_per_user(client, monkeypatch):
    monkeypatch.setattr(BookingWriteThrottle, "THROTTLE_RATES", {"offers": "2/min"})
    world = build_world()
    client.force_login(world.owner_a)
    statuses = []
    for _ in range(3):
        response = client.post(
            "/api/v1/offers/",
            json.dumps({"brief": world.published_a.pk, "artist": world.artist_b.slug}),
            content_type="application/json",
        )
        statuses.append(response.status_code)
    # The first creates, the second is a duplicate (409), the third is over the limit.
    assert statuses[:2] == [201, 409] and statuses[2] == 429
    assert client.get("/api/v1/offers/").status_code == 200  # reads are not throttled


@pytest.mark.django_db
def test_messages_over_the_api_are_rate_limited_per_user(client, monkeypatch):
    monkeypatch.setattr(BookingWriteThrottle, "THROTTLE_RATES", {"messages": "2/min"})
    world = build_world()
    client.force_login(world.artist_a.user)
    url = f"/api/v1/offers/{world.offer.pk}/messages/"
    statuses = [
        client.post(
            url, json.dumps({"body": f"hi {i}"}), content_type="application/json"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]


@pytest.mark.django_db
def test_the_offer_and_message_pages_share_the_apis_rate_limit(client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    from campaigns.bookings.models import Message, Offer

    # The base class: the pages and the API (BookingWriteThrottle) read the same rates.
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"offers": "1/min", "messages": "1/min"}
    )
    world = build_world()
    client.force_login(world.owner_a)
    offer_form = reverse("campaigns:offer_new", args=[world.published_a.pk])
    offers = Offer.objects.count()
    first = client.post(offer_form, {"artist": world.artist_b.slug})  # counted even when invalid
    second = client.post(offer_form, {"artist": world.artist_b.slug})
    assert first.status_code == 200 and second.status_code == 429
    assert "too fast" in second.content.decode() and Offer.objects.count() == offers

    thread = reverse("bookings:offer_thread", args=[world.offer.pk])
    client.post(thread, {"body": "First"}, HTTP_HX_REQUEST="true")
    refused = client.post(thread, {"body": "Second"}, HTTP_HX_REQUEST="true")
    assert "too fast" in refused.content.decode()
    assert list(Message.objects.filter(offer=world.offer).values_list("body", flat=True)) == [
        "First"
    ]


SECRET_PATTERNS = [
    re.compile(r"sk_live_[0-9a-zA-Z]{10,}"),
    re.compile(r"rk_live_[0-9a-zA-Z]{10,}"),
    re.compile(r"whsec_[0-9a-zA-Z]{20,}"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    re.compile(r"xox[abp]-[0-9A-Za-z-]{10,}"),
    re.compile(r"ghp_[0-9A-Za-z]{36}"),
]


def test_no_secret_is_committed_to_the_repository():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    hits = []
    for name in files:
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        hits += [f"{name}: {p.pattern}" for p in SECRET_PATTERNS if p.search(text)]
    assert not hits, hits


def test_production_settings_take_secrets_only_from_the_environment():
    source = (ROOT / "aux" / "settings.py").read_text()
    assert 'SECRET_KEY = env("SECRET_KEY")' in source  # no default outside DEBUG
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        assert re.search(rf'{name} = env\("{name}"', source), name
