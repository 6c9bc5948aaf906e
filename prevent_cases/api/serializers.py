"""API output shared by every app: how an agency or area is named in a response."""

from rest_framework import serializers


class NamedRefOutput(serializers.Serializer):
    """A related agency or area: its id and name, never more."""

    id = serializers.UUIDField()
    name = serializers.CharField()


class CallerOutput(serializers.Serializer):
    """Whom the caller acts as: ids and the role code, nothing personal."""

    user = serializers.UUIDField(source="user_id")
    role = serializers.CharField()
    agency = serializers.UUIDField(source="agency_id")
