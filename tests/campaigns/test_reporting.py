"""Campaign report: hand-computed totals match the page, the CSV and the API; who may see it;
query counts that do not grow with the number of contracts."""

import csv
import io
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.brands.factories import MembershipFactory
from tests.campaigns.factories import booking_artist, make_active_contract
from tests.campaigns.reporting_seed import EXPECTED

pytestmark = pytest.mark.django_db


def _text(html: str, element_id: str, end: str = "dd") -> str:
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</{end}>', html, re.S)
    assert m, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).strip()


def test_report_page_shows_the_hand_computed_totals(client, brand_owner, seeded):
    client.force_login(brand_owner)
    html = client.get(reverse("reports:brief_report", args=[seeded["brief"].pk])).content.decode()
    assert _text(html, "report-spend").startswith("€5,000")
    assert _text(html, "report-paid") == "€2,000"
    assert _text(html, "report-cpm") == "€33.33"
    assert _text(html, "report-cps") == "€0.50"
    assert 'data-kind="views">150,000<' in html
    assert 'data-kind="streams">10,000<' in html
    assert 'data-kind="likes">1,200<' in html
    assert 'data-status="active">2<' in html and 'data-status="draft">1<' in html
    assert 'data-key="done">1<' in html and 'data-key="late">1<' in html
    assert "Fresh Fern" in html and "Star Static" in html and "Mid Marlow" not in html
    assert "<svg" in html  # the charts are drawn server-side


