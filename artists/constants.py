"""Fixed vocabularies and limits of the artist profile, shared by services, forms and the API."""

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext

# ISO 639-1 two-letter language codes.
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"""
LANGUAGE_CODES: frozenset[str] = frozenset(_ISO_639_1.split())
MAX_LANGUAGES = 10

# Platforms whose follower counts a profile may state; anything else is refused.
PLATFORMS: tuple[tuple[str, str], ...] = (
    ("spotify", "Spotify"),
    ("youtube", "YouTube"),
    ("instagram", "Instagram"),
    ("tiktok", "TikTok"),
    ("soundcloud", "SoundCloud"),
    ("x", "X"),
    ("facebook", "Facebook"),
    ("twitch", "Twitch"),
)
PLATFORM_CODES: frozenset[str] = frozenset(code for code, _ in PLATFORMS)

MAX_MEDIA_LINKS = 12
MAX_UNAVAILABILITIES = 50
MAX_AUDIENCE_COUNTRIES = 50
MAX_GENRES = 5
MAX_MOODS = 5
MAX_BIO_LENGTH = 5000
PHOTO_MAX_SIDE = 800


def language_name(code: str) -> str:
    """Name of an ISO 639-1 code in the active language (Django's own catalogue translates the
    names it knows), else the code itself."""
    name = LANG_INFO.get(code, {}).get("name")
    return gettext(name) if name else code
