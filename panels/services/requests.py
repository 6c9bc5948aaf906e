"""Information gathering: the panel asks a partner agency for what it holds, and the partner
answers with a sharing decision of its own, or a recorded decision to withhold.

Sending a request tells the partner who it is about and nothing else: the panel passes on
the police's identity category, onward, for the request's purpose. The partner's answer is
its own information (source = the partner), seen by the panel only through the partner's
decision. A request is answered once: the answer is a conditional update on its status, so
of two answers racing, one is refused on every database.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.chain import append_event, atomic_unit
from audit.services.decision_rules import DecisionInput, decision_errors
from audit.services.read_events import CaseShown, case_viewed_recorded, cases_listed_recorded
from audit.vocabulary import Category, DecisionAction
from panels.models import Contribution, InformationRequest, PanelCase
from panels.models.vocabulary import RequestStatus
from panels.rules.decisions import panel_share
from panels.rules.permissions import runs_case
from panels.selectors.cases import AddressedRequest
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import ORIGINATOR_SHARING_ROLES, WHOLE_CASE, handles_case_content
from referrals.selectors import ALL_CATEGORIES, holdings, shareable_categories
from referrals.services.case import information_source_record, referral_share
from referrals.services.grants import CASE_TYPE

MIN_PURPOSE_CHARS = 20
# What a partner may be asked for: anything but the panel's own record.
REQUESTABLE_CATEGORIES = tuple(code for code in Category.values if code != Category.PANEL)

# The onward decision that tells the addressee who a request is about. Its purpose is the
# request's own; these are its fixed reasons.
IDENTITY_CONSENT_REASON = (
    "Consent is not sought to tell a panel partner who a request is about: the request "
    "only asks what the partner already holds, and seeking consent first could prejudice "
    "the panel's assessment."
)
IDENTITY_JUSTIFICATION = (
    "The partner must know who the request is about to find and return what it holds on "
    "this person. Only the person's identity is passed on, nothing of the concern or the "
    "screening."
)


def answer_field(category: str) -> str:
    """The field an answer in `category` is reported against, on the form and the API."""
    return f"answer_{category}"


def _cleaned(text: str) -> str:
    return " ".join(text.split())


def information_request_errors(
    *,
    panel_case: PanelCase,
    to_agency: Agency | None,
    categories: Sequence[str],
    purpose: str,
    due_on: datetime.date | None,
    today: datetime.date,
) -> dict[str, list[str]]:
    """Every problem with a request, keyed by field; empty when it can be sent."""
    errors: dict[str, list[str]] = {}
    if to_agency is None:
        errors["to_agency"] = ["Choose the agency to ask."]
    elif to_agency.pk == panel_case.panel.agency_id:
        errors["to_agency"] = ["Choose a partner agency, not the panel's own."]
    elif not to_agency.is_active:
        errors["to_agency"] = ["That agency is no longer active."]
    unknown = sorted(set(categories) - set(REQUESTABLE_CATEGORIES))
    if not categories:
        errors["categories"] = ["Choose at least one category of information to ask for."]
    elif unknown:
        errors["categories"] = [f"These cannot be asked for: {', '.join(unknown)}."]
    if len(_cleaned(purpose)) < MIN_PURPOSE_CHARS:
        errors["purpose"] = [
            f"Say why the panel needs this information (at least {MIN_PURPOSE_CHARS} "
            "characters): the partner records it as the purpose of its answer."
        ]
    if due_on is None:
        errors["due_on"] = ["Enter the date an answer is due."]
    elif due_on < today:
        errors["due_on"] = ["The due date must be today or later."]
    return errors


def _holds_identity(referral, agency: Agency) -> bool:
    if agency.pk == referral.owning_agency_id:
        return True
    held = holdings(agency=agency, referral=referral)
    return (Category.IDENTITY, referral.owning_agency_id, WHOLE_CASE) in held


def _identity_decision(
    *, actor: User, membership: Membership, panel_case: PanelCase, to_agency: Agency, purpose: str
) -> SharingDecision | None:
    """Pass the person's identity on to the addressee, unless it holds it already."""
    referral = panel_case.referral
    if _holds_identity(referral, to_agency):
        return None
    owner = referral.owning_agency_id
    if Category.IDENTITY not in shareable_categories(
        agency=membership.agency, referral=referral, source_id=owner
    ):
        raise ValidationError(
            {
                "to_agency": [
                    "The panel no longer holds the person's identity from the police, so it "
                    "cannot tell this agency who the request is about."
                ]
            }
        )
    return referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=to_agency,
        data=panel_share(
            (Category.IDENTITY,),
            purpose=purpose,
            justification=IDENTITY_JUSTIFICATION,
            consent_reason=IDENTITY_CONSENT_REASON,
        ),
        source_agency_id=owner,
    )


