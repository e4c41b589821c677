from django.urls import path

from . import verification_views, views

app_name = "brands"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # The e-mailed link moves its token into the session and redirects to the page without it.
    path("invitations/", views.invitation, name="invitation_page"),
    path("invitations/<str:token>/", views.invitation_link, name="invitation"),
    path("<slug:slug>/", views.brand_detail, name="detail"),
    path("<slug:slug>/settings/", views.brand_settings, name="settings"),
    path(
        "<slug:slug>/verification/",
        verification_views.brand_verification,
        name="verification",
    ),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/invite/", views.team_invite, name="team_invite"),
    path(
        "<slug:slug>/team/members/<int:membership_id>/role/",
        views.team_change_role,
        name="team_change_role",
    ),
    path(
        "<slug:slug>/team/members/<int:membership_id>/remove/",
        views.team_remove,
        name="team_remove",
    ),
    path(
        "<slug:slug>/team/invitations/<int:invitation_id>/revoke/",
        views.team_revoke,
        name="team_revoke",
    ),
]
