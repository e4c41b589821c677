"""Demo data for `manage.py seed_demo`: deterministic (seeded RNG) and idempotent.

Running it again creates nothing new: every object is looked up by a natural key (slug, e-mail,
title) first. Later issues add their own objects (offers, contracts, payments) here.
"""

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from artists.models import (
    AgeShare,
    Artist,
    AudienceShare,
    MediaLink,
    Rate,
    Unavailability,
)
from artists.services import artists_fees_refresh, artists_search_tags_refresh
from artists.taxonomy import taxonomy_seed
from artists.verification import artist_verification_decide, artist_verification_request
from aux.users.models import User
from brands.models import Brand, BrandCategory, Membership
from brands.taxonomy import brand_categories_seed
from brands.verification import brand_verification_decide, brand_verification_request
from campaigns.bookings.models import Application, Contract, Milestone, Offer, Review
from campaigns.bookings.services import (
    application_eligibility,
    contract_cancel,
    contract_sign,
    dispute_open,
    dispute_resolve,
    dispute_respond,
    message_post,
    milestone_approve,
    milestone_request_changes,
    milestone_submit,
    offer_accept,
    offer_counter,
    offer_create,
    offer_decline,
    offer_expire,
    offer_prefill_lines,
    offer_withdraw,
    review_create,
)
from campaigns.briefs.matching_service import matches_recompute
from campaigns.briefs.models import Brief, BriefDeliverable
from campaigns.briefs.services import brief_close
from campaigns.briefs.snapshot_store import snapshot_build
from campaigns.reporting.models import MilestoneResult
from campaigns.reporting.services import REPORTABLE_STATUSES, result_report
from campaigns.reviews.selectors import reviews_published
from campaigns.reviews.services import review_reply
from payments.models import Payment, PaymentAccount, Payout
from payments.services import (
    payment_account_refresh,
    payment_pay_test,
    payment_start,
    payout_schedule,
    payouts_onboard,
)
from payments.stripe_gateway import PaymentError, account_retrieve

from .demo_outcomes import seed_outcomes

# Demo credentials only: printed by the command and the README, never used outside the demo.
DEMO_PASSWORD = "aux-demo-2026"  # noqa: S105
DEMO_LOGINS = {
    "artist": "artist@aux.test",
    "brand": "brand@aux.test",
    "staff": "staff@aux.test",
    # Paid 30% of the demo artist's Trailhead contract (aux/demo_splits.py).
    "co-owner": "coowner@aux.test",
}
ARTIST_COUNT = 320

# Base fee in euros for an artist with ~100k monthly listeners, per deliverable type.
BASE_FEES = {
    "live-show": 6000, "dj-set": 3000, "event-appearance": 1500, "social-post": 800,
    "short-video": 1200, "branded-playlist": 500, "sync-licence": 4000, "original-track": 7000,
    "recording-session": 2500,
}  # fmt: skip
COUNTRIES = [
    ("DE", ["Berlin", "Hamburg", "Cologne", "Munich"], 14),
    ("FR", ["Paris", "Lyon", "Marseille"], 12),
    ("GB", ["London", "Manchester", "Bristol", "Glasgow"], 14),
    ("US", ["Los Angeles", "New York", "Atlanta", "Nashville", "Chicago"], 18),
    ("NG", ["Lagos", "Abuja"], 6),
    ("ZA", ["Johannesburg", "Cape Town"], 5),
    ("BR", ["São Paulo", "Rio de Janeiro"], 6),
    ("KR", ["Seoul", "Busan"], 5),
    ("NL", ["Amsterdam", "Rotterdam"], 5),
    ("ES", ["Madrid", "Barcelona"], 5),
    ("SE", ["Stockholm", "Gothenburg"], 4),
    ("JP", ["Tokyo", "Osaka"], 4),
    ("MX", ["Mexico City", "Guadalajara"], 4),
    ("CA", ["Toronto", "Montreal"], 4),
    ("AU", ["Sydney", "Melbourne"], 4),
]
ADJECTIVES = [
    "Velvet", "Neon", "Golden", "Silent", "Electric", "Crimson", "Lunar", "Wild", "Paper",
    "Midnight", "Glass", "Static", "Honey", "Cosmic", "Hollow", "Saint", "Blue", "Amber",
    "Echo", "Kinetic", "Solar", "Ivory", "Rogue", "Tidal", "Analog", "Marble", "Fever", "Dusty",
]  # fmt: skip
NOUNS = [
    "Harbor", "Saints", "Tigers", "Signal", "Orchard", "Parade", "Rivers", "Machines", "Lights",
    "Ghosts", "Atlas", "Youth", "Comets", "Gardens", "Wolves", "Arcade", "Sirens", "Motel",
    "Cartel", "Season", "Wires", "Dunes", "Kites", "Bloom", "Satellites", "Hearts", "Theory",
]  # fmt: skip
FIRST = ["Lena", "Kofi", "Mara", "Yuki", "Theo", "Ines", "Ayo", "Nina", "Jonas", "Sofia", "Rafa",
         "Zoe", "Malik", "Elif", "Oskar", "Amara", "Luca", "Hana", "Noor", "Felix"]  # fmt: skip
BIO_LINES = [
    "Known for hypnotic late-night sets and a loyal community of dancers.",
    "Writes songs about cities, night buses and first loves.",
    "Blends live instruments with club production; tours festivals every summer.",
    "Independent since day one, with a fan base built one show at a time.",
    "Has scored two short films and a national TV campaign.",
    "Runs a monthly radio show and a small label for new voices.",
    "Collaborates with visual artists for immersive live performances.",
    "Grew up between two cultures; the music carries both.",
]


