from django.urls import path

from . import verification, views

urlpatterns = [
    path("brands/", views.BrandListView.as_view(), name="api-brands"),
    path("brands/<slug:slug>/", views.BrandDetailView.as_view(), name="api-brand"),
    path("brands/<slug:slug>/members/", views.BrandMembersView.as_view(), name="api-brand-members"),
    path(
        "brands/<slug:slug>/verification/",
        verification.BrandVerificationView.as_view(),
        name="api-brand-verification",
    ),
    path(
        "brands/<slug:slug>/members/<int:member_id>/",
        views.BrandMemberDetailView.as_view(),
        name="api-brand-member",
    ),
    path(
        "brands/<slug:slug>/invitations/",
        views.BrandInvitationsView.as_view(),
        name="api-brand-invitations",
    ),
    path(
        "brands/<slug:slug>/invitations/<int:invitation_id>/",
        views.BrandInvitationDetailView.as_view(),
        name="api-brand-invitation",
    ),
]
