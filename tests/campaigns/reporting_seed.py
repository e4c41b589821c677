"""A small seeded campaign whose report totals are worked out by hand in the tests.

Brief (budget €5,000–€20,000) of `brand`, three offers accepted:
- A "Fresh Fern" (emerging): active, €2,000, one deliverable approved; reported 50,000 views,
  8,000 streams, 1,200 likes.
- B "Star Static": active, €3,000 in two deliverables (€2,500 submitted, due in 10 days, with
  100,000 views and 2,000 streams; €500 pending, due yesterday = late).
- C "Mid Marlow": accepted, not signed (draft): no spend, no deliverables counted.
"""

from datetime import timedelta

from django.utils import timezone

from campaigns.bookings.models import Contract, Milestone
from campaigns.bookings.services import milestone_submit, offer_accept
from campaigns.reporting.services import result_report
from tests.campaigns.factories import (
    booking_artist,
    booking_brief,
    make_active_contract,
    make_offer,
)


def seed_campaign(brand, owner):
    today = timezone.localdate()
    brief = booking_brief(brand, budget_min=500_000, budget_max=2_000_000, title="Spring tour")
    fresh = booking_artist(stage_name="Fresh Fern", slug="fresh-fern", monthly_listeners=10_000)
    star = booking_artist(stage_name="Star Static", slug="star-static", monthly_listeners=2_000_000)
    mid = booking_artist(stage_name="Mid Marlow", slug="mid-marlow", monthly_listeners=400_000)

    a = make_active_contract(brand_user=owner, brief=brief, artist=fresh)
    ma = a.milestones.get()
    milestone_submit(actor=fresh.user, milestone=ma, note="Done", links=["https://x.test/a"])
    for kind, value in [("views", 50_000), ("streams", 8_000), ("likes", 1_200)]:
        result_report(actor=fresh.user, milestone=ma, kind=kind, value=value,
                      evidence_url="https://x.test/stats-a")  # fmt: skip
    # Approved (the payout path is tested in tests/payments; here only the state matters).
    Milestone.objects.filter(pk=ma.pk).update(status="approved", approved_at=timezone.now())

    b = make_active_contract(brand_user=owner, brief=brief, artist=star)
    Contract.objects.filter(pk=b.pk).update(total=300_000)
    mb = b.milestones.get()
    Milestone.objects.filter(pk=mb.pk).update(amount=250_000, due_date=today + timedelta(days=10))
    Milestone.objects.create(contract=b, title="Story", amount=50_000, currency="EUR",
                             due_date=today - timedelta(days=1))  # fmt: skip
    mb.refresh_from_db()
    milestone_submit(actor=star.user, milestone=mb, note="Done", links=["https://x.test/b"])
    for kind, value in [("views", 100_000), ("streams", 2_000)]:
        result_report(actor=star.user, milestone=mb, kind=kind, value=value,
                      evidence_url="https://x.test/stats-b")  # fmt: skip

    offer = make_offer(actor=owner, brief=brief, artist=mid)
    c = offer_accept(actor=mid.user, offer=offer).contract
    return {"brief": brief, "a": a, "b": b, "c": c, "fresh": fresh, "star": star, "mid": mid,
            "ma": ma, "mb": mb}  # fmt: skip


# The report of seed_campaign, computed by hand.
EXPECTED = {
    "spend": 500_000,  # 200,000 + 300,000 (C is unsigned)
    "paid": 200_000,  # A's approved deliverable
    "budget_left": 1_500_000,
    "contracts_total": 3,
    "by_state": {"draft": 1, "active": 2, "completed": 0, "cancelled": 0, "disputed": 0},
    "deliverables": {"total": 3, "done": 1, "late": 1},
    "views": 150_000,
    "streams": 10_000,
    "likes": 1_200,
    "results_total": 161_200,
    "cost_per_1000_views": 3_333,  # 500,000 × 1000 / 150,000 = 3,333.3
    "cost_per_stream": 50,  # 500,000 / 10,000
    "fresh": {"spend": 200_000, "spend_share": 0.4, "paid": 200_000, "results_total": 59_200,
              "results_share": 0.3672, "cost_per_1000_views": 4_000},
    "star": {"spend": 300_000, "spend_share": 0.6, "paid": 0, "results_total": 102_000,
             "results_share": 0.6328, "cost_per_1000_views": 3_000},
}  # fmt: skip
