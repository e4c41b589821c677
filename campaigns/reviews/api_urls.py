"""API routes of the public reviews; included from aux/api/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "artists/<slug:slug>/reviews/", api.ArtistReviewsView.as_view(), name="api-artist-reviews"
    ),
    path("brands/<slug:slug>/reviews/", api.BrandReviewsView.as_view(), name="api-brand-reviews"),
    path("reviews/<int:pk>/answer/", api.ReviewReplyView.as_view(), name="api-review-answer"),
    path("reviews/<int:pk>/report/", api.ReviewReportView.as_view(), name="api-review-report"),
]
