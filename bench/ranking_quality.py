"""Ranking quality of the matching engine, judged (not a timing): prints numbers.

    .venv/bin/python bench/ranking_quality.py                 # 2,400 artists, 12 briefs
    .venv/bin/python bench/ranking_quality.py --artists 5000 --seed 3 --json
    .venv/bin/python bench/ranking_quality.py --brief french-rap --show 20
    .venv/bin/python bench/ranking_quality.py --fit          # learn weights from outcomes (DB)

A seeded synthetic world that looks like a real catalogue: artists in ~40 real music cities, each
city with its own genre mix (Lagos: afrobeats, Medellín: reggaeton, Nashville: country, Berlin:
techno...) and languages; audiences log-normal (median ~20k monthly listeners, a long tail into
the tens of millions) spread over the home country, its neighbours and diaspora and the big
markets; fees growing with the audience, in EUR, USD or GBP. Each artist has *true facts* (what a
buyer who knows the scene knows) and a *profile* (what the engine sees): profiles miss audience
data (more often for newcomers), some list one country only or one stray chart country at 100 %,
age and engagement are often missing, a few artists are listed twice with other figures.

Twelve briefs, each with a written statement of what the buyer wants. The relevance of every
artist to a brief (0–3) comes from a rule over the true facts, written down before looking at the
engine's score and sharing nothing with its formula (`judge`):

  0  cannot be booked for the brief (does not offer a deliverable asked for, the fee for the
     brief is above the budget, unavailable on the dates, refuses the brand's category), or
     none of its genres is in the family of a genre the brief asks for;
  otherwise, points:
     +1 a genre of the brief's family (reggaeton brief: a "Latin" artist);
     +1 more for one of the brief's own genres;
     +1 a real audience where the brief runs: at least `local_min` true listeners in the
        brief's countries, or based in one of them;
     -1 the brief wants a language (French rap: French) the artist does not sing in;
     -1 the artist's size is outside the band the buyer wants (a headliner, a rising act...);
  clipped to 0–3 (3: what the buyer asked for; 2: a good fit with one compromise; 1: a stretch).

Printed per brief and on average, for the engine (`rank()` with the production weights and
emerging threshold from settings, the brief's fair-exposure share) and for a naive baseline (the
same hard filters, then artists sharing one of the brief's genres, largest audience first):
nDCG@10 and @20 (gain 2^rel − 1), precision@10 (rel ≥ 2), market fit@20 (share of the top 20
with a real audience in the brief's countries), emerging@20 (share of the top 20 under the
emerging threshold) and relevant emerging@20 (emerging with rel ≥ 2), and the exposure ratio
emerging / established among the relevant (rel ≥ 2) bookable artists (Singh & Joachims: mean
exposure 1/log2(1 + position) over the top 20, 0 below it; 1 = parity).

tests/campaigns/test_ranking_quality.py pins the engine's averages (a change that lowers them
fails) and its lead over the baseline.

`--fit` learns the part weights from what brands did with their matches (the database's
MatchExposure and MatchOutcome rows: `manage.py seed_demo` seeds a history): one row per artist
shown for a brief, its part values and best position, labelled by its furthest outcome (opened
1, shortlisted 2, offered 3, accepted 4, booked 5). A logistic regression (numpy, Newton steps,
L2) of "shortlisted or better" on the part values (no data: the part's mean, as neutral as the
engine's leaving it out) and log2(1 + position) (so that being shown first is not credited to
the parts) on 70 % of the briefs; the learned weights are the positive coefficients, scaled to
the hand weights' sum. Both weightings then re-rank the other 30 % of the briefs' shown artists
and are compared by nDCG@10 (gain 2^grade − 1). The hand weights (settings.AUX_MATCH_WEIGHTS)
stay the ranking's weights; the script only says whether the learned ones would win.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aux.settings")
os.environ.setdefault("DEBUG", "1")  # a local benchmark, like `make run`

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:  # run as a script; under pytest Django is already set up
    django.setup()

from django.conf import settings  # noqa: E402

from artists.taxonomy import DELIVERABLE_TYPES, GENRE_PARENTS, GENRES, MOODS  # noqa: E402
from campaigns.matching import PARTS, ArtistSnapshot, BriefQuery, rank  # noqa: E402

TODAY = dt.date(2027, 3, 1)
DATES = (TODAY + dt.timedelta(days=60), TODAY + dt.timedelta(days=67))  # every brief's
GENRE_ID = {name: i + 1 for i, name in enumerate(GENRES)}
TYPE_ID = {name: i + 1 for i, (name, _desc) in enumerate(DELIVERABLE_TYPES)}
ALCOHOL = 1  # the brand category some artists refuse
LANGUAGE_NAMES = {
    "fr": "French", "en": "English", "es": "Spanish", "ko": "Korean", "ja": "Japanese",
    "pt": "Portuguese", "de": "German", "nl": "Dutch", "ar": "Arabic", "hi": "Hindi",
    "yo": "Yoruba", "zu": "Zulu", "sv": "Swedish", "ca": "Catalan",
}  # fmt: skip


def family(genre: str) -> str:
    """The root of a genre's branch of the taxonomy (as the engine's genre families)."""
    while genre in GENRE_PARENTS:
        genre = GENRE_PARENTS[genre]
    return genre


@dataclass(frozen=True)
class Scene:
    city: str
    country: str
    languages: tuple[str, ...]
    genres: dict[str, int]  # genre → weight in the city's mix
    size: int  # relative number of artists
    spill: tuple[str, ...]  # where the audience spills over: neighbours, diaspora


# One line per scene: city, country, languages, genre mix (weights), relative size, where the
# audience spills over (neighbours, diaspora).
# fmt: off
SCENES = [
    Scene("Paris", "FR", ("fr",), {"Hip-Hop": 5, "Trap": 3, "Pop": 2, "House": 1, "R&B": 1, "Jazz": 1, "Electronic": 1}, 9, ("BE", "CH", "CA", "MA")),  # noqa: E501
    Scene("Marseille", "FR", ("fr",), {"Hip-Hop": 5, "Trap": 2, "Pop": 1}, 4, ("BE", "CH", "MA")),
    Scene("Lyon", "FR", ("fr",), {"Electronic": 2, "Indie Pop": 2, "Hip-Hop": 2, "Techno": 1}, 2, ("BE", "CH")),  # noqa: E501
    Scene("Brussels", "BE", ("fr", "nl"), {"Hip-Hop": 3, "Pop": 1, "Electronic": 1}, 2, ("FR", "NL")),  # noqa: E501
    Scene("Montréal", "CA", ("fr", "en"), {"Indie Pop": 2, "Indie Rock": 2, "Hip-Hop": 1, "Electronic": 1}, 3, ("FR", "US")),  # noqa: E501
    Scene("London", "GB", ("en",), {"Grime": 2, "Hip-Hop": 2, "Pop": 2, "Indie Rock": 2, "Drum & Bass": 1, "House": 1, "Afrobeats": 1, "R&B": 1, "Soul": 1, "Jazz": 1}, 9, ("IE", "US", "AU")),  # noqa: E501
    Scene("Manchester", "GB", ("en",), {"Indie Rock": 3, "Alternative": 2, "Indie Pop": 1, "Techno": 1}, 3, ("IE", "US")),  # noqa: E501
    Scene("Glasgow", "GB", ("en",), {"Indie Rock": 2, "Folk": 1, "Indie Pop": 1}, 2, ("IE",)),
    Scene("Lagos", "NG", ("en", "yo"), {"Afrobeats": 6, "Amapiano": 1, "Dancehall": 1, "Gospel": 1, "Hip-Hop": 1}, 6, ("GH", "GB", "US", "KE")),  # noqa: E501
    Scene("Accra", "GH", ("en",), {"Afrobeats": 3, "Dancehall": 1, "Gospel": 1, "Hip-Hop": 1}, 2, ("NG", "GB")),  # noqa: E501
    Scene("Johannesburg", "ZA", ("en", "zu"), {"Amapiano": 4, "House": 2, "Deep House": 2, "Gospel": 1, "Hip-Hop": 1}, 4, ("NG", "GB", "KE")),  # noqa: E501
    Scene("Kingston", "JM", ("en",), {"Dancehall": 5, "Gospel": 1}, 2, ("US", "GB", "CA")),
    Scene("Seoul", "KR", ("ko",), {"K-Pop": 6, "Hip-Hop": 2, "R&B": 2, "Indie Pop": 1}, 7, ("JP", "US", "PH", "ID")),  # noqa: E501
    Scene("Busan", "KR", ("ko",), {"K-Pop": 1, "Hip-Hop": 2, "Indie Rock": 1}, 1, ("JP",)),
    Scene("Tokyo", "JP", ("ja",), {"J-Pop": 5, "Rock": 1, "Electronic": 1, "Jazz": 1, "Metal": 1}, 6, ("KR", "TW", "US")),  # noqa: E501
    Scene("Osaka", "JP", ("ja",), {"J-Pop": 2, "Rock": 1, "Hip-Hop": 1}, 2, ("TW",)),
    Scene("Mexico City", "MX", ("es",), {"Regional Mexican": 2, "Reggaeton": 2, "Latin": 2, "Pop": 1, "Indie Rock": 1}, 6, ("US", "CO", "ES")),  # noqa: E501
    Scene("Guadalajara", "MX", ("es",), {"Regional Mexican": 4, "Latin": 1}, 3, ("US",)),
    Scene("Medellín", "CO", ("es",), {"Reggaeton": 6, "Latin": 2}, 5, ("MX", "ES", "US", "AR")),
    Scene("Bogotá", "CO", ("es",), {"Reggaeton": 2, "Latin": 2, "Pop": 1, "Electronic": 1}, 3, ("MX", "ES")),  # noqa: E501
    Scene("San Juan", "PR", ("es", "en"), {"Reggaeton": 5, "Trap": 2, "Latin": 1}, 3, ("US", "MX", "CO", "ES")),  # noqa: E501
    Scene("Madrid", "ES", ("es",), {"Pop": 2, "Reggaeton": 2, "Latin": 1, "Indie Pop": 2, "Hip-Hop": 1}, 5, ("MX", "AR", "CO")),  # noqa: E501
    Scene("Barcelona", "ES", ("es", "ca"), {"Electronic": 2, "Indie Pop": 2, "Techno": 1, "Latin": 1}, 3, ("FR", "MX")),  # noqa: E501
    Scene("Buenos Aires", "AR", ("es",), {"Latin": 2, "Trap": 2, "Rock": 2, "Reggaeton": 1}, 3, ("ES", "MX", "CL")),  # noqa: E501
    Scene("Nashville", "US", ("en",), {"Country": 7, "Folk": 2, "Rock": 1, "Gospel": 1, "Blues": 1}, 6, ("CA", "AU", "GB")),  # noqa: E501
    Scene("Austin", "US", ("en",), {"Country": 2, "Indie Rock": 2, "Blues": 1, "Folk": 1}, 3, ("CA",)),  # noqa: E501
    Scene("Atlanta", "US", ("en",), {"Hip-Hop": 3, "Trap": 3, "R&B": 2, "Gospel": 2}, 6, ("CA", "GB", "FR")),  # noqa: E501
    Scene("Los Angeles", "US", ("en",), {"Pop": 3, "Hip-Hop": 2, "Indie Pop": 1, "R&B": 1, "Rock": 1, "Electronic": 1}, 8, ("CA", "GB", "MX", "AU")),  # noqa: E501
    Scene("New York", "US", ("en",), {"Hip-Hop": 3, "Jazz": 2, "Indie Rock": 1, "Pop": 1, "Soul": 1, "House": 1}, 7, ("CA", "GB", "FR")),  # noqa: E501
    Scene("Chicago", "US", ("en",), {"House": 2, "Hip-Hop": 2, "Blues": 2, "Gospel": 1, "Jazz": 1}, 3, ("CA", "GB")),  # noqa: E501
    Scene("Berlin", "DE", ("de", "en"), {"Techno": 5, "House": 2, "Deep House": 1, "Electronic": 2, "Ambient": 1, "Indie Pop": 1}, 6, ("NL", "AT", "CH", "PL")),  # noqa: E501
    Scene("Hamburg", "DE", ("de",), {"Hip-Hop": 2, "Indie Rock": 2, "Pop": 1}, 2, ("AT", "CH")),
    Scene("Amsterdam", "NL", ("nl", "en"), {"House": 3, "Techno": 2, "Deep House": 2, "Electronic": 2}, 3, ("BE", "DE", "GB")),  # noqa: E501
    Scene("São Paulo", "BR", ("pt",), {"Brazilian": 4, "Funk": 2, "Hip-Hop": 1, "Electronic": 1}, 6, ("PT", "US", "AR")),  # noqa: E501
    Scene("Rio de Janeiro", "BR", ("pt",), {"Brazilian": 4, "Funk": 3, "Pop": 1}, 4, ("PT",)),
    Scene("Lisbon", "PT", ("pt",), {"Brazilian": 1, "Folk": 1, "Pop": 1, "Electronic": 1}, 2, ("BR", "FR")),  # noqa: E501
    Scene("Mumbai", "IN", ("hi", "en"), {"Indian": 5, "Hip-Hop": 1, "Electronic": 1, "Pop": 1}, 5, ("AE", "GB", "US")),  # noqa: E501
    Scene("Cairo", "EG", ("ar",), {"Arabic": 5, "Pop": 1, "Hip-Hop": 1}, 4, ("SA", "AE", "MA")),
    Scene("Casablanca", "MA", ("ar", "fr"), {"Arabic": 3, "Hip-Hop": 2, "Pop": 1}, 2, ("FR", "BE", "EG")),  # noqa: E501
    Scene("Dubai", "AE", ("ar", "en"), {"Arabic": 2, "Pop": 1, "Electronic": 1}, 2, ("SA", "EG", "IN")),  # noqa: E501
    Scene("Stockholm", "SE", ("sv", "en"), {"Pop": 3, "Electronic": 2, "Metal": 1, "Indie Pop": 1}, 3, ("NO", "DK", "DE")),  # noqa: E501
    Scene("Sydney", "AU", ("en",), {"Indie Rock": 2, "Pop": 1, "Electronic": 1}, 2, ("NZ", "GB")),
]
# fmt: on
BIG_MARKETS = ("US", "GB", "DE", "FR", "BR", "MX", "JP")
CURRENCY_OF = {"US": "USD", "GB": "GBP"}
POPULAR = ["Pop", "Hip-Hop", "K-Pop", "Afrobeats", "Reggaeton", "Latin", "House", "R&B", "Country",
           "Techno", "Trap", "Indie Pop"]  # fmt: skip
DJ_GENRES = {"House", "Deep House", "Techno", "Electronic", "Amapiano", "Drum & Bass", "Ambient"}
# Fee per deliverable type, as a multiple of the artist's base fee (~€780 at 20k listeners).
FEE_FACTOR = {
    "Live show": 4.0, "DJ set": 2.5, "Event appearance": 1.5, "Social post": 1.0,
    "Short video": 1.2, "Branded playlist": 0.5, "Sync licence": 3.0, "Original track": 4.0,
    "Recording session": 2.0,
}  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "ra", "zen", "tu", "vi", "no", "sa", "ri", "jo", "el", "da",
             "ny", "ko", "ba", "lu", "ma", "xo", "fi", "ze", "yu", "an", "or"]  # fmt: skip
BIO_WORDS = ["studio", "tour", "debut", "single", "album", "festival", "club", "crowd", "night",
             "stage", "collective", "label", "radio", "remix", "vinyl", "session", "summer",
             "streets", "love", "city", "family", "roots", "future", "sound"]  # fmt: skip


@dataclass
class Artist:
    """True facts (what a buyer who knows the scene knows) and the profile the engine sees."""

    id: int
    name: str
    city: str
    country: str
    languages: tuple[str, ...]
    genres: list[str]
    listeners: int  # true monthly listeners
    audience: dict[str, float]  # true share of listeners per country
    fees: dict[str, tuple[int, str]]  # deliverable type name → (min fee, minor units; currency)
    unavailable: list[tuple[dt.date, dt.date]]
    refuses_alcohol: bool
    profile: dict[str, Any] = field(default_factory=dict)  # the engine's record


@dataclass(frozen=True)
class Brief:
    """A brief and what its buyer wants, in words and as the judging rule's parameters."""

    key: str
    wants: str  # what a human buyer wants, in words
    text: str
    genres: tuple[str, ...]
    territories: tuple[str, ...]
    deliverables: dict[str, int]
    budget: tuple[int, int]  # whole currency units
    currency: str = "EUR"
    objective: str = "awareness"
    moods: tuple[str, ...] = ()
    age: tuple[int, int] = (18, 34)
    emerging_share: float = 0.3
    category: int | None = None
    language: str | None = None
    local_min: int = 5_000  # true listeners in the brief's countries for a "real audience" there
    size: tuple[int, int] = (0, 10**9)  # the total audience band the buyer wants
    audience_size: str = ""  # what the brand picks on the brief for that band ("": any)


