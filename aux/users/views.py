from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import User


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where login lands: each role has its own dashboard; staff go to the admin."""
    user: User = request.user
    if user.is_staff or user.role == User.Role.STAFF:
        return redirect("admin:index")
    if user.role == User.Role.BRAND:
        return redirect("brands:dashboard")
    return redirect("artists:dashboard")
