import pytest

from aux.utils import unique_slug
from brands.models import Brand
from tests.brands.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_unique_slug_counts_up_past_taken_slugs():
    BrandFactory(slug="fizz")
    BrandFactory(slug="fizz-2")
    assert unique_slug(Brand, "Fizz") == "fizz-3"


@pytest.mark.parametrize("name", ["Me", "Dashboard", "new"])
def test_unique_slug_never_returns_a_reserved_url_segment(name):
    assert unique_slug(Brand, name) == f"{name.lower()}-2"


def test_unique_slug_of_punctuation_only_text_is_still_a_slug():
    assert unique_slug(Brand, "!!!") == "item"
