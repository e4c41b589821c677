"""`/api/v1/brands/...`: brands, their team and invitations. Thin: services do the rules."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from aux.api.parsers import MultiPartParser
from aux.errors import PermissionDeniedError
from brands import services
from brands.models import Brand, Invitation, Membership
from brands.selectors import (
    brand_pending_invitations,
    brand_role,
    brand_roles,
    brand_team,
    brands_for_user,
)

from .serializers import (
    BrandErrorSerializer,
    BrandMemberSerializer,
    BrandWriteSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
    RoleSerializer,
)

ERRORS = {
    400: OpenApiResponse(BrandErrorSerializer, description="Invalid input."),
    401: OpenApiResponse(BrandErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(BrandErrorSerializer, description="Not allowed for your role."),
    404: OpenApiResponse(BrandErrorSerializer, description="No such brand or member."),
    409: OpenApiResponse(BrandErrorSerializer, description="A rule of the team refused it."),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


def _brand(slug: str) -> Brand:
    return get_object_or_404(Brand.objects.select_related("category"), slug=slug)


class BrandListView(GenericAPIView):
    """The brands you are a member of; POST creates a brand with you as its owner."""

    permission_classes = [IsAuthenticated]
    serializer_class = BrandMemberSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Brand.objects.none()
        return brands_for_user(user=self.request.user)

    @extend_schema(responses={200: BrandMemberSerializer(many=True), **_errors(401, 403)})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "roles": brand_roles(user=self.request.user)}
        data = BrandMemberSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=BrandWriteSerializer,
        responses={201: BrandMemberSerializer, **_errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = BrandWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        logo = fields.pop("logo", None)
        brand = services.brand_create(owner=request.user, **fields)
        if logo:
            brand = services.brand_update(actor=request.user, brand=brand, data={"logo": logo})
        out = BrandMemberSerializer(
            brands_for_user(user=request.user).get(pk=brand.pk),
            context={**self.get_serializer_context(), "roles": {brand.pk: Membership.Role.OWNER}},
        )
        return Response(out.data, status=status.HTTP_201_CREATED)


class BrandDetailView(GenericAPIView):
    """One brand. Members see its private fields too; PATCH is for owners and managers."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = BrandMemberSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    lookup_field = "slug"
    queryset = Brand.objects.none()  # for the schema

    def _out(self, brand: Brand) -> dict:
        role = brand_role(user=self.request.user, brand=brand)
        roles = {brand.pk: role} if role else {}
        return BrandMemberSerializer(brand, context={"request": self.request, "roles": roles}).data

    @extend_schema(
        responses={200: BrandMemberSerializer, **_errors(404)},
        description="Non-members get the public fields (slug, name, category, website, "
        "description, logo, verified); the members' fields are null for them.",
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(self._out(_brand(slug)))

    @extend_schema(
        request=BrandWriteSerializer(partial=True),
        responses={200: BrandMemberSerializer, **_errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, slug: str) -> Response:
        brand = _brand(slug)
        data = BrandWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        brand = services.brand_update(actor=request.user, brand=brand, data=data.validated_data)
        return Response(self._out(brand))


def _require_member(request: Request, brand: Brand) -> str:
    role = brand_role(user=request.user, brand=brand)
    if role is None:
        raise PermissionDeniedError(gettext("Only members of this brand can see its team."))
    return role


class BrandMembersView(GenericAPIView):
    """The brand's team (members only)."""

    permission_classes = [IsAuthenticated]
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema; rows come from brand_team()

    @extend_schema(responses={200: MembershipSerializer(many=True), **_errors(401, 403, 404)})
    def get(self, request: Request, slug: str) -> Response:
        brand = _brand(slug)
        _require_member(request, brand)
        page = self.paginate_queryset(brand_team(brand=brand))
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


class BrandMemberDetailView(GenericAPIView):
    """Change a member's role or remove them (owners), or leave the brand (yourself)."""

    permission_classes = [IsAuthenticated]
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema

    def _membership(self, request: Request, slug: str, member_id: int) -> Membership:
        brand = _brand(slug)
        _require_member(request, brand)
        return get_object_or_404(
            Membership.objects.select_related("user", "brand"), pk=member_id, brand=brand
        )

    @extend_schema(
        request=RoleSerializer,
        responses={200: MembershipSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def patch(self, request: Request, slug: str, member_id: int) -> Response:
        membership = self._membership(request, slug, member_id)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            actor=request.user, membership=membership, role=data.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(responses={204: None, **_errors(401, 403, 404, 409)})
    def delete(self, request: Request, slug: str, member_id: int) -> Response:
        membership = self._membership(request, slug, member_id)
        services.membership_remove(actor=request.user, membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BrandInvitationsView(GenericAPIView):
    """Invite an e-mail address to the team (owners). The invitee gets the link by e-mail."""

    permission_classes = [IsAuthenticated]
    serializer_class = InvitationSerializer
    queryset = Brand.objects.none()  # for the schema

    @extend_schema(responses={200: InvitationSerializer(many=True), **_errors(401, 403, 404)})
    def get(self, request: Request, slug: str) -> Response:
        """The brand's pending invitations (owners only: they carry e-mail addresses)."""
        brand = _brand(slug)
        if _require_member(request, brand) != Membership.Role.OWNER:
            raise PermissionDeniedError(
                gettext("Only the brand's owners see its pending invitations.")
            )
        page = self.paginate_queryset(brand_pending_invitations(brand=brand))
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **_errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, slug: str) -> Response:
        brand = _brand(slug)
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor=request.user, brand=brand, **data.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class BrandInvitationDetailView(GenericAPIView):
    """Revoke a pending invitation (owners): its link stops working at once."""

    permission_classes = [IsAuthenticated]
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()  # for the schema

    @extend_schema(responses={204: None, **_errors(401, 403, 404, 409)})
    def delete(self, request: Request, slug: str, invitation_id: int) -> Response:
        brand = _brand(slug)
        _require_member(request, brand)
        invitation = get_object_or_404(Invitation, pk=invitation_id, brand=brand)
        services.invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
