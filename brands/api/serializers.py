"""Brand API shapes. Input and output serializers are separate where they differ."""

from django.utils.translation import gettext
from rest_framework import serializers

from aux.api.fields import OptionalSlugRelatedField, OptionalURLField
from aux.api.schema import ONE_LINE_PATTERN
from aux.api.serializers import StrictModelSerializer, StrictSerializer
from brands.models import Brand, BrandCategory, Invitation, Membership
from brands.validators import validate_brand_name


class BrandErrorSerializer(StrictSerializer):
    """The one error shape of the API (aux/api/exceptions.py)."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BrandPublicSerializer(StrictModelSerializer):
    """What anyone may know about a brand."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    website = OptionalURLField(read_only=True)
    logo = serializers.ImageField(read_only=True, use_url=True)

    class Meta:
        model = Brand
        fields = ["slug", "name", "category", "website", "description", "logo", "verified"]
        read_only_fields = fields


class BrandMemberSerializer(BrandPublicSerializer):
    """A brand as the API shows it: the public fields, and for a member of it (`roles` in the
    context) their role, the team size and the dates; for anyone else those fields are null."""

    MEMBERS_ONLY = ("verified_at", "my_role", "member_count", "created_at", "updated_at")

    my_role = serializers.SerializerMethodField()
    member_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(BrandPublicSerializer.Meta):
        fields = [
            *BrandPublicSerializer.Meta.fields,
            "verified_at",
            "my_role",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_my_role(self, brand: Brand) -> str | None:
        return self.context.get("roles", {}).get(brand.pk)

    def get_member_count(self, brand: Brand) -> int | None:
        count = getattr(brand, "member_count", None)
        return count if count is not None else brand.memberships.count()

    def to_representation(self, brand: Brand) -> dict:
        if brand.pk not in self.context.get("roles", {}):
            return {**super().to_representation(brand), **dict.fromkeys(self.MEMBERS_ONLY)}
        return super().to_representation(brand)


class BrandWriteSerializer(StrictSerializer):
    """Input for POST (name required) and PATCH (any subset)."""

    name = serializers.CharField(max_length=120, validators=[validate_brand_name])
    category = OptionalSlugRelatedField(
        slug_field="slug", queryset=BrandCategory.objects.all(), required=False
    )
    website = OptionalURLField(allow_blank=True, required=False, max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    logo = serializers.FileField(
        required=False, allow_null=True, help_text="An image; null removes the current logo."
    )

    @staticmethod
    def openapi_extra() -> dict:
        """For the schema (aux.api.schema): the name is one line of text, not blank."""
        return {"properties": {"name": {"pattern": ONE_LINE_PATTERN}}}

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(gettext("This field may not be blank."))
        return value


class UserBriefSerializer(StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)


class MembershipSerializer(StrictModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]
        read_only_fields = fields


class RoleSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)

    @staticmethod
    def openapi_extra() -> dict:
        """For the schema: a role change (PATCH) must name the role."""
        return {"required": ["role"]}


class InvitationCreateSerializer(StrictSerializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices, default="viewer")


class InvitationSerializer(StrictModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "created_at", "expires_at"]
        read_only_fields = fields
