"""Referral API: thin views over the same selectors and services as the pages."""

import uuid

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services.decision_rules import decision_input_from
from prevent_cases.api.schema import CONFLICT
from prevent_cases.exceptions import AccessDenied
from prevent_cases.selectors import agency_get
from referrals.api.serializers import (
    ReferralCreateInput,
    ReferralOutput,
    RevokeInput,
    ScreeningInputSerializer,
    SharingDecisionInput,
    SharingDecisionOutput,
)
from referrals.rules.intake import ReferralIntake
from referrals.rules.permissions import may_share, may_share_source, shareable_sources
from referrals.selectors import (
    decision_for_referral,
    decisions_for_referral,
    referral_get_for_user,
    referral_get_to_act_on,
    referral_pages_for_user,
)
from referrals.services.case import (
    referral_create,
    referral_decision_revoke,
    referral_share,
    referral_transfer_confirm,
)
from referrals.services.reads import referral_read, referrals_read
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening


class ReferralListApi(ListAPIView):
    """Referrals the caller's agency owns or holds a live grant on, newest first."""

    serializer_class = ReferralOutput

    def get_queryset(self):
        return referral_pages_for_user(membership=self.request.membership)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        shown = referrals_read(
            actor=request.user, membership=request.membership, referrals=page, via="api_list"
        )
        return self.get_paginated_response(ReferralOutput(shown, many=True).data)

    @extend_schema(request=ReferralCreateInput, responses={201: ReferralOutput})
    def post(self, request: Request) -> Response:
        """Log a referral (Prevent officers); the caller's force owns it."""
        payload = ReferralCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        intake = ReferralIntake(
            area_id=data.pop("area"),
            concern_type_id=data.pop("concern_type"),
            linked_subject_id=data.pop("linked_subject"),
            aliases=tuple(data.pop("aliases")),
            **data,
        )
        referral = referral_create(actor=request.user, membership=request.membership, intake=intake)
        shown = referral_read(
            actor=request.user, membership=request.membership, referral_id=referral.pk, via="api"
        )
        return Response(ReferralOutput(shown).data, status=status.HTTP_201_CREATED)


class ReferralDetailApi(APIView):
    @extend_schema(responses=ReferralOutput)
    def get(self, request: Request, referral_id) -> Response:
        """One referral, with only the categories the caller's agency holds."""
        shown = referral_read(
            actor=request.user, membership=request.membership, referral_id=referral_id, via="api"
        )
        return Response(ReferralOutput(shown).data)


# One output serializer for every answer to a share: a serializer instance deep-copies its
# fields when made, which cost more than writing the answer; rendering keeps no state on it.
DECISION_OUTPUT = SharingDecisionOutput()


def _first_shareable_source(membership, referral) -> uuid.UUID:
    """Whose information a decision shares when the caller names none: the first source
    the member may share, the owning force's record first (as `shareable_sources` orders
    them), which needs no read of the other sources."""
    owner = referral.owning_agency_id
    if may_share_source(membership, referral, owner, sources=[owner]):
        return owner
    return shareable_sources(membership, referral)[0]


class ReferralSharingDecisionsApi(APIView):
    @extend_schema(responses=SharingDecisionOutput(many=True))
    def get(self, request: Request, referral_id) -> Response:
        """Sharing decisions on the referral that the caller may see."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        decisions = decisions_for_referral(membership=membership, referral=referral)
        return Response(SharingDecisionOutput(decisions, many=True).data)

    @extend_schema(request=SharingDecisionInput, responses={201: SharingDecisionOutput, **CONFLICT})
    def post(self, request: Request, referral_id) -> Response:
        """Record a decision to share or withhold; sharing grants the receiver access."""
        membership = request.membership
        referral = referral_get_to_act_on(membership=membership, referral_id=referral_id)
        if not may_share(membership, referral):
            raise AccessDenied("You may not record sharing decisions on this referral.")
        payload = SharingDecisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        receiver = agency_get(data["receiving_agency"])
        if receiver is None:
            raise ValidationError({"receiving_agency": ["No agency with that id."]})
        source_id = data["source_agency"] or _first_shareable_source(membership, referral)
        supersedes = (
            decision_for_referral(
                membership=membership, referral=referral, decision_id=data["supersedes"]
            )
            if data["supersedes"]
            else None
        )
        decision = referral_share(
            actor=request.user,
            membership=membership,
            referral=referral,
            receiving_agency=receiver,
            data=decision_input_from(data),
            source_agency_id=source_id,
            supersedes=supersedes,
        )
        return Response(DECISION_OUTPUT.to_representation(decision), status=status.HTTP_201_CREATED)


class ReferralDecisionRevokeApi(APIView):
    @extend_schema(request=RevokeInput, responses={201: SharingDecisionOutput, **CONFLICT})
    def post(self, request: Request, referral_id, decision_id) -> Response:
        """Revoke a decision to share; the receiver keeps only what others still grant."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        decision = decision_for_referral(
            membership=membership, referral=referral, decision_id=decision_id
        )
        payload = RevokeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        revocation = referral_decision_revoke(
            actor=request.user,
            membership=membership,
            referral=referral,
            decision=decision,
            reason=payload.validated_data["reason"],
        )
        return Response(SharingDecisionOutput(revocation).data, status=status.HTTP_201_CREATED)


class ReferralScreeningStartApi(APIView):
    @extend_schema(request=None, responses={200: ReferralOutput, **CONFLICT})
    def post(self, request: Request, referral_id) -> Response:
        """Open the gateway assessment of a received referral (the owning force)."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        referral_start_screening(actor=request.user, membership=membership, referral=referral)
        shown = referral_read(
            actor=request.user, membership=membership, referral_id=referral_id, via="api"
        )
        return Response(ReferralOutput(shown).data)


class ReferralScreeningOutcomeApi(APIView):
    @extend_schema(request=ScreeningInputSerializer, responses={200: ReferralOutput, **CONFLICT})
    def post(self, request: Request, referral_id) -> Response:
        """Record the screening outcome; progressing to Channel shares the case with the
        area's panel through a sharing decision."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        payload = ScreeningInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referral_screen(
            actor=request.user,
            membership=membership,
            referral=referral,
            data=ScreeningInput(**payload.validated_data),
        )
        shown = referral_read(
            actor=request.user, membership=membership, referral_id=referral_id, via="api"
        )
        return Response(ReferralOutput(shown).data)


class ReferralTransferConfirmApi(APIView):
    @extend_schema(request=None, responses={201: SharingDecisionOutput, **CONFLICT})
    def post(self, request: Request, referral_id) -> Response:
        """The owning force follows a transferred case: it shares its record with the panel
        now responsible and ends the sending panel's share (409 if none is waiting)."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        decision = referral_transfer_confirm(
            actor=request.user, membership=membership, referral=referral
        )
        return Response(SharingDecisionOutput(decision).data, status=status.HTTP_201_CREATED)