def _taxonomy() -> dict[str, dict[str, object]]:
    """The standard taxonomy (the same lists `manage.py seed_taxonomy` loads)."""
    seeded = taxonomy_seed()
    categories, _created = brand_categories_seed()
    return {
        "genres": seeded.genres,
        "moods": seeded.moods,
        "categories": categories,
        "deliverables": seeded.deliverables,
    }


def _user(email: str, name: str, role: str, password_hash: str, **extra) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"name": name, "role": role, "password": password_hash, **extra}
    )
    # Sign-in needs a confirmed address (ACCOUNT_EMAIL_VERIFICATION = mandatory).
    EmailAddress.objects.get_or_create(
        user=user, email=email.lower(), defaults={"primary": True, "verified": True}
    )
    return user


def _stage_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        shape = rng.random()
        if shape < 0.55:
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        elif shape < 0.8:
            name = f"{rng.choice(FIRST)} {rng.choice(NOUNS)}"
        elif shape < 0.9:
            name = f"DJ {rng.choice(ADJECTIVES)}"
        else:
            name = f"{rng.choice(FIRST)} & the {rng.choice(NOUNS)}"
        if slugify(name) not in seen:
            seen.add(slugify(name))
            names.append(name)
    return names


LANGUAGES_BY_COUNTRY = {
    "DE": ["de", "en"], "FR": ["fr", "en"], "GB": ["en"], "US": ["en", "es"], "NG": ["en", "yo"],
    "ZA": ["en", "zu"], "BR": ["pt"], "KR": ["ko", "en"], "NL": ["nl", "en"], "ES": ["es", "ca"],
    "SE": ["sv", "en"], "JP": ["ja"], "MX": ["es"], "CA": ["en", "fr"], "AU": ["en"],
}  # fmt: skip
_FOUR = Decimal("0.0001")


def _shares(weights: list[float], total: float) -> list[Decimal]:
    """Weights scaled to `total` (≤ 1), rounded down to 4 places so the sum never exceeds 1."""
    scale = total / sum(weights)
    return [Decimal(w * scale).quantize(_FOUR, rounding=ROUND_DOWN) for w in weights]


def _profile(artist: Artist, name: str, city: str) -> tuple[list, list, list]:
    """The rest of a full profile for one demo artist: languages, followers, engagement, a
    Markdown bio, audience by country (home country largest) and age, media links.

    Its own RNG, seeded by the slug: the main sequence (names, audiences, rates) is unchanged
    and each artist's extras are the same on every run."""
    prng = random.Random(f"aux-profile-{artist.slug}")
    home = str(artist.country)
    listeners = artist.monthly_listeners
    artist.languages = LANGUAGES_BY_COUNTRY.get(home, ["en"])[: prng.randint(1, 2)]
    artist.followers = {
        "spotify": int(listeners * prng.uniform(0.05, 0.4)),
        "instagram": int(listeners * prng.uniform(0.1, 1.2)),
        "tiktok": int(listeners * prng.uniform(0.0, 2.0)),
        "youtube": int(listeners * prng.uniform(0.02, 0.5)),
    }
    artist.engagement_rate = Decimal(prng.uniform(0.01, 0.12)).quantize(_FOUR)
    lines = prng.sample(BIO_LINES, 3)
    artist.bio = (
        f"**{name}** is based in {city}. {lines[0]}\n\n{lines[1]}\n\n"
        f"- {lines[2]}\n- Available for brand partnerships worldwide.\n\n"
        f"[Listen on the demo player](https://music.example/{artist.slug})"
    )
    others = prng.sample([c[0] for c in COUNTRIES if c[0] != home], prng.randint(2, 5))
    rest = sorted((prng.uniform(0.3, 1.5) for _ in others), reverse=True)
    weights = [prng.uniform(2.5, 5.0), *rest]
    country_shares = [
        AudienceShare(artist=artist, country=code, share=share)
        for code, share in zip([home, *others], _shares(weights, prng.uniform(0.75, 0.97)),
                               strict=True)
    ]  # fmt: skip
    buckets = [b for b, _label in AgeShare.Bucket.choices]
    peak = prng.choice([1, 1, 2, 2, 3])  # 18–24 and 25–34 most often
    age_weights = [max(0.05, 1.0 - abs(i - peak) * prng.uniform(0.35, 0.6)) for i in range(7)]
    age_shares = [
        AgeShare(artist=artist, bucket=bucket, share=share)
        for bucket, share in zip(buckets, _shares(age_weights, 1.0), strict=True)
    ]
    links = [
        MediaLink(artist=artist, kind=MediaLink.Kind.TRACK, title="Latest single",
                  url=f"https://music.example/{artist.slug}/latest"),
    ]  # fmt: skip
    if prng.random() < 0.7:
        links.append(MediaLink(artist=artist, kind=MediaLink.Kind.VIDEO, title="Live session",
                               url=f"https://video.example/{artist.slug}/live"))  # fmt: skip
    if prng.random() < 0.4:
        links.append(MediaLink(artist=artist, kind=MediaLink.Kind.PRESS_KIT, title="EPK 2026",
                               url=f"https://press.example/{artist.slug}.pdf"))  # fmt: skip
    return country_shares, age_shares, links


