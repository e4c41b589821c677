"""The artist taxonomy every installation starts with: genres, moods and deliverable types.

One list, used by `manage.py seed_taxonomy` (an empty production database) and by the demo.
Seeding adds what is missing by slug and never renames or deletes: staff may have edited names.
Names are English; each row's French name (`name_fr`) is filled where it is empty.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from aux.translated_names import fill_french_names

from .models import DeliverableType, Genre, Mood

GENRES = [
    "Afrobeats", "Alternative", "Ambient", "Amapiano", "Arabic", "Blues", "Brazilian",
    "Classical", "Country", "Dancehall", "Deep House", "Disco", "Drum & Bass", "Electronic",
    "Folk", "Funk", "Gospel", "Grime", "Hip-Hop", "House", "Indian", "Indie Pop", "Indie Rock",
    "J-Pop", "Jazz", "K-Pop", "Latin", "Metal", "Pop", "Punk", "R&B", "Reggaeton",
    "Regional Mexican", "Rock", "Soul", "Techno", "Trap",
]  # fmt: skip
# Sub-genre → its broader genre. Seeding sets it on the genres it creates (the migration that
# added the field set it on the genres that existed then); staff may change it afterwards.
# Matching treats genres with the same root as one family (partial credit).
GENRE_PARENTS = {
    "Deep House": "House", "House": "Electronic", "Amapiano": "House", "Techno": "Electronic",
    "Drum & Bass": "Electronic", "Ambient": "Electronic",
    "Trap": "Hip-Hop", "Grime": "Hip-Hop",
    "Reggaeton": "Latin", "Regional Mexican": "Latin", "Brazilian": "Latin",
    "K-Pop": "Pop", "J-Pop": "Pop", "Indie Pop": "Pop",
    "Indie Rock": "Rock", "Alternative": "Rock", "Punk": "Rock", "Metal": "Rock",
    "Soul": "R&B", "Funk": "Soul",
}  # fmt: skip
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

# French names by slug (rows staff add get theirs in the admin).
GENRES_FR = {
    "alternative": "Alternatif", "arabic": "Musique arabe", "brazilian": "Musique brésilienne",
    "classical": "Classique", "deep-house": "Deep house", "drum-bass": "Drum & bass",
    "electronic": "Électronique", "hip-hop": "Hip-hop", "indian": "Musique indienne",
    "indie-pop": "Pop indé", "indie-rock": "Rock indé", "j-pop": "J-pop", "k-pop": "K-pop",
    "latin": "Musique latine", "regional-mexican": "Musique mexicaine régionale",
}  # fmt: skip
MOODS_FR = {
    "chill": "Détendu", "dark": "Sombre", "dreamy": "Rêveur", "energetic": "Énergique",
    "euphoric": "Euphorique", "feel-good": "Bonne humeur", "melancholic": "Mélancolique",
    "nostalgic": "Nostalgique", "playful": "Espiègle", "romantic": "Romantique",
    "uplifting": "Entraînant", "rebellious": "Rebelle",
}  # fmt: skip
DELIVERABLE_TYPES_FR = {
    "live-show": "Concert", "dj-set": "DJ set", "event-appearance": "Apparition à un événement",
    "social-post": "Publication sur les réseaux", "short-video": "Vidéo courte",
    "branded-playlist": "Playlist de marque", "sync-licence": "Licence de synchronisation",
    "original-track": "Morceau original", "recording-session": "Session d’enregistrement",
}  # fmt: skip


def fill_taxonomy_french_names(genre, mood, deliverable_type) -> None:
    """The French names of the seeded rows that have none (also run by a data migration)."""
    fill_french_names(genre, GENRES_FR)
    fill_french_names(mood, MOODS_FR)
    fill_french_names(deliverable_type, DELIVERABLE_TYPES_FR)


@dataclass
class Seeded:
    """The taxonomy rows by slug (existing and new), and how many were created."""

    genres: dict[str, Genre]
    moods: dict[str, Mood]
    deliverables: dict[str, DeliverableType]
    created: int


def _upsert(model, entries: list[tuple[str, dict]]) -> tuple[dict, int, set[str]]:
    out, created, new_slugs = {}, 0, set()
    for name, extra in entries:
        obj, new = model.objects.get_or_create(slug=slugify(name), defaults={"name": name, **extra})
        out[obj.slug] = obj
        created += new
        if new:
            new_slugs.add(obj.slug)
    return out, created, new_slugs


def _set_parents(genres: dict[str, Genre], new_slugs: set[str]) -> None:
    """The parent of each genre just created (never of an existing one: staff may have moved it)."""
    for child, parent in GENRE_PARENTS.items():
        obj, up = genres.get(slugify(child)), genres.get(slugify(parent))
        if obj is not None and up is not None and obj.slug in new_slugs:
            obj.parent = up
            obj.save(update_fields=["parent"])


@transaction.atomic
def taxonomy_seed() -> Seeded:
    """Create the genres, moods and deliverable types that are missing (by slug); idempotent."""
    genres, g, new_genres = _upsert(Genre, [(n, {}) for n in GENRES])
    _set_parents(genres, new_genres)
    moods, m, _ = _upsert(Mood, [(n, {}) for n in MOODS])
    types, d, _ = _upsert(DeliverableType, [(n, {"description": t}) for n, t in DELIVERABLE_TYPES])
    fill_taxonomy_french_names(Genre, Mood, DeliverableType)
    return Seeded(genres=genres, moods=moods, deliverables=types, created=g + m + d)