BRIEFS = [
    Brief("french-rap", "French-language rap artists with a real following in France and Belgium "
          "for a sneaker launch; from rising to big names; posts and short videos.",
          "Sneaker launch in Paris: French rap artists for posts and short videos",
          ("Hip-Hop", "Trap"), ("FR", "BE", "CH"), {"Social post": 2, "Short video": 1},
          (3_000, 40_000), objective="launch", language="fr", local_min=10_000),
    Brief("k-pop", "K-pop acts known in Korea for a cosmetics campaign; Korean-language; "
          "established or rising, short videos.",
          "Skincare campaign in Seoul with K-pop artists", ("K-Pop",), ("KR",),
          {"Short video": 2}, (5_000, 120_000), language="ko", local_min=20_000,
          size=(30_000, 10**9)),
    Brief("reggaeton-drinks", "Reggaeton for a drinks brand's summer tour in Mexico, Colombia and "
          "Spain; must play live, must accept alcohol brands; Spanish-language.",
          "Summer beach tour for a drinks brand: reggaeton live shows",
          ("Reggaeton",), ("MX", "CO", "ES"), {"Live show": 1}, (5_000, 150_000),
          objective="live_event", category=ALCOHOL, language="es", local_min=20_000,
          moods=("Energetic",)),
    Brief("afrobeats", "Afrobeats artists with audiences in Nigeria and the UK for a mobile "
          "network; posts; any size from 20k listeners up.",
          "Mobile network campaign: afrobeats artists in Lagos and London",
          ("Afrobeats",), ("NG", "GB"), {"Social post": 3}, (2_000, 60_000),
          local_min=10_000, size=(20_000, 10**9)),
    Brief("country-sync", "An existing country song for a pickup-truck ad in the US; the artist "
          "should be heard in America; mid-size or bigger.",
          "Pickup truck TV ad: licence an existing country song", ("Country",), ("US",),
          {"Sync licence": 1}, (3_000, 80_000), currency="USD", objective="sync",
          language="en", local_min=20_000, size=(50_000, 10**9), age=(25, 54),
          audience_size="established"),
    Brief("indie-coffee", "Small indie (pop or rock) acts for a coffee chain in the UK and the "
          "US; tiny budget; emerging artists welcome; under 150k listeners.",
          "Coffee shop chain: indie acoustic sessions filmed in our shops",
          ("Indie Pop", "Indie Rock"), ("GB", "US"), {"Short video": 1}, (300, 4_000),
          currency="GBP", objective="engagement", emerging_share=0.4, language="en",
          local_min=2_000, size=(0, 150_000), moods=("Chill",), audience_size="emerging"),
    Brief("berlin-techno", "Techno or house DJs for a club night series in Berlin and Amsterdam; "
          "DJ sets; known in the German or Dutch scene.",
          "Club night series in Berlin: techno and house DJ sets", ("Techno", "House"),
          ("DE", "NL"), {"DJ set": 2}, (1_000, 20_000), objective="live_event",
          local_min=3_000, moods=("Dark", "Energetic")),
    Brief("anime-sync", "A J-pop song for an anime opening, known in Japan; Japanese-language; "
          "established acts.",
          "Anime opening theme: license a J-pop song", ("J-Pop",), ("JP",),
          {"Sync licence": 1}, (5_000, 100_000), objective="sync", language="ja",
          local_min=30_000, size=(100_000, 10**9), audience_size="established"),
    Brief("brazil-festival", "Brazilian artists (funk, MPB, sertanejo...) playing live at a "
          "festival in São Paulo; Portuguese-language.",
          "São Paulo festival stage: Brazilian artists live", ("Brazilian", "Funk"),
          ("BR", "PT"), {"Live show": 1}, (3_000, 100_000), objective="live_event",
          language="pt", local_min=20_000, moods=("Feel-good",)),
    Brief("jazz-luxury", "Jazz or soul artists curating a playlist for a luxury brand in France, "
          "the UK and the US; any size.",
          "Luxury maison: a jazz and soul playlist curated by an artist", ("Jazz", "Soul"),
          ("FR", "GB", "US"), {"Branded playlist": 1}, (500, 15_000), objective="engagement",
          local_min=5_000, age=(25, 54)),
    Brief("gospel-community", "Gospel singers for community events in the US and Nigeria; "
          "appearances; small budget; rising artists welcome.",
          "Community gospel nights: appearances by gospel singers", ("Gospel",),
          ("US", "NG"), {"Event appearance": 1}, (300, 6_000), currency="USD",
          objective="engagement", emerging_share=0.4, local_min=3_000, size=(0, 500_000)),
    Brief("ramadan-arabic", "Arabic-language artists for a Ramadan campaign in Egypt, Saudi "
          "Arabia, the Emirates and Morocco; short videos; known in the region.",
          "Ramadan campaign across the Middle East and North Africa: Arabic music",
          ("Arabic",), ("EG", "SA", "AE", "MA"), {"Short video": 2}, (2_000, 60_000),
          language="ar", local_min=20_000),
]  # fmt: skip