def _merge_periods(periods: list[Unavailability]) -> list[Unavailability]:
    """Random periods may overlap; the profile rules forbid that, so merge them."""
    merged: list[Unavailability] = []
    for period in sorted(periods, key=lambda p: p.start):
        if merged and period.start <= merged[-1].end:
            merged[-1].end = max(merged[-1].end, period.end)
        else:
            merged.append(period)
    return merged


def _first_release(slug: str, listeners: int, year: int) -> int | None:
    """A career length for the demo (its own generator: the rest of the demo stays as it was):
    unknown for a third, recent for most small acts, and some veterans with a small audience
    (who are not emerging)."""
    rng = random.Random(f"career-{slug}")
    if rng.random() < 0.33:
        return None
    if listeners < 50_000 and rng.random() < 0.8:
        return year - rng.randint(0, 6)
    return year - rng.randint(9, 35)


def _artists(rng: random.Random, tax: dict, artist_user: User) -> int:
    genres = list(tax["genres"].values())
    moods = list(tax["moods"].values())
    deliverables = list(tax["deliverables"].values())
    refusable = [tax["categories"][s] for s in ("alcohol", "gambling", "tobacco", "finance")]
    countries = [c for c in COUNTRIES for _ in range(c[2])]
    existing = set(Artist.objects.values_list("slug", flat=True))

    created: list[tuple[Artist, list, list, list, tuple]] = []
    today = date.today()
    for i, name in enumerate(_stage_names(rng, ARTIST_COUNT)):
        code, cities, _ = rng.choice(countries)
        # Log-uniform audience from a few hundred to ~10M: roughly half are emerging.
        listeners = int(10 ** rng.uniform(2.5, 7.0))
        slug = slugify(name)
        picks = (
            rng.sample(genres, rng.randint(1, 3)),
            rng.sample(moods, rng.randint(1, 3)),
            [c for c in refusable if rng.random() < 0.35],
        )
        if slug in existing:
            continue
        artist = Artist(
            user=artist_user if i == 0 else None,
            stage_name=name,
            slug=slug,
            bio=" ".join(rng.sample(BIO_LINES, 2)),
            city=rng.choice(cities),
            country=code,
            monthly_listeners=listeners,
            verified=listeners > 200_000 or rng.random() < 0.15,
            first_release_year=_first_release(slug, listeners, today.year),
        )
        extras = _profile(artist, name, artist.city)
        created.append((artist, *picks, extras))
    if not created:
        return 0

    Artist.objects.bulk_create([a for a, *_ in created])
    saved = {a.slug: a for a in Artist.objects.filter(slug__in=[a.slug for a, *_ in created])}
    genre_links, mood_links, refused_links, rates, gaps = [], [], [], [], []
    country_shares, age_shares, media_links = [], [], []
    for artist, artist_genres, artist_moods, refused, extras in created:
        artist = saved[artist.slug]
        for rows, out in zip(extras, (country_shares, age_shares, media_links), strict=True):
            for row in rows:
                row.artist = artist
            out += rows
        genre_links += [Artist.genres.through(artist=artist, genre=g) for g in artist_genres]
        mood_links += [Artist.moods.through(artist=artist, mood=m) for m in artist_moods]
        refused_links += [
            Artist.refused_categories.through(artist=artist, brandcategory=c) for c in refused
        ]
        currency = {"US": "USD", "GB": "GBP"}.get(str(artist.country), "EUR")
        scale = max(0.15, (artist.monthly_listeners / 100_000) ** 0.5)
        for d in rng.sample(deliverables, rng.randint(2, 5)):
            fee = max(100, round(BASE_FEES[d.slug] * scale * rng.uniform(0.7, 1.3) / 50) * 50)
            rates.append(
                Rate(artist=artist, deliverable_type=d, min_fee=fee * 100, currency=currency)
            )
        artist_gaps = []
        for _ in range(rng.randint(0, 3)):
            start = today + timedelta(days=rng.randint(0, 330))
            artist_gaps.append(
                Unavailability(
                    artist=artist,
                    start=start,
                    end=start + timedelta(days=rng.randint(2, 30)),
                    note=rng.choice(["On tour", "Studio", "Holiday", "Festival season"]),
                )
            )
        gaps += _merge_periods(artist_gaps)
    Artist.genres.through.objects.bulk_create(genre_links)
    Artist.moods.through.objects.bulk_create(mood_links)
    Artist.refused_categories.through.objects.bulk_create(refused_links)
    Rate.objects.bulk_create(rates)
    Unavailability.objects.bulk_create(gaps)
    AudienceShare.objects.bulk_create(country_shares)
    AgeShare.objects.bulk_create(age_shares)
    MediaLink.objects.bulk_create(media_links)
    # bulk_create on the M2M tables sends no signal: refresh the full-text search tags once.
    artists_search_tags_refresh(artist_ids=[a.pk for a in saved.values()])
    artists_fees_refresh(artist_ids=[a.pk for a in saved.values()])  # and the fees (search)
    return len(created)


BRANDS = [
    ("Fizzwave Cola", "beverages", "https://fizzwave.example", "brand@aux.test"),
    ("Nordlicht Apparel", "fashion", "https://nordlicht.example", "owner@nordlicht.test"),
    ("Pulse Audio", "tech", "https://pulse-audio.example", "owner@pulseaudio.test"),
    ("Maison Verre", "alcohol", "https://maisonverre.example", "owner@maisonverre.test"),
    ("Trailhead Sports", "sports", "https://trailhead.example", "owner@trailhead.test"),
]

