"""What the public artist page shows beyond the model: languages by name, the lowest rate, media
links grouped by kind, and the audience charts (server-side SVG from aux/charts.py)."""

from django.utils.translation import gettext as _

from aux.charts import column_chart, horizontal_bar_chart

from .constants import PLATFORMS, language_name
from .models import AgeShare, Artist

TOP_COUNTRIES = 8


def profile_page_context(artist: Artist) -> dict:
    """Uses only prefetched relations (see selectors.artist_public_detail): no extra query."""
    country_rows = sorted(artist.audience_shares.all(), key=lambda r: (-r.share, r.country.code))
    top = country_rows[:TOP_COUNTRIES]
    countries_chart = (
        horizontal_bar_chart(
            [(r.country.name or r.country.code, r.share) for r in top],
            title=_("Top countries of %(name)s's audience") % {"name": artist.stage_name},
            category=_("Country"),
        )
        if top
        else None
    )
    ages = {r.bucket: r.share for r in artist.age_shares.all()}
    ages_chart = (
        column_chart(
            [(label, ages.get(code, 0)) for code, label in AgeShare.Bucket.choices],
            title=_("Age of %(name)s's audience") % {"name": artist.stage_name},
            category=_("Age"),
        )
        if ages
        else None
    )
    rates = sorted(artist.rates.all(), key=lambda r: r.deliverable_type.name)
    platform_names = dict(PLATFORMS)
    return {
        "languages": [language_name(code) for code in artist.languages or []],
        "followers": [
            (platform_names.get(code, code), count)
            for code, count in (artist.followers or {}).items()
            if count
        ],
        "rates": rates,
        # One "from" figure only makes sense when every rate is in the same currency.
        "lowest_rate": (
            min(rates, key=lambda r: r.min_fee) if len({r.currency for r in rates}) == 1 else None
        ),
        "media_links": list(artist.media_links.all()),
        "countries_chart": countries_chart,
        "ages_chart": ages_chart,
        "engagement_percent": float(artist.engagement_rate) * 100,
    }
