"""The case's chronology over the API: the same entries as the page, each as far as the
caller may see it, filtered by agency and by kind. A case the caller cannot see is a 404.

An entry's text is absent (no key) where the caller may see only that it happened."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from panels.selectors.chronology import Kind, case_chronology
from panels.services.reads import panel_case_read
from prevent_cases.api.serializers import NamedRefOutput


class ChronologyQuery(serializers.Serializer):
    agency = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(choices=[kind.value for kind in Kind], required=False)


class ChronologyEntryOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    day_only = serializers.BooleanField()
    kind = serializers.CharField()
    event = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(required=False)
    category = serializers.CharField()
    source_agency = NamedRefOutput()
    scope = serializers.CharField()
    acting_agency = NamedRefOutput(allow_null=True)
    concern = serializers.BooleanField()
    correction = serializers.BooleanField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.detail is None:
            data.pop("detail")
        return data


class ChronologyOutput(serializers.Serializer):
    entries = ChronologyEntryOutput(many=True)
    agencies = NamedRefOutput(many=True)


class ChronologyApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("agency", str, description="Only entries of this agency (its id)."),
            OpenApiParameter("kind", str, enum=[kind.value for kind in Kind]),
        ],
        responses=ChronologyOutput,
    )
    def get(self, request: Request, case_id) -> Response:
        """The case's chronology, oldest first: the referral's steps, the panel's moves and
        records, and each intervention's status changes, progress and concerns."""
        query = ChronologyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        case = panel_case_read(
            actor=request.user, membership=request.membership, panel_case_id=case_id, via="api"
        )
        chronology = case_chronology(case=case)
        entries = chronology.filtered(
            agency_id=query.validated_data.get("agency"),
            kind=query.validated_data.get("kind", ""),
        )
        return Response(
            ChronologyOutput({"entries": entries, "agencies": chronology.agencies}).data
        )
