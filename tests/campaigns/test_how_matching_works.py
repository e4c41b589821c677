"""The public page explaining matching (/how-matching-works/): open to everyone, its numbers read
from the settings the ranking uses, linked from the footer and from every match's explanation."""

import pytest
from django.urls import reverse

from tests.brands.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anyone_can_read_how_matching_works_with_every_part_and_the_guarantee(client):
    html = client.get("/how-matching-works/").content.decode()
    assert "<h1>How matching works</h1>" in html
    for label in ("Genre &amp; mood", "Audience in territories", "Language", "Age fit",
                  "Budget fit", "Reach for the objective", "Engagement", "Rating",
                  "Text relevance", "Verified"):  # fmt: skip
        assert f'">{label}</a>' in html, label  # in the weights table, linked to its section
    assert "No data is never counted as zero." in html
    assert "fewer than 50,000 monthly listeners and fewer than 50,000 followers" in html
    assert "at most 8 years ago" in html  # the career signal: veterans are not emerging
    assert "they make up 25% of this part" in html  # moods never outweigh the genre
    assert "at least 60% of the best match" in html
    assert "The fairness audit" in html
    # no developer words
    for word in ("FA*IR", "numpy", "log10", "nDCG", "algorithm", "vector"):
        assert word not in html, word


def test_the_page_shows_the_weights_the_ranking_uses(client, settings):
    settings.AUX_MATCH_WEIGHTS = {"genre": 3.0, "territory": 1.0}
    html = client.get(reverse("how_matching_works")).content.decode()
    assert '<a href="#part-genre">Genre &amp; mood</a></td><td>3.0</td><td>75%</td>' in html
    assert '<a href="#part-territory">Audience in territories</a></td><td>1.0</td><td>25%' in html
    assert 'href="#part-age">' not in html  # a part with no weight is not in the table


def test_the_page_speaks_french_to_french_visitors(client):
    html = client.get("/how-matching-works/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in html


def test_footer_and_match_explanations_link_to_the_page(client, lifted):
    brief, _artists, _ = lifted
    assert 'href="/how-matching-works/"' in client.get("/").content.decode()
    client.force_login(MembershipFactory(brand=brief.brand, role="viewer").user)
    html = client.get(reverse("campaigns:brief_matches", args=[brief.pk])).content.decode()
    assert html.count('href="/how-matching-works/#score"') == 3  # one per match
    # the emerging artist the rule placed links to the guarantee
    assert html.count('href="/how-matching-works/#emerging"') == 1