def test_report_csv_has_the_same_totals(client, brand_owner, seeded):
    client.force_login(brand_owner)
    response = client.get(reverse("reports:brief_report_csv", args=[seeded["brief"].pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "key", "label", "value", "currency"]
    cell = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    by_key = {(r[0], r[1]): r[3] for r in rows[1:] if r[0] != "artist"}
    currency = {(r[0], r[1]): r[4] for r in rows[1:] if r[0] != "artist"}
    # Amounts in euros with their currency, never cents.
    for key in ("spend", "paid", "cost_per_1000_views", "cost_per_stream"):
        assert by_key[("summary", key)] == f"{EXPECTED[key] / 100:.2f}", key
        assert currency[("summary", key)] == "EUR", key
    assert currency[("results", "views")] == ""
    assert by_key[("results", "views")] == "150000"
    assert by_key[("results", "streams")] == "10000"
    assert by_key[("contracts", "active")] == "2"
    assert by_key[("deliverables", "late")] == "1"
    assert cell[("artist", "fresh-fern", "Fresh Fern: spend share")] == "0.4000"
    assert cell[("artist", "star-static", "Star Static: results")] == "102000"


def test_report_api_has_the_same_totals(brand_owner, seeded):
    api = APIClient()
    api.force_authenticate(brand_owner)
    data = api.get(f"/api/v1/briefs/{seeded['brief'].pk}/report/").json()
    for key in ("spend", "paid", "budget_left", "contracts_total", "results_total",
                "cost_per_1000_views", "cost_per_stream", "deliverables"):  # fmt: skip
        assert data[key] == EXPECTED[key], key
    assert {s["status"]: s["count"] for s in data["contracts_by_state"]} == EXPECTED["by_state"]
    assert data["results_by_kind"]["views"] == EXPECTED["views"]
    assert data["results_by_kind"]["streams"] == EXPECTED["streams"]
    assert data["results_by_kind"]["likes"] == EXPECTED["likes"]
    artists = {a["slug"]: a for a in data["artists"]}
    assert set(artists) == {"fresh-fern", "star-static"}
    for slug, name in (("fresh-fern", "fresh"), ("star-static", "star")):
        for key, value in EXPECTED[name].items():
            assert artists[slug][key] == value, (slug, key)
    assert artists["fresh-fern"]["emerging"] is True


@pytest.mark.parametrize("who", ["other_brand", "artist", "outsider"])
def test_report_is_404_for_anyone_but_the_brand_and_staff(client, seeded, who):
    from tests.users.factories import UserFactory

    user = {
        "other_brand": lambda: MembershipFactory(role="owner").user,
        "artist": lambda: seeded["fresh"].user,
        "outsider": lambda: UserFactory(),
    }[who]()
    client.force_login(user)
    pk = seeded["brief"].pk
    assert client.get(reverse("reports:brief_report", args=[pk])).status_code == 404
    assert client.get(reverse("reports:brief_report_csv", args=[pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(f"/api/v1/briefs/{pk}/report/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    slug = seeded["brief"].brand.slug
    assert client.get(reverse("reports:brand_reports", args=[slug])).status_code == 404


def test_brand_viewer_and_staff_can_read_the_report(client, brand, seeded, staff_user):
    viewer = MembershipFactory(brand=brand, role="viewer").user
    for user in (viewer, staff_user):
        client.force_login(user)
        assert (
            client.get(reverse("reports:brief_report", args=[seeded["brief"].pk])).status_code
            == 200
        )


def test_anonymous_is_sent_to_login_and_api_refuses(client, seeded):
    response = client.get(reverse("reports:brief_report", args=[seeded["brief"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert APIClient().get(f"/api/v1/briefs/{seeded['brief'].pk}/report/").status_code in (401, 403)


def test_brief_page_links_to_its_report_for_the_brand_only(client, brand_owner, seeded):
    url = reverse("reports:brief_report", args=[seeded["brief"].pk])
    client.force_login(brand_owner)
    assert (
        url
        in client.get(reverse("campaigns:brief_detail", args=[seeded["brief"].pk])).content.decode()
    )
    client.force_login(seeded["fresh"].user)
    page = client.get(reverse("campaigns:brief_detail", args=[seeded["brief"].pk]))
    assert url not in page.content.decode()


def _add_contracts(brand, owner, brief, n):
    for i in range(n):
        artist = booking_artist(stage_name=f"Extra {i}", slug=f"extra-{i}")
        make_active_contract(brand_user=owner, brief=brief, artist=artist)


def test_report_pages_query_count_does_not_grow_with_contracts(
    client, brand, brand_owner, seeded, django_assert_max_num_queries
):
    client.force_login(brand_owner)
    brief = seeded["brief"]
    urls = [
        reverse("reports:brief_report", args=[brief.pk]),
        reverse("reports:brief_report_csv", args=[brief.pk]),
        f"/api/v1/briefs/{brief.pk}/report/",
        reverse("reports:brand_reports", args=[brand.slug]),
    ]
    for url in urls:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    _add_contracts(brand, brand_owner, brief, 5)
    for url in urls:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_brand_overview_lists_briefs_with_spend_and_top_artists(client, brand, brand_owner, seeded):
    client.force_login(brand_owner)
    html = client.get(reverse("reports:brand_reports", args=[brand.slug])).content.decode()
    assert "Spring tour" in html and "€5,000" in html
    # Results per unit of money: Fresh 59,200 / €2,000 = 29.6; Star 102,000 / €3,000 = 34.0.
    top = re.search(r'id="brand-top-artists".*?</table>', html, re.S).group(0)
    assert top.index("Star Static") < top.index("Fresh Fern")
    assert "29.6" in top and "34.0" in top
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart ') == 2


def test_marketplace_overview_is_staff_only_and_counts(client, seeded, staff_user, brand_owner):
    client.force_login(brand_owner)
    assert client.get(reverse("reports:marketplace")).status_code == 302  # to the admin login
    client.force_login(staff_user)
    html = client.get(reverse("reports:marketplace")).content.decode()
    facts = _text(html, "marketplace-facts", "dl")
    # 3 offers, 3 accepted; 2 signed contracts, 1 to an emerging artist; no payout yet.
    assert "Offers sent 3" in facts and "Offers accepted 3 (100%)" in facts
    assert "1 / 2 (50%)" in facts
    assert "Median time from approval to payout n/a" in facts
    # No payment in the seed: fees are computed from GMV × 10% (€500 on €5,000).
    assert "computed from GMV" in html
    months = _text(html, "marketplace-months", "table")
    assert "€5,000" in months and "€500" in months


def test_admin_index_links_to_the_marketplace_report(client, staff_user):
    client.force_login(staff_user)
    assert reverse("reports:marketplace") in client.get(reverse("admin:index")).content.decode()
