"""API output shared by every app: how an agency or area is named, and the error bodies."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class NamedRefOutput(serializers.Serializer):
    """A related agency or area: its id and name, never more."""

    id = serializers.UUIDField()
    name = serializers.CharField()


class ErrorOutput(serializers.Serializer):
    """The body of every error the API answers (see prevent_cases.api.errors)."""

    code = serializers.CharField(help_text="Stable, for programs: e.g. `not_found`, `conflict`.")
    detail = serializers.CharField(help_text="What went wrong, for people.")


@extend_schema_field(
    {
        "type": "object",
        "description": "Each field in error with its messages; `non_field_errors` for the "
        "request as a whole. A field of nested input holds the errors of its items instead.",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
            ]
        },
    }
)
class FieldErrorsField(serializers.DictField):
    pass


class InvalidRequestOutput(ErrorOutput):
    """A request the API could not accept as sent: nothing was recorded."""

    errors = FieldErrorsField(
        required=False, help_text="Present for invalid input; absent when the body is not JSON."
    )


class CallerOutput(serializers.Serializer):
    """Whom the caller acts as: ids and the role code, nothing personal."""

    user = serializers.UUIDField(source="user_id")
    role = serializers.CharField()
    agency = serializers.UUIDField(source="agency_id")