BRIEFS = [
    # brand index, title, objective, status, deliverables, territories, genres, budget (EUR), days
    (0, "Summer of Fizz: festival stages", "live_event", "published",
     [("live-show", 3), ("social-post", 6)], ["DE", "FR", "NL"], ["house", "pop", "afrobeats"],
     (15_000, 60_000), (30, 120)),
    (0, "Fizzwave zero-sugar launch playlist", "launch", "published",
     [("branded-playlist", 1), ("short-video", 4)], ["GB", "US"], ["indie-pop", "rb"],
     (3_000, 12_000), (14, 60)),
    (0, "Holiday ad soundtrack", "sync", "draft",
     [("sync-licence", 1)], ["DE", "FR", "GB", "US"], ["soul", "folk"],
     (8_000, 25_000), (45, 90)),
    (1, "Nordlicht AW27 runway sound", "launch", "published",
     [("original-track", 1), ("dj-set", 1)], ["DE", "SE"], ["techno", "ambient"],
     (10_000, 30_000), (20, 40)),
    (1, "Store openings: in-store DJ nights", "engagement", "submitted",
     [("dj-set", 5)], ["DE", "NL"], ["deep-house", "disco"],
     (5_000, 15_000), (10, 100)),
    (2, "Pulse Buds launch creators", "awareness", "published",
     [("short-video", 6), ("social-post", 6)], ["US", "GB", "KR"], ["hip-hop", "k-pop", "trap"],
     (12_000, 40_000), (7, 50)),
    (2, "Studio sessions for the sound library", "recording", "draft",
     [("recording-session", 4)], ["US"], ["electronic", "jazz"],
     (6_000, 18_000), (60, 150)),
    (3, "Maison Verre rooftop summer", "live_event", "closed",
     [("live-show", 2), ("event-appearance", 2)], ["FR", "ES"], ["jazz", "soul", "latin"],
     (9_000, 28_000), (-120, -60)),
    (4, "Trailhead marathon playlist", "engagement", "published",
     [("branded-playlist", 2), ("social-post", 3)], ["GB", "US", "AU"], ["drum-bass", "grime"],
     (2_500, 9_000), (5, 45)),
    (4, "Winter trail film sync", "sync", "submitted",
     [("sync-licence", 1), ("original-track", 1)], ["CA", "SE"], ["folk", "alternative"],
     (7_000, 22_000), (30, 75)),
]  # fmt: skip


def _brands(rng: random.Random, tax: dict, password_hash: str) -> list[Brand]:
    brands = []
    for name, category, website, owner_email in BRANDS:
        owner = _user(owner_email, f"{name} owner", User.Role.BRAND, password_hash)
        brand, _ = Brand.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "category": tax["categories"][category],
                "website": website,
                # Fizzwave is verified through a request staff approved, Trailhead's request
                # waits in the staff queue (_verifications); the others were verified before.
                "verified": slugify(name) not in ("fizzwave-cola", "trailhead-sports"),
                "description": f"{name} partners with artists for campaigns people remember.",
            },
        )
        domain = website.split("//")[1]
        team = [
            (owner, Membership.Role.OWNER),
            (_user(f"manager@{domain}", "Campaign manager", User.Role.BRAND, password_hash),
             Membership.Role.MANAGER),
            (_user(f"viewer@{domain}", "Finance viewer", User.Role.BRAND, password_hash),
             Membership.Role.VIEWER),
        ]  # fmt: skip
        for user, role in team:
            Membership.objects.get_or_create(user=user, brand=brand, defaults={"role": role})
        brands.append(brand)
    return brands


def _briefs(tax: dict, brands: list[Brand]) -> int:
    today = date.today()
    made = 0
    for b, title, objective, status, items, territories, genres, budget, days in BRIEFS:
        brand = brands[b]
        if Brief.objects.filter(brand=brand, title=title).exists():
            continue
        brief = Brief.objects.create(
            brand=brand,
            created_by=brand.memberships.get(role=Membership.Role.OWNER).user,
            title=title,
            description=(
                f"{brand.name} is looking for artists for “{title}”. "
                "Tell us how you would make it yours."
            ),
            objective=objective,
            status=status,
            territories=territories,
            budget_min=budget[0] * 100,
            budget_max=budget[1] * 100,
            currency="EUR",
            start_date=today + timedelta(days=days[0]),
            end_date=today + timedelta(days=days[1]),
            emerging_share=Decimal("0.30"),
        )
        brief.genres.set([tax["genres"][g] for g in genres])
        for slug, quantity in items:
            BriefDeliverable.objects.create(
                brief=brief, deliverable_type=tax["deliverables"][slug], quantity=quantity
            )
        made += 1
    return made


