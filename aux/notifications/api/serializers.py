from rest_framework import serializers

from aux.api.serializers import StrictModelSerializer, StrictSerializer

from ..kinds import is_locked
from ..models import Channel, Kind, Notification


class NotificationSerializer(StrictModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    text = serializers.CharField(source="message", read_only=True)  # in the request's language
    actor = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(source="target_object_id", read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "kind_label", "text", "url", "actor", "target_type", "target_id",
            "created_at", "read_at", "is_read",
        ]  # fmt: skip
        read_only_fields = fields

    def get_actor(self, obj: Notification) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    def get_target_type(self, obj: Notification) -> str | None:
        if not obj.target_content_type_id:
            return None
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_id(obj.target_content_type_id)
        return f"{ct.app_label}.{ct.model}"


class ReadAllSerializer(StrictSerializer):
    marked = serializers.IntegerField()


class PreferenceSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    label = serializers.CharField(read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices)
    default = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    locked = serializers.BooleanField(read_only=True)
    locked_reason = serializers.CharField(read_only=True)


class PreferencesSerializer(StrictSerializer):
    preferences = PreferenceSerializer(many=True)


class PreferenceChangeSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)

    @staticmethod
    def openapi_extra() -> dict:
        """For the schema (aux.api.schema): a locked kind cannot be turned off."""
        locked = [kind for kind in Kind.values if is_locked(kind)]
        on = [channel for channel in Channel.values if channel != Channel.OFF]
        free = {"properties": {"kind": {"enum": [k for k in Kind.values if k not in locked]}}}
        return {
            "anyOf": [free, {"properties": {"kind": {"enum": locked}, "channel": {"enum": on}}}]
        }


class PreferencesPatchSerializer(StrictSerializer):
    # Optional as in any PATCH (the schema says so): without it nothing changes.
    preferences = PreferenceChangeSerializer(many=True, allow_empty=False, required=False)

    @staticmethod
    def openapi_extra() -> dict:
        return {"properties": {"preferences": {"minItems": 1}}}  # allow_empty=False