@atomic_unit
def information_request_send(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    to_agency: Agency | None,
    categories: Sequence[str],
    purpose: str,
    due_on: datetime.date | None,
) -> InformationRequest:
    """Ask a partner agency for what it holds about the person: which categories, why and
    by when. Only the chair or a coordinator of the case's panel asks; the partner is told
    who the request is about through an onward share of the police's identity category."""
    if not runs_case(membership, panel_case):
        raise AccessDenied(
            "Only the chair or a coordinator of the case's panel may request information."
        )
    if not panel_case.is_open:
        raise TransitionNotAllowed("This case is closed: no more information can be requested.")
    errors = information_request_errors(
        panel_case=panel_case,
        to_agency=to_agency,
        categories=categories,
        purpose=purpose,
        due_on=due_on,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    purpose = purpose.strip()
    _identity_decision(
        actor=actor,
        membership=membership,
        panel_case=panel_case,
        to_agency=to_agency,
        purpose=purpose,
    )
    request = InformationRequest.objects.create(
        panel_case=panel_case,
        referral_id=panel_case.referral_id,
        source_agency_id=panel_case.source_agency_id,
        to_agency=to_agency,
        categories=[code for code in REQUESTABLE_CATEGORIES if code in set(categories)],
        purpose=purpose,
        due_on=due_on,
        requested_by=actor,
    )
    append_event(
        event_type=EventType.INFORMATION_REQUESTED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "request": request.pk,
            "to_agency": to_agency.pk,
            "categories": request.categories,
            "due_on": due_on,
        },
    )
    return request


def may_answer(membership: Membership | None, request: InformationRequest) -> bool:
    """Whether the member may answer the request: someone at the addressed agency who may
    share that agency's information (not a practitioner, auditor or administrator)."""
    return (
        handles_case_content(membership)
        and membership.agency_id == request.to_agency_id
        and membership.role in ORIGINATOR_SHARING_ROLES
    )


def _authorise_answer(membership: Membership, request: InformationRequest) -> None:
    if not may_answer(membership, request):
        raise AccessDenied(
            "Only a member of the addressed agency who may share its information answers a "
            "request (needs: officer, coordinator, chair or panel member)."
        )
    if not request.panel_case.is_open:
        raise TransitionNotAllowed("This case is closed: the request can no longer be answered.")


def _contribution_errors(
    request: InformationRequest, contributions: Sequence[tuple[str, str]]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    answered = [category for category, content in contributions if _cleaned(content)]
    if not answered:
        errors["contributions"] = ["Answer at least one of the categories asked for."]
    for category in {category for category, _ in contributions}:
        if category not in request.categories:
            label = Category(category).label if category in Category.values else category
            errors.setdefault("contributions", []).append(
                f"The request did not ask for {label.lower()}: answer only what was asked for."
            )
    for category in {category for category in answered if answered.count(category) > 1}:
        errors[answer_field(category)] = ["Give one answer per category."]
    return errors


def _answer(
    *, actor: User, request: InformationRequest, status: str, now: datetime.datetime
) -> None:
    """Mark the request answered, if nobody else answered it first."""
    updated = InformationRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=status, answered_by=actor, answered_at=now, updated_at=now
    )
    if updated != 1:
        raise ConflictError("This request has already been answered.")
    request.status, request.answered_by, request.answered_at = status, actor, now


def _answered_event(
    *, actor: User, membership: Membership, request: InformationRequest, decision
) -> None:
    InformationRequest.objects.filter(pk=request.pk).update(answer=decision)
    request.answer = decision
    append_event(
        event_type=EventType.INFORMATION_REQUEST_ANSWERED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=request.referral_id,
        payload={"request": request.pk, "status": request.status, "decision": decision.pk},
    )


def _answered(contributions: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(category, content.strip()) for category, content in contributions if _cleaned(content)]


def answer_errors(
    request: InformationRequest,
    *,
    action: str,
    contributions: Sequence[tuple[str, str]],
    data: DecisionInput,
    now: datetime.datetime,
) -> dict[str, list[str]]:
    """Every problem with an answer to the request, keyed by field; empty when it can be
    recorded. Sharing names the categories answered; withholding, those asked for."""
    sharing = action == DecisionAction.SHARE
    errors = _contribution_errors(request, contributions) if sharing else {}
    problems = decision_errors(
        _answer_decision(request, action, contributions, data),
        held_categories=ALL_CATEGORIES,
        now=now,
    )
    if "contributions" in errors:
        # Choosing the categories is answering them: the decision's own message repeats it.
        problems.pop("categories", None)
    return {**problems, **errors}