def _rank_published_briefs() -> int:
    """Build the matching snapshot and rank every published brief, so match pages are filled."""
    snapshot_build()
    published = Brief.objects.filter(status=Brief.Status.PUBLISHED)
    for brief in published:
        matches_recompute(brief=brief)
    return published.count()


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create the demo world once; later calls find it and create nothing new."""
    rng = random.Random(20261125)
    password_hash = make_password(DEMO_PASSWORD)
    tax = _taxonomy()
    _user(DEMO_LOGINS["staff"], "AUX staff", User.Role.STAFF, password_hash,
          is_staff=True, is_superuser=True)  # fmt: skip
    artist_user = _user(DEMO_LOGINS["artist"], "Demo artist", User.Role.ARTIST, password_hash)
    new_artists = _artists(rng, tax, artist_user)
    brands = _brands(rng, tax, password_hash)
    _verifications(password_hash)
    new_briefs = _briefs(tax, brands)
    ranked = _rank_published_briefs()
    bookings = _bookings(password_hash)
    # Imported here: aux.demo_splits builds on this module's helpers (a circular import).
    from .demo_splits import seed_split_contract
    from .demo_terms import seed_deposit_and_terms

    bookings += seed_split_contract(password_hash)
    bookings += seed_deposit_and_terms()
    payments = _payments()
    answers = _review_answers()
    outcomes = seed_outcomes()
    return {
        "artists created": new_artists,
        "artists in total": Artist.objects.count(),
        "brands": Brand.objects.count(),
        "briefs created": new_briefs,
        "briefs in total": Brief.objects.count(),
        "published briefs ranked": ranked,
        "booking objects created": bookings,
        "results reported": _results(),
        "payments (fake Stripe)": payments,
        "review answers written": answers,
        "match outcomes simulated": outcomes,
    }


# --- Bookings: offers, contracts, milestones, messages, reviews, open calls in every state -------
# Made through the campaigns services (as the brand's owner and the artists), so every object is
# one the site itself could have made. Contracts are funded through the payments services and the
# local fake Stripe when it answers (see _payments below); without it an escrow is only marked
# funded so that deliverables can move. Idempotent: skipped once Fizzwave has offers.

DEMO_BAND_LOGINS = ["band1@aux.test", "band2@aux.test", "band3@aux.test"]


def _demo_lines(brief, artist) -> list[dict]:
    lines = offer_prefill_lines(brief=brief, artist=artist)
    for line in lines:
        if not line["fee"]:
            line["fee"] = (
                BASE_FEES.get(line["deliverable_type"].slug, 1000) * 100 * line["quantity"]
            )
    return lines


def _claim_bands(password_hash: str) -> list[Artist]:
    """Three more artists with accounts (the first unclaimed ones by slug), to book besides the
    demo artist; looked up by their login first, so a second run claims nobody new."""
    bands = []
    for i, email in enumerate(DEMO_BAND_LOGINS, start=1):
        user = _user(email, f"Band member {i}", User.Role.ARTIST, password_hash)
        artist = Artist.objects.filter(user=user).first()
        if artist is None:
            artist = Artist.objects.filter(user__isnull=True).order_by("slug").first()
            artist.user = user
            artist.save(update_fields=["user"])
        bands.append(artist)
    return bands


def _offer(brand_user, brief, artist, *, message: str = "", **terms):
    return offer_create(actor=brand_user, brief=brief, artist=artist,
                        lines=_demo_lines(brief, artist), message=message, **terms)  # fmt: skip


def _signed(brand_user, brief, artist, *, funded: bool = True, **terms):
    """Offer → accepted by the artist → signed by both (→ funded): an active contract."""
    offer = offer_accept(actor=artist.user, offer=_offer(brand_user, brief, artist, **terms))
    contract = offer.contract
    for user in (brand_user, artist.user):
        contract_sign(actor=user, contract=contract, full_name=user.name, confirm=True)
    if funded:
        _demo_fund(brand_user, contract)
        contract.refresh_from_db()
    return contract


def _submit(artist, milestone, note: str) -> None:
    milestone_submit(actor=artist.user, milestone=milestone, note=note,
                     links=[f"https://media.example/{milestone.pk}"],
                     disclosure_confirmed=True)  # fmt: skip


def _complete(brand_user, artist, contract, reviews: tuple[tuple[int, str], ...] = ()) -> None:
    for m in contract.milestones.order_by("pk"):
        _submit(artist, m, "Delivered as agreed.")
        milestone_approve(actor=brand_user, milestone=m)
    contract.refresh_from_db()
    for user, (rating, text) in zip((brand_user, artist.user), reviews, strict=False):
        review_create(actor=user, contract=contract, rating=rating, text=text)


def _applications(briefs: dict[str, Brief], demo_artist: Artist) -> int:
    """Two open calls: applicants on Fizzwave's festival brief (pending and declined) and the
    demo artist's own application to Trailhead's playlist brief."""
    made = 0
    fizz = briefs["Summer of Fizz: festival stages"]
    trail = briefs["Trailhead marathon playlist"]
    Brief.objects.filter(pk__in=[fizz.pk, trail.pk]).update(open_call=True)
    pitches = [
        "We have played three summer festivals in Germany; our sets build to a singalong.",
        "A duo with a live drummer: we would bring the energy and film every show for you.",
        "Our fans are 18–30 and love sparkling drinks; happy to shoot posts backstage.",
    ]
    candidates = Artist.objects.filter(user__isnull=True).order_by("slug")
    chosen = []
    for artist in candidates.iterator():
        if not application_eligibility(brief=fizz, artist=artist):
            chosen.append(artist)
        if len(chosen) == len(pitches):
            break
    for i, (artist, pitch) in enumerate(zip(chosen, pitches, strict=False)):
        declined = i == len(pitches) - 1
        _, created = Application.objects.get_or_create(
            brief=fizz, artist=artist,
            defaults={
                "pitch": pitch, "links": [f"https://media.example/{artist.slug}"],
                "proposed_fee": (fizz.budget_min or 0) + 50_000 * (i + 1), "currency": "EUR",
                "status": "declined" if declined else "pending",
                "decline_reason": "We are looking for a headliner this year." if declined else "",
            },
        )  # fmt: skip
        made += created
    _, created = Application.objects.get_or_create(
        brief=trail, artist=demo_artist,
        defaults={"pitch": "Running is how I write: I would make this playlist from my own "
                           "long-run mixes.", "links": ["https://media.example/demo-artist"],
                  "proposed_fee": 400_000, "currency": "EUR"},
    )  # fmt: skip
    return made + created


def _bookings(password_hash: str) -> int:
    """Offers in every state, contracts (awaiting signature, active, disputed, completed,
    cancelled), milestones (pending, submitted, approved, changes requested, disputed), a message
    thread, reviews, and open-call applications; the demo artist and Fizzwave in most of them."""
    briefs = {b.title: b for b in Brief.objects.filter(status=Brief.Status.PUBLISHED)}
    demo = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    made = _applications(briefs, demo)
    fizz = Brand.objects.get(slug="fizzwave-cola")
    if Offer.objects.filter(brief__brand=fizz).exists():
        return made
    owner = User.objects.get(email=DEMO_LOGINS["brand"])
    f1, f2 = (
        briefs["Summer of Fizz: festival stages"],
        briefs["Fizzwave zero-sugar launch playlist"],
    )
    band1, band2, band3 = _claim_bands(password_hash)

    # Demo artist × Fizzwave: a disputed contract: one deliverable decided by staff (two thirds
    # awarded to the artist, the rest refunded to the brand; both statements and the decision
    # on the contract page), one dispute still open ...
    disputed = _signed(owner, f1, demo)
    first, second, *_ = list(disputed.milestones.order_by("pk"))
    _submit(demo, first, "Main stage show, Berlin: set list and photos.")
    first_dispute = dispute_open(
        actor=owner, milestone=first, reason="The set ran 40 minutes instead of the agreed 60."
    )
    dispute_respond(
        actor=demo.user, milestone=first,
        statement="The stage opened 20 minutes late; I played until the curfew.",
    )  # fmt: skip
    award = first.amount * 2 // 3 // 100 * 100  # two thirds, in whole euros
    dispute_resolve(
        actor=User.objects.get(email=DEMO_LOGINS["staff"]), dispute=first_dispute,
        decision="partial", amount=award,
        decision_text="The organiser's log confirms the late opening, which was not the "
        "artist's doing; the set still fell 20 minutes short of the agreed 60. Two thirds of "
        "the fee go to the artist, the rest is refunded to Fizzwave.",
    )  # fmt: skip
    _submit(demo, second, "Six posts published with the #ad label.")
    dispute_open(actor=owner, milestone=second, reason="Only four of the six posts went live.")
    # ... a contract both sides cancelled before signing ...
    offer = offer_accept(actor=demo.user, offer=_offer(owner, f2, demo))
    contract_cancel(actor=owner, contract=offer.contract, reason="The launch moved to next year.")
    contract_cancel(actor=demo.user, contract=offer.contract, reason="Agreed.")
    # ... last summer's Maison Verre rooftop shows, done, with a 12-month drinks exclusivity
    # (made while that brief was published, which then closed) ...
    _exclusive_rooftop_summer(demo)
    # ... and, now, a fresh offer waiting for the artist (open 3 days) and a counter waiting for
    # the brand; Fizzwave sent both knowing they break that exclusivity (both sides see it).
    sent = _offer(owner, f1, demo, message="We loved your last festival run. Two more shows?",
                  expires_in_days=3, confirm_exclusivity_conflict=True)  # fmt: skip
    message_post(actor=demo.user, offer=sent, body="Thanks! Could the shows be on weekends?")
    message_post(actor=owner, offer=sent, body="Yes, both on Saturdays.")
    countered = _offer(owner, f2, demo, confirm_exclusivity_conflict=True)
    lines = _demo_lines(f2, demo)
    for line in lines:
        line["fee"] = line["fee"] * 12 // 10
    offer_counter(actor=demo.user, offer=countered, lines=lines,
                  message="A bit more for four videos, please.")  # fmt: skip

    # Fizzwave with the other bands: awaiting signature, active, completed, declined, withdrawn,
    # expired.
    offer = offer_accept(actor=band1.user, offer=_offer(owner, f1, band1))
    contract_sign(actor=owner, contract=offer.contract, full_name=owner.name, confirm=True)
    active = _signed(owner, f2, band1)
    first, second, *_ = list(active.milestones.order_by("pk"))
    _submit(band1, first, "Playlist live: 40 tracks, cover art attached.")
    _submit(band1, second, "Four videos, links below.")
    milestone_request_changes(actor=owner, milestone=second,
                              reason="Please show the can in the first three seconds.")  # fmt: skip
    message_post(actor=band1.user, offer=active.offer, body="Playlist is up, videos next week.")
    message_post(actor=owner, offer=active.offer, body="Great, the team loves the cover.")
    message_post(actor=band1.user, offer=active.offer, body="Re-cut of the videos on Friday.")
    _complete(
        owner,
        band2,
        _signed(owner, f1, band2),
        reviews=((5, "On time, great crowd work."), (5, "Clear brief, paid fast.")),
    )
    offer_decline(actor=band2.user, offer=_offer(owner, f2, band2),
                  reason="We are on tour in those weeks.")  # fmt: skip
    offer_withdraw(actor=owner, offer=_offer(owner, f1, band3))
    # Expired before band 3 answered: Fizzwave can renew it in one click from the offer page.
    late = _offer(owner, f2, band3, expires_in_days=2)
    offer_expire(offer=late, now=late.expires_at + timedelta(seconds=1))

    # The demo artist with other brands: a completed, reviewed booking and a declined offer.
    pulse_owner = User.objects.get(email="owner@pulseaudio.test")
    pulse = briefs["Pulse Buds launch creators"]
    _complete(
        pulse_owner,
        demo,
        _signed(pulse_owner, pulse, demo),
        reviews=((4, "Great videos, one day late."), (5, "Friendly team, fair terms.")),
    )
    nordlicht = briefs["Nordlicht AW27 runway sound"]
    nord_owner = User.objects.get(email="owner@nordlicht.test")
    offer_decline(actor=demo.user, offer=_offer(nord_owner, nordlicht, demo),
                  reason="Runway techno is not my sound.")  # fmt: skip
    return made + Offer.objects.filter(brief__brand=fizz).count()


def _exclusive_rooftop_summer(demo: Artist) -> None:
    """The demo artist's completed Maison Verre booking, with exclusivity in Beverages for 12
    months from its start (120 days ago): the warnings on Fizzwave's offers come from it."""
    rooftop = Brief.objects.get(title="Maison Verre rooftop summer")
    owner = rooftop.brand.memberships.get(role=Membership.Role.OWNER).user
    Brief.objects.filter(pk=rooftop.pk).update(status=Brief.Status.PUBLISHED)
    rooftop.refresh_from_db()
    contract = _signed(owner, rooftop, demo, message="Two rooftop evenings in Paris and Madrid.",
                       exclusivity_category=BrandCategory.objects.get(slug="beverages"),
                       exclusivity_months=12)  # fmt: skip
    brief_close(actor=owner, brief=rooftop)
    _complete(owner, demo, contract, reviews=((5, "Magic on the roof, twice."),))


