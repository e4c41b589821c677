"""The reviews section of the public artist and brand pages, and the pages to answer or
report a review. Thin: reads from .selectors, writes through .services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from artists.models import Artist
from aux.errors import ApplicationError
from brands.models import Brand, Membership

from ..bookings.models import Review, Side
from ..briefs.permissions import brand_role
from . import services
from .forms import ReplyForm, ReportForm
from .selectors import (
    review_subject,
    reviews_of_artist,
    reviews_of_brand,
    reviews_published,
    reviews_summary,
)

PAGE_SIZE = 10


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def _section(request: HttpRequest, reviews: QuerySet[Review], *, can_reply: bool) -> str:
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("reviews_page"))
    for review in page:
        review.stars = stars(review.rating)
        contract = review.contract
        by_brand = review.author_side == Side.BRAND
        review.author_name = contract.brand.name if by_brand else contract.artist.stage_name
        review.subject_name = contract.artist.stage_name if by_brand else contract.brand.name
    return render_to_string(
        "campaigns/reviews/section.html",
        {
            "page": page,
            "summary": reviews_summary(reviews),
            "can_reply": can_reply,
            "blind_days": settings.AUX_REVIEW_BLIND_DAYS,
        },
        request=request,
    )


def artist_reviews_section(request: HttpRequest, artist: Artist) -> str:
    """Registered on artists.hooks: what brands wrote about the artist, the artist's answers."""
    user = request.user
    can_reply = user.is_authenticated and artist.user_id == user.pk
    return _section(request, reviews_of_artist(artist=artist), can_reply=can_reply)


def brand_reviews_section(request: HttpRequest, brand: Brand) -> str:
    """Registered on brands.hooks: what artists wrote about the brand, the brand's answers."""
    can_reply = brand_role(request.user, brand) in (Membership.Role.OWNER, Membership.Role.MANAGER)
    return _section(request, reviews_of_brand(brand=brand), can_reply=can_reply)


def _published(pk: int) -> Review:
    review = (
        reviews_published()
        .select_related("contract__artist", "contract__brand")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404(_("No such review."))
    review.stars = stars(review.rating)
    contract = review.contract
    by_brand = review.author_side == Side.BRAND
    review.author_name = contract.brand.name if by_brand else contract.artist.stage_name
    return review


def _subject_url(review: Review) -> str:
    kind, slug = review_subject(review)
    name = "artists:detail" if kind == "artist" else "brands:detail"
    return reverse(name, args=[slug]) + "#reviews"


def _form_page(request: HttpRequest, pk: int, *, form_class, action, template: str, done: str):
    review = _published(pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect(_subject_url(review))
    status = 400 if request.method == "POST" else 200
    context = {"review": review, "form": form, "back_url": _subject_url(review)}
    return render(request, template, context, status=status)


@login_required
def review_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewed side answers a published review, once; nobody else gets the form."""
    review = _published(pk)
    try:
        services.review_check_can_reply(actor=request.user, review=review)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    if review.replied_at is not None:
        messages.info(request, _("This review has already been answered."))
        return redirect(_subject_url(review))
    return _form_page(
        request, pk, form_class=ReplyForm, action=services.review_reply,
        template="campaigns/reviews/reply.html", done=_("Your answer is published."),
    )  # fmt: skip


@login_required
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Any signed-in user reports a published review to staff."""
    return _form_page(
        request, pk, form_class=ReportForm, action=services.review_report,
        template="campaigns/reviews/report.html",
        done=_("Thank you: AUX staff will read your report."),
    )  # fmt: skip