def _answer_decision(
    request: InformationRequest,
    action: str,
    contributions: Sequence[tuple[str, str]],
    data: DecisionInput,
) -> DecisionInput:
    if action == DecisionAction.SHARE:
        categories = tuple(category for category, _ in _answered(contributions))
    else:
        categories = tuple(request.categories)
    return replace(data, action=action, categories=categories)


@atomic_unit
def information_request_answer_share(
    *,
    actor: User,
    membership: Membership,
    request: InformationRequest,
    contributions: Sequence[tuple[str, str]],
    data: DecisionInput,
) -> SharingDecision:
    """Answer a request by sharing: record what the agency holds in each category answered
    (its own information), and its decision to share those categories with the panel.
    Every problem with the answers and the decision is reported at once."""
    _authorise_answer(membership, request)
    now = timezone.now()
    errors = answer_errors(
        request, action=DecisionAction.SHARE, contributions=contributions, data=data, now=now
    )
    if errors:
        raise ValidationError(errors)
    _answer(actor=actor, request=request, status=RequestStatus.SHARED, now=now)
    referral = request.referral
    rows = Contribution.objects.bulk_create(
        Contribution(
            panel_case_id=request.panel_case_id,
            referral_id=request.referral_id,
            source_agency_id=membership.agency_id,
            request=request,
            category=category,
            content=content,
            contributed_by=actor,
        )
        for category, content in _answered(contributions)
    )
    information_source_record(referral=referral, agency=membership.agency)
    decision = referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=request.source_agency,
        data=_answer_decision(request, DecisionAction.SHARE, contributions, data),
        source_agency_id=membership.agency_id,
    )
    _answered_event(actor=actor, membership=membership, request=request, decision=decision)
    for row in rows:
        append_event(
            event_type=EventType.CONTRIBUTION_RECORDED,
            actor=actor.pk,
            agency=membership.agency_id,
            target_type=CASE_TYPE,
            target_id=request.referral_id,
            payload={"contribution": row.pk, "category": row.category, "request": request.pk},
        )
    return decision


@atomic_unit
def information_request_answer_withhold(
    *, actor: User, membership: Membership, request: InformationRequest, data: DecisionInput
) -> SharingDecision:
    """Answer a request by withholding: the agency's recorded decision not to share what
    was asked for, with its reasons (the justification)."""
    _authorise_answer(membership, request)
    now = timezone.now()
    errors = answer_errors(
        request, action=DecisionAction.WITHHOLD, contributions=(), data=data, now=now
    )
    if errors:
        raise ValidationError(errors)
    _answer(actor=actor, request=request, status=RequestStatus.WITHHELD, now=now)
    information_source_record(referral=request.referral, agency=membership.agency)
    decision = referral_share(
        actor=actor,
        membership=membership,
        referral=request.referral,
        receiving_agency=request.source_agency,
        data=_answer_decision(request, DecisionAction.WITHHOLD, (), data),
        source_agency_id=membership.agency_id,
    )
    _answered_event(actor=actor, membership=membership, request=request, decision=decision)
    return decision


def _request_shown(addressed: AddressedRequest) -> CaseShown:
    """What a request addressed to the viewer shows: its purpose (the panel's), and who it
    is about where the viewer may see that."""
    request = addressed.request
    categories, sources = {Category.PANEL}, {request.source_agency_id}
    if addressed.subject is not None:
        categories.add(Category.IDENTITY)
        sources.add(request.referral.owning_agency_id)
    return CaseShown(
        case_id=request.referral_id, categories=frozenset(categories), sources=frozenset(sources)
    )


def addressed_requests_read(
    *, actor: User, membership: Membership, requests: Iterable[AddressedRequest], via: str
) -> list[AddressedRequest]:
    """A page of requests addressed to the viewer's agency, recorded as one list read."""
    shown = list(requests)
    cases_listed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=[_request_shown(addressed) for addressed in shown],
        via=via,
    )
    return shown


def addressed_request_read(
    *, actor: User, membership: Membership, addressed: AddressedRequest, via: str
) -> AddressedRequest:
    """One request addressed to the viewer's agency, its view recorded."""
    case_viewed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=_request_shown(addressed),
        via=via,
    )
    return addressed
