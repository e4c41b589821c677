"""API routes of reporting; included from aux/api/urls.py before the artists routes (so
`artists/me/earnings/` is never read as an artist slug)."""

from django.urls import path

from . import views

urlpatterns = [
    path("artists/me/earnings/", views.ArtistEarningsView.as_view(), name="api-artist-earnings"),
    path("briefs/<int:pk>/report/", views.BriefReportView.as_view(), name="api-brief-report"),
    path(
        "milestones/<int:pk>/results/",
        views.MilestoneResultsView.as_view(),
        name="api-milestone-results",
    ),
    path(
        "results/<int:pk>/question/", views.ResultQuestionView.as_view(), name="api-result-question"
    ),
    path("results/<int:pk>/answer/", views.ResultAnswerView.as_view(), name="api-result-answer"),
]