# --- Payments: the money path through the local fake Stripe (payments.devstripe) ----------------
# `make run` starts the fake Stripe before seeding (with its state kept in var/), so the demo
# artists onboard their payouts, the brands fund contracts with a test card and approved
# deliverables are paid by transfers, all through the real services and gateway. When it does not
# answer (tests calling seed_demo, `manage.py seed_demo` on its own) this part is skipped with a
# message and escrows are only marked funded, as before.

_stripe_state: dict[str, bool] = {}


def _stripe_reachable() -> bool:
    """The local fake Stripe answers at STRIPE_API_BASE (asked once per process; never Stripe)."""
    import urllib.request

    from django.conf import settings

    base = settings.STRIPE_API_BASE.rstrip("/")
    if base not in _stripe_state:
        ok = settings.STRIPE_SECRET_KEY.startswith("sk_test_") and base.startswith(
            ("http://127.0.0.1", "http://localhost")
        )
        if ok:
            try:
                with urllib.request.urlopen(base + "/js.stripe.com/v3/", timeout=1) as r:  # noqa: S310
                    ok = r.status == 200
            except (OSError, ValueError):
                ok = False
        _stripe_state[base] = ok
    return _stripe_state[base]


def _demo_onboard(user: User) -> None:
    """The user sets up payouts: Express account, then the fake Stripe's onboarding form."""
    import urllib.request

    account = PaymentAccount.objects.filter(user=user).first()
    if account is not None and account.payouts_enabled and account.transfers_active:
        return
    back = "http://127.0.0.1/payments/payouts/onboard/return/"
    url = payouts_onboard(actor=user, return_url=back, refresh_url=back)
    # What the artist's "Complete test onboarding" button does on the fake Stripe's page.
    request = urllib.request.Request(url.split("?")[0], data=b"", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310 (loopback fake Stripe)
        pass
    payment_account_refresh(user=user)


def _demo_fund(brand_user: User, contract) -> bool:
    """Fund `contract` with the test Visa card through the services; True when it was paid.

    Without the fake Stripe (or if it refuses), the escrow is only marked funded so that the
    demo's deliverables can still move; _payments() reports such contracts.
    """
    if _stripe_reachable():
        try:
            with transaction.atomic():
                _demo_onboard(contract.artist.user)
                payment = payment_start(actor=brand_user, contract=contract)
                payment = payment_pay_test(actor=brand_user, payment=payment,
                                           payment_method="pm_card_visa")  # fmt: skip
            if payment.status == "succeeded":
                return True
        except PaymentError as e:
            print(f"seed_demo: the fake Stripe refused funding contract #{contract.pk}: {e}")
    Contract.objects.filter(pk=contract.pk).update(funded=True, funded_at=contract.signed_at)
    return False


def _payments() -> str:
    """Onboard the demo artists' payouts and pay what is owed, through the fake Stripe. Idempotent.

    Bookings are funded as they are made (_demo_fund); here, on every run, the demo artist and
    the bands with contracts have payouts set up, and approved deliverables of paid-in contracts
    that have no sent payout yet (e.g. the fake Stripe was down) are paid. Returns a line for
    the command's summary.
    """
    from django.conf import settings

    if not _stripe_reachable():
        return (f"skipped: the fake Stripe does not answer at {settings.STRIPE_API_BASE} "
                "(`make run` starts it); escrows are only marked funded")  # fmt: skip
    users = [User.objects.get(email=DEMO_LOGINS["artist"])]
    users += list(User.objects.filter(email__in=DEMO_BAND_LOGINS, artist__contracts__isnull=False)
                  .distinct().order_by("email"))  # fmt: skip
    try:
        for user in users:
            with transaction.atomic():
                _demo_onboard(user)
    except PaymentError as e:
        return f"skipped: the fake Stripe refused onboarding ({e})"
    lost = []
    for account in PaymentAccount.objects.filter(user__in=users):
        try:
            account_retrieve(account.stripe_account_id)
        except PaymentError:
            lost.append(account.stripe_account_id)
    if lost:
        # The database remembers Stripe objects the fake Stripe no longer has (its state file
        # was removed): payouts to these accounts would fail.
        return (f"the fake Stripe does not know {', '.join(lost)}: its state file is gone; "
                "delete db.sqlite3 too (or `make clean`) to reseed both")  # fmt: skip
    owed = (
        Milestone.objects.filter(
            status=Milestone.Status.APPROVED, contract__payments__status=Payment.Status.SUCCEEDED
        )
        .exclude(payouts__status=Payout.Status.SENT)
        .values_list("pk", flat=True)
        .distinct()
    )
    for milestone_id in list(owed):
        transaction.on_commit(lambda m=milestone_id: payout_schedule(milestone_id=m))
    unpaid = (
        Contract.objects.filter(funded=True)
        .exclude(payments__status=Payment.Status.SUCCEEDED)
        .count()
    )
    note = f"{Payment.objects.filter(status='succeeded').count()} contracts paid in"
    note += f", {Payout.objects.filter(status='sent').count()} payouts sent"
    if owed:
        note += f", {len(owed)} approved deliverables to pay once seeded"
    if unpaid:
        note += (
            f"; {unpaid} contracts were marked funded without a payment when seeded without "
            "the fake Stripe (delete db.sqlite3 and var/devstripe-state.pickle to reseed)"
        )
    return note


# --- Result reporting: figures on the handed-in deliverables (campaigns.reporting.services) ------
# So the campaign reports show real numbers. Deterministic (values from the deliverable's title)
# and idempotent (a deliverable that already has figures is left alone).


def _results() -> int:
    """Each submitted, approved, paid or disputed demo deliverable gets two or three figures."""
    import zlib

    kinds_by_type = {
        "live": [("attendance", 2_000), ("tickets", 1_500)],
        "playlist": [("streams", 40_000), ("saves", 3_000), ("playlist_followers", 800)],
    }
    made = 0
    done = set(MilestoneResult.objects.values_list("milestone_id", flat=True))
    milestones = Milestone.objects.filter(status__in=REPORTABLE_STATUSES).select_related(
        "contract__artist__user", "contract__brand", "deliverable_type"
    )
    for m in milestones.order_by("pk"):
        user = m.contract.artist.user
        if m.pk in done or user is None:
            continue
        slug = (m.deliverable_type.slug if m.deliverable_type else "") + m.title.lower()
        kinds = next((v for k, v in kinds_by_type.items() if k in slug),
                     [("views", 60_000), ("likes", 4_000), ("comments", 300)])  # fmt: skip
        seed = zlib.crc32(m.title.encode())
        for i, (kind, base) in enumerate(kinds):
            value = base + (seed >> (i * 4)) % base
            result_report(actor=user, milestone=m, kind=kind, value=value,
                          evidence_url=f"https://stats.aux.test/m{m.pk}/{kind}")  # fmt: skip
            made += 1
    return made


# --- Verification requests and answers to reviews ----------------------------------------------
# Through the services, as on the site: Fizzwave's manager (an address on its domain) asked and
# staff approved, so its page says what was checked; Trailhead's request and one band's wait in
# the staff queue. The demo artist and Fizzwave answered a published review each.


def _verifications(password_hash: str) -> None:
    staff = User.objects.get(email=DEMO_LOGINS["staff"])
    for slug, number, contact, approve in [
        ("fizzwave-cola", "HRB 204 118", "Lena Vogt", True),
        ("trailhead-sports", "RCS 902 441 576", "Sam Okafor", False),
    ]:
        brand = Brand.objects.get(slug=slug)
        if brand.verified or brand.verification_requests.exists():
            continue
        domain = brand.website.split("//")[1]
        request = brand_verification_request(
            actor=User.objects.get(email=f"manager@{domain}"), brand=brand,
            website_domain=domain, registration_number=number, contact_name=contact,
        )  # fmt: skip
        if approve:
            brand_verification_decide(actor=staff, request=request, approve=True)
    demo = Artist.objects.get(user__email=DEMO_LOGINS["artist"])
    if not demo.verified and not demo.verification_requests.exists():
        request = artist_verification_request(
            actor=demo.user, artist=demo,
            links=[f"https://open.spotify.com/artist/aux-demo-{demo.slug}",
                   f"https://www.instagram.com/{demo.slug}"],
        )  # fmt: skip
        artist_verification_decide(actor=staff, request=request, approve=True)
    band = _claim_bands(password_hash)[2]
    if not band.verified and not band.verification_requests.exists():
        artist_verification_request(
            actor=band.user, artist=band,
            links=[f"https://{band.slug}.bandcamp.com/", f"https://soundcloud.com/{band.slug}"],
        )  # fmt: skip


def _review_answers() -> int:
    answers = [
        # (reviewed side's login, review author's side, answer)
        (DEMO_LOGINS["artist"], "brand",
         "Thank you! The last clip was re-shot after the rain; worth the extra day, I hope."),
        (DEMO_LOGINS["brand"], "artist", "Thank you, see you on the festival stages next summer!"),
    ]  # fmt: skip
    made = 0
    for email, author_side, text in answers:
        user = User.objects.get(email=email)
        if Review.objects.filter(replied_by=user).exists():
            continue
        about = (
            {"contract__artist__user": user} if author_side == "brand"
            else {"contract__brand__memberships__user": user}
        )  # fmt: skip
        review = reviews_published().filter(
            author_side=author_side, replied_at__isnull=True, **about
        )
        review = review.order_by("pk").first()
        if review is not None:
            review_reply(actor=user, review=review, text=text)
            made += 1
    return made
