"""API output shared by every app: how an agency or area is named in a response."""

from rest_framework import serializers


class NamedRefOutput(serializers.Serializer):
    """A related agency or area: its id and name, never more."""

    id = serializers.UUIDField()
    name = serializers.CharField()