# ---- the world ------------------------------------------------------------------------------
def world(n: int = 2_400, *, seed: int = 15) -> list[Artist]:
    """N artists (plus ~1 % listed twice), deterministic for a seed."""
    # Python's generator: numpy's costs ~10 µs per scalar draw, and the world draws ~100k
    rng = random.Random(seed)
    types = list(FEE_FACTOR)
    artists: list[Artist] = []
    for i in range(n):
        sc = rng.choices(SCENES, weights=[s.size for s in SCENES])[0]
        n_genres = rng.choices([1, 2, 3], weights=[0.45, 0.4, 0.15])[0]
        pool = dict(sc.genres)
        genres = []
        while pool and len(genres) < n_genres:  # weighted, without replacement
            g = rng.choices(list(pool), weights=list(pool.values()))[0]
            genres.append(g)
            del pool[g]
        if rng.random() < 0.1:  # a broad tag added by the artist ("Pop", "Electronic")
            genres.append(rng.choice(["Pop", "Electronic", "Hip-Hop", "R&B"]))
        genres = list(dict.fromkeys(genres))
        listeners = int(min(max(10 ** rng.gauss(4.3, 1.0), 50), 8e7))
        # the home country's share: big acts are more global
        home = rng.gauss(0.7 - 0.06 * max(0.0, math.log10(listeners) - 4), 0.1)
        home = min(max(home, 0.15), 0.95)
        others = list(dict.fromkeys([*sc.spill, *BIG_MARKETS]))
        others = [c for c in others if c != sc.country]
        rest = _dirichlet(rng, [3.0 if c in sc.spill else 1.0 for c in others])
        audience = {sc.country: home} | {
            c: s * (1 - home) for c, s in zip(others, rest, strict=True)
        }
        languages = tuple(lang for lang in sc.languages if lang == sc.languages[0] or
                          rng.random() < 0.5)  # fmt: skip
        is_dj = bool(set(genres) & DJ_GENRES)
        offer_p = {
            "Live show": 0.35 if is_dj else 0.8, "DJ set": 0.85 if is_dj else 0.05,
            "Event appearance": 0.45, "Social post": 0.8, "Short video": 0.7,
            "Branded playlist": 0.3, "Sync licence": 0.5, "Original track": 0.3,
            "Recording session": 0.3,
        }  # fmt: skip
        currency = CURRENCY_OF.get(sc.country, "EUR")
        base = 150 * (listeners / 1000) ** 0.55
        fees = {
            t: (int(base * FEE_FACTOR[t] * rng.lognormvariate(0, 0.4)) * 100, currency)
            for t in types
            if rng.random() < offer_p[t]
        }
        unavailable = []
        if rng.random() < 0.15:
            s = TODAY + dt.timedelta(days=rng.randrange(20, 120))
            unavailable.append((s, s + dt.timedelta(days=rng.randrange(5, 40))))
        name = "".join(rng.choices(SYLLABLES, k=rng.randrange(2, 4)))
        a = Artist(
            id=i + 1, name=name.capitalize(), city=sc.city, country=sc.country,
            languages=languages, genres=genres, listeners=listeners, audience=audience,
            fees=fees, unavailable=unavailable, refuses_alcohol=bool(rng.random() < 0.08),
        )  # fmt: skip
        a.profile = _profile(a, rng)
        artists.append(a)
    # ~1 % listed twice (an import from two sources): same facts, other figures on the profile
    for j in rng.sample(range(n), n // 100):
        src = artists[j]
        dup = Artist(**{**src.__dict__, "id": len(artists) + 1, "profile": {}})
        dup.profile = _profile(dup, rng)
        dup.profile["monthly_listeners"] = int(src.listeners * rng.uniform(0.6, 1.3))
        artists.append(dup)
    return artists


def _dirichlet(rng: random.Random, alpha: Sequence[float]) -> list[float]:
    draws = [rng.gammavariate(x, 1.0) for x in alpha]
    total = sum(draws)
    return [d / total for d in draws]


def _profile(a: Artist, rng: random.Random) -> dict[str, Any]:
    """What the artist's AUX profile says: partial and noisy, as real profiles are."""
    newcomer = a.listeners < 20_000
    r = rng.random()
    if r < (0.25 if newcomer else 0.08):
        audience: dict[str, float] = {}  # never filled in
    elif r < (0.35 if newcomer else 0.14):
        # one chart country at 100 %: sometimes the home country, sometimes a stray chart entry
        c = a.country if rng.random() < 0.6 else rng.choice(BIG_MARKETS)
        audience = {c: 1.0}
    else:
        top = sorted(a.audience.items(), key=lambda kv: -kv[1])[: rng.randrange(3, 9)]
        audience = {c: round(s, 3) for c, s in top}
    age = {}
    if rng.random() < 0.7:
        age = dict(zip(["13-17", "18-24", "25-34", "35-44", "45-54"],
                       (round(x, 3) for x in _dirichlet(rng, [1, 4, 4, 2, 1])),
                       strict=True))  # fmt: skip
    # genres as the artist tagged them: sometimes only the broader genre, sometimes one left
    # out; a few stuff their profile with popular genres to be found
    tags = []
    for g in a.genres:
        r = rng.random()
        if r < 0.12 and g in GENRE_PARENTS:
            tags.append(GENRE_PARENTS[g])
        elif r >= 0.17:
            tags.append(g)
    tags = tags or [a.genres[0]]
    if rng.random() < 0.04:
        tags += rng.sample(POPULAR, rng.randrange(3, 6))
    tags = list(dict.fromkeys(tags))
    lang_words = " ".join(LANGUAGE_NAMES[lang] for lang in a.languages)
    bio = " ".join(rng.choices(BIO_WORDS, k=rng.randrange(4, 12)))
    return {
        "id": a.id,
        "genres": [GENRE_ID[g] for g in tags],
        "moods": [m + 1 for m in rng.sample(range(len(MOODS)), 2)],
        "audience": audience,
        "age": age,
        "monthly_listeners": int(a.listeners * rng.uniform(0.9, 1.1)),
        "followers": {"instagram": int(a.listeners * rng.uniform(0.05, 1.5))},
        "engagement_rate": round(rng.betavariate(2, 40), 4) if rng.random() < 0.6 else 0.0,
        "verified": bool(rng.random() < min(0.9, 0.05 + 0.12 * math.log10(1 + a.listeners / 1e3))),
        "rates": {TYPE_ID[t]: fee for t, fee in a.fees.items()},
        "unavailable": list(a.unavailable),
        "refused_categories": [ALCOHOL] if a.refuses_alcohol else [],
        "languages": list(a.languages),
        "text": f"{a.name} {', '.join(tags)} from {a.city}, sings in {lang_words}. {bio}",
        "rating": round(rng.uniform(3.0, 5.0), 1) if rng.random() < 0.25 else None,
    }


# ---- judging ---------------------------------------------------------------------------------
def brief_fee(a: Artist, b: Brief) -> float:
    """The artist's fee for the brief in the brief's currency (minor units), ∞ if it lacks a
    deliverable: Σ min fee × quantity, converted with the settings' rates."""
    fx = settings.AUX_FX_RATES
    total = 0.0
    for t, qty in b.deliverables.items():
        if t not in a.fees:
            return math.inf
        fee, cur = a.fees[t]
        total += round(fee * fx[cur] / fx[b.currency]) * qty
    return total


def bookable(a: Artist, b: Brief) -> bool:
    """The hard facts: every deliverable offered, within the budget, free on the dates, accepts
    the brand's category."""
    start, end = _dates()
    return (
        brief_fee(a, b) <= b.budget[1] * 100
        and not any(s <= end and e >= start for s, e in a.unavailable)
        and not (b.category == ALCOHOL and a.refuses_alcohol)
    )


def judge(a: Artist, b: Brief) -> int:
    """The buyer's grade 0–3 for an artist, from the true facts (see the module docstring)."""
    if not bookable(a, b):
        return 0
    families = {family(g) for g in b.genres}
    if not any(family(g) in families for g in a.genres):
        return 0
    grade = 1 + any(g in b.genres for g in a.genres)
    local = a.listeners * sum(a.audience.get(c, 0.0) for c in b.territories)
    grade += local >= b.local_min or a.country in b.territories
    grade -= b.language is not None and b.language not in a.languages
    grade -= not b.size[0] <= a.listeners < b.size[1]
    return max(0, min(3, grade))


def _dates() -> tuple[dt.date, dt.date]:
    return DATES


# ---- the two rankings ------------------------------------------------------------------------
def engine_query(b: Brief) -> BriefQuery:
    start, end = _dates()
    return BriefQuery(
        deliverables={TYPE_ID[t]: q for t, q in b.deliverables.items()},
        budget_min=b.budget[0] * 100,
        budget_max=b.budget[1] * 100,
        currency=b.currency,
        start_date=start,
        end_date=end,
        objective=b.objective,
        territories=b.territories,
        age_min=b.age[0],
        age_max=b.age[1],
        genres=[GENRE_ID[g] for g in b.genres],
        moods=[MOODS.index(m) + 1 for m in b.moods],
        brand_category=b.category,
        emerging_share=b.emerging_share,
        fairness="fair",
        alpha=settings.AUX_FAIRNESS_ALPHA,
        text=b.text,
        genre_families={GENRE_ID[g]: GENRE_ID[family(g)] for g in GENRES if family(g) != g},
        ignore_words=[*GENRES, *MOODS],
        audience_size=b.audience_size,
        languages=(b.language,) if b.language else (),
    )


def engine_top(snap: ArtistSnapshot, b: Brief, k: int = 50) -> list[int]:
    got = rank(
        snap,
        engine_query(b),
        weights=settings.AUX_MATCH_WEIGHTS,
        k=k,
        emerging_threshold=settings.AUX_EMERGING_MAX_LISTENERS,
        fx=settings.AUX_FX_RATES,
    )
    return [m.artist_id for m in got.matches]


def baseline_top(artists: Sequence[Artist], b: Brief, k: int = 50) -> list[int]:
    """What a team without an engine would write: the hard filters, artists sharing one of the
    brief's genres (as their profile says), largest audience first."""
    want = {GENRE_ID[g] for g in b.genres}
    keep = [a for a in artists if bookable(a, b) and want & set(a.profile["genres"])]
    keep.sort(key=lambda a: (-a.profile["monthly_listeners"], a.id))
    return [a.id for a in keep[:k]]


# ---- metrics ---------------------------------------------------------------------------------
def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def metrics(top: list[int], grades: dict[int, int], b: Brief, by_id: dict[int, Artist]) -> dict:
    emerging_max = settings.AUX_EMERGING_MAX_LISTENERS
    ideal = sorted(grades.values(), reverse=True)
    got = [grades.get(i, 0) for i in top]
    out: dict[str, float | None] = {}
    for k in (10, 20):
        best = dcg(ideal[:k])
        out[f"ndcg@{k}"] = dcg(got[:k]) / best if best else None
    out["p@10"] = sum(g >= 2 for g in got[:10]) / 10
    top20 = [by_id[i] for i in top[:20]]
    n20 = max(1, len(top20))

    def local(a: Artist) -> bool:
        there = a.listeners * sum(a.audience.get(c, 0.0) for c in b.territories)
        return there >= b.local_min or a.country in b.territories

    def emerging(a: Artist) -> bool:  # as the engine sees it: listeners and followers
        followers = sum(a.profile["followers"].values())
        return a.profile["monthly_listeners"] < emerging_max and followers < emerging_max

    out["market@20"] = sum(local(a) for a in top20) / n20
    out["emerging@20"] = sum(emerging(a) for a in top20) / n20
    out["rel_emerging@20"] = sum(emerging(a) and grades.get(a.id, 0) >= 2 for a in top20) / n20
    # exposure per relevant bookable artist, by group (Singh & Joachims' demographic parity)
    pos = {aid: i + 1 for i, aid in enumerate(top[:20])}
    exposure: dict[bool, list[float]] = {True: [], False: []}
    for aid, g in grades.items():
        if g >= 2:
            p = pos.get(aid)
            exposure[emerging(by_id[aid])].append(1 / math.log2(1 + p) if p else 0.0)
    em, est = (float(np.mean(exposure[x])) if exposure[x] else None for x in (True, False))
    out["exposure_ratio"] = em / est if em is not None and est else None
    return out


METRICS = ("ndcg@10", "ndcg@20", "p@10", "market@20", "emerging@20", "rel_emerging@20",
           "exposure_ratio")  # fmt: skip


def evaluate(n: int = 2_400, *, seed: int = 15) -> dict[str, Any]:
    """Every brief's metrics for the engine and the baseline, and their means."""
    artists = world(n, seed=seed)
    by_id = {a.id: a for a in artists}
    snap = ArtistSnapshot.from_records([a.profile for a in artists])
    per_brief = {}
    for b in BRIEFS:
        grades = {a.id: g for a in artists if (g := judge(a, b))}
        per_brief[b.key] = {
            "judged_relevant": sum(g >= 2 for g in grades.values()),
            "engine": metrics(engine_top(snap, b), grades, b, by_id),
            "baseline": metrics(baseline_top(artists, b), grades, b, by_id),
        }
    mean = {}
    for who in ("engine", "baseline"):
        mean[who] = {}
        for m in METRICS:
            vals = [r[who][m] for r in per_brief.values() if r[who][m] is not None]
            mean[who][m] = round(float(np.mean(vals)), 3) if vals else None
    return {"artists": len(artists), "seed": seed, "briefs": per_brief, "mean": mean}


def _fmt(v: float | None) -> str:
    return "   –" if v is None else f"{v:5.2f}"


def show(artists: list[Artist], key: str, n: int) -> None:
    """A brief's top n for the engine and the baseline, with each artist's grade and facts."""
    b = next(x for x in BRIEFS if x.key == key)
    by_id = {a.id: a for a in artists}
    snap = ArtistSnapshot.from_records([a.profile for a in artists])
    print(f"{b.key}: {b.wants}")
    for who, top in (("engine", engine_top(snap, b)), ("baseline", baseline_top(artists, b))):
        print(f"-- {who}")
        for i, aid in enumerate(top[:n]):
            a = by_id[aid]
            genres, langs = "/".join(a.genres), ",".join(a.languages)
            print(f"{i + 1:3} grade {judge(a, b)}  {a.name:<12} {a.city:<14} {genres:<28} "
                  f"{a.listeners:>10,}  langs {langs}")  # fmt: skip


# ---- learning the part weights from outcomes -----------------------------------------------------
GRADE = {"opened": 1, "shortlisted": 2, "offered": 3, "accepted": 4, "booked": 5}


def outcome_rows() -> list[dict[str, Any]]:
    """One row per (brief, artist) shown: its part values (as last shown), best position and
    furthest outcome (0: none)."""
    from campaigns.briefs.models import MatchExposure, MatchOutcome

    grades: dict[tuple[int, int], int] = {}
    for key in MatchOutcome.objects.values_list("brief_id", "artist_id", "kind"):
        grades[key[:2]] = max(grades.get(key[:2], 0), GRADE[key[2]])
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    shown = MatchExposure.objects.order_by("shown_at", "pk")
    for brief, artist, position, parts in shown.values_list(
        "brief_id", "artist_id", "position", "parts"
    ).iterator():
        r = rows.setdefault((brief, artist), {"brief": brief, "position": position})
        r["position"] = min(r["position"], position)
        r["parts"] = parts
    for key, r in rows.items():
        r["grade"] = grades.get(key, 0)
    return list(rows.values())


def _matrix(rows: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Part values (NaN: no data) and their known flags, one column per part."""
    x = np.array(
        [[np.nan if r["parts"].get(p) is None else r["parts"][p] for p in PARTS] for r in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(PARTS))
    return x, ~np.isnan(x)


def weighted_scores(x: np.ndarray, known: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The engine's score: 100 × Σ w·v / Σ w over the known parts (50 with none known)."""
    num = np.where(known, x, 0.0) @ w
    den = known @ w
    return np.where(den > 0, 100 * num / np.where(den > 0, den, 1.0), 50.0)


def _logistic(z: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Coefficients (intercept first) of an L2-penalised logistic regression, Newton steps."""
    z = np.column_stack([np.ones(len(z)), z])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(z @ beta)))
        grad = z.T @ (p - y) + penalty * beta
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def fit_weights(
    rows: Sequence[dict[str, Any]],
    hand: dict[str, float],
    *,
    seed: int = 0,
    test_share: float = 0.3,
    l2: float = 1.0,
) -> dict[str, Any]:
    """Learned part weights from the training briefs' rows and both weightings' nDCG@10 on
    the held-out briefs (see the module docstring)."""
    briefs = sorted({r["brief"] for r in rows})
    if len(briefs) < 2:
        raise ValueError("outcomes of at least two briefs are needed (seed_demo records some)")
    random.Random(seed).shuffle(briefs)
    held = set(briefs[: max(1, round(test_share * len(briefs)))])
    train = [r for r in rows if r["brief"] not in held]
    test = [r for r in rows if r["brief"] in held]
    x, known = _matrix(train)
    mean = np.where(known, x, 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
    filled = np.where(known, x, mean)
    position = np.log2(1 + np.array([r["position"] for r in train], dtype=np.float64))
    feats = np.column_stack([filled, position])
    mu, sd = feats.mean(axis=0), feats.std(axis=0)
    sd[sd == 0] = 1.0
    y = np.array([r["grade"] >= 2 for r in train], dtype=np.float64)
    beta = _logistic((feats - mu) / sd, y, l2)[1:] / sd
    hand_w = np.array([float(hand.get(p, 0.0)) for p in PARTS])
    learned_w = np.maximum(beta[: len(PARTS)], 0.0)
    if learned_w.sum() > 0:
        learned_w *= hand_w.sum() / learned_w.sum()

    def ndcg10(w: np.ndarray) -> float:
        vals = []
        for b in sorted(held):
            rs = [r for r in test if r["brief"] == b]
            xb, kb = _matrix(rs)
            order = np.lexsort(([r["position"] for r in rs], -weighted_scores(xb, kb, w)))
            got = [rs[i]["grade"] for i in order]
            best = dcg(sorted(got, reverse=True)[:10])
            if best:
                vals.append(dcg(got[:10]) / best)
        return float(np.mean(vals)) if vals else float("nan")

    return {
        "rows": len(rows), "train_briefs": len(briefs) - len(held), "test_briefs": len(held),
        "positives": int(y.sum()),
        "learned": {p: round(float(v), 2) for p, v in zip(PARTS, learned_w, strict=True)},
        "position_coef": round(float(beta[-1]), 3),
        "ndcg@10_hand": round(ndcg10(hand_w), 3), "ndcg@10_learned": round(ndcg10(learned_w), 3),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--artists", type=int, default=2_400)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--brief", help="print this brief's top list (with --show)")
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--fit", action="store_true", help="learn part weights from outcomes (DB)")
    args = ap.parse_args()
    if args.fit:
        res = fit_weights(outcome_rows(), dict(settings.AUX_MATCH_WEIGHTS), seed=args.seed)
        if args.json:
            print(json.dumps(res, indent=1))
            return
        print(
            f"{res['rows']:,} artists shown; briefs: {res['train_briefs']} to fit, "
            f"{res['test_briefs']} held out; {res['positives']} shortlisted or better"
        )
        print(f"{'part':<12} {'hand':>6} {'learned':>8}")
        for p in PARTS:
            print(
                f"{p:<12} {settings.AUX_MATCH_WEIGHTS.get(p, 0.0):>6.2f} {res['learned'][p]:>8.2f}"
            )
        print(f"position (log2(1 + position)) coefficient: {res['position_coef']}")
        hand, learned = res["ndcg@10_hand"], res["ndcg@10_learned"]
        print(f"held-out nDCG@10: hand {hand:.3f}, learned {learned:.3f}")
        verdict = "would win" if learned > hand else "do not win"
        print(f"The learned weights {verdict}; the hand weights stay the ranking's weights "
              "(settings.AUX_MATCH_WEIGHTS) until learned ones win on more outcomes.")  # fmt: skip
        return
    if args.brief:
        show(world(args.artists, seed=args.seed), args.brief, args.show)
        return
    res = evaluate(args.artists, seed=args.seed)
    if args.json:
        print(json.dumps(res, indent=1))
        return
    print(f"{res['artists']:,} artists (seed {res['seed']}), {len(BRIEFS)} briefs")
    head = "  ".join(f"{m[:14]:>14}" for m in METRICS)
    print(f"{'brief':<18} {'who':<8} {head}")
    rows = [(k, r) for k, r in res["briefs"].items()] + [("MEAN", res["mean"])]
    for key, r in rows:
        for who in ("engine", "baseline"):
            vals = "  ".join(f"{_fmt(r[who][m]):>14}" for m in METRICS)
            print(f"{key if who == 'engine' else '':<18} {who:<8} {vals}")


if __name__ == "__main__":
    main()
