from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aux.users.decorators import role_required
from aux.users.models import User

from .selectors import brand_team, memberships_for_user


@role_required(User.Role.BRAND)
def dashboard(request: HttpRequest) -> HttpResponse:
    """A brand member's home: each of their brands with its briefs and its team."""
    brands = []
    for membership in memberships_for_user(user=request.user):
        brand = membership.brand
        brands.append(
            {
                "brand": brand,
                "membership": membership,
                "briefs": brand.briefs.order_by("-created_at")[:20],
                "team": brand_team(brand=brand),
            }
        )
    return render(request, "brands/dashboard.html", {"brands": brands})
