"""API endpoints of the core: who the caller is."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from prevent_cases.api.serializers import CallerOutput


class CallerApi(APIView):
    @extend_schema(responses=CallerOutput)
    def get(self, request: Request) -> Response:
        """The signed-in caller: their user id, role and agency, from their membership.
        No case data, so a client can learn whom it acts as before asking for anything."""
        return Response(CallerOutput(request.membership).data)
