"""The artist taxonomy every installation starts with: genres, moods and deliverable types.

One list, used by `manage.py seed_taxonomy` (an empty production database) and by the demo.
Seeding adds what is missing by slug and never renames or deletes: staff may have edited names.
Names are English: the models have no translated name field yet.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from .models import DeliverableType, Genre, Mood

GENRES = [
    "Afrobeats", "Alternative", "Ambient", "Amapiano", "Arabic", "Blues", "Brazilian",
    "Classical", "Country", "Dancehall", "Deep House", "Disco", "Drum & Bass", "Electronic",
    "Folk", "Funk", "Gospel", "Grime", "Hip-Hop", "House", "Indian", "Indie Pop", "Indie Rock",
    "J-Pop", "Jazz", "K-Pop", "Latin", "Metal", "Pop", "Punk", "R&B", "Reggaeton",
    "Regional Mexican", "Rock", "Soul", "Techno", "Trap",
]  # fmt: skip
MOODS = [
    "Chill", "Dark", "Dreamy", "Energetic", "Euphoric", "Feel-good", "Melancholic", "Nostalgic",
    "Playful", "Romantic", "Uplifting", "Rebellious",
]  # fmt: skip
DELIVERABLE_TYPES = [
    ("Live show", "A full concert at a brand event or festival stage."),
    ("DJ set", "A DJ set at a brand event, launch or party."),
    ("Event appearance", "A meet-and-greet or hosted appearance."),
    ("Social post", "A sponsored post on the artist's social channels."),
    ("Short video", "A short-form video (Reels, TikTok, Shorts) featuring the brand."),
    ("Branded playlist", "A playlist curated by the artist for the brand."),
    ("Sync licence", "Use of an existing track in an ad or film."),
    ("Original track", "A new piece of music written for the brand."),
    ("Recording session", "Studio work: features, jingles, sound design."),
]


@dataclass
class Seeded:
    """The taxonomy rows by slug (existing and new), and how many were created."""

    genres: dict[str, Genre]
    moods: dict[str, Mood]
    deliverables: dict[str, DeliverableType]
    created: int


def _upsert(model, entries: list[tuple[str, dict]]) -> tuple[dict, int]:
    out, created = {}, 0
    for name, extra in entries:
        obj, new = model.objects.get_or_create(slug=slugify(name), defaults={"name": name, **extra})
        out[obj.slug] = obj
        created += new
    return out, created


@transaction.atomic
def taxonomy_seed() -> Seeded:
    """Create the genres, moods and deliverable types that are missing (by slug); idempotent."""
    genres, g = _upsert(Genre, [(n, {}) for n in GENRES])
    moods, m = _upsert(Mood, [(n, {}) for n in MOODS])
    types, d = _upsert(DeliverableType, [(n, {"description": t}) for n, t in DELIVERABLE_TYPES])
    return Seeded(genres=genres, moods=moods, deliverables=types, created=g + m + d)
