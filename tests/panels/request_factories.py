"""Information requests and their answers, made through the real services."""

import datetime

from django.utils import timezone

from audit.models import SharingDecision
from panels.models import InformationRequest, PanelCase
from panels.services.requests import (
    information_request_answer_share,
    information_request_answer_withhold,
    information_request_send,
)
from prevent_cases.models import Agency, User
from tests.factories import decision_input

PURPOSE = "To understand the health needs of the person before the panel decides on adoption."
WITHHOLD_REASON = (
    "Disclosing these records would breach a duty of confidence owed to a third party, and "
    "the panel can assess needs without them."
)


def send_request(
    panel_case: PanelCase,
    by: User,
    to: Agency,
    *,
    categories=("health",),
    due_in_days: int = 14,
    purpose: str = PURPOSE,
) -> InformationRequest:
    return information_request_send(
        actor=by,
        membership=by.membership,
        panel_case=panel_case,
        to_agency=to,
        categories=list(categories),
        purpose=purpose,
        due_on=timezone.localdate() + datetime.timedelta(days=due_in_days),
    )


def answer_by_sharing(
    request: InformationRequest, by: User, contributions=None, **overrides
) -> SharingDecision:
    contributions = contributions or [
        (category, f"Synthetic {category} information held by the partner.")
        for category in request.categories
    ]
    return information_request_answer_share(
        actor=by,
        membership=by.membership,
        request=request,
        contributions=contributions,
        data=decision_input(purpose="Help the panel assess support needs", **overrides),
    )


def answer_by_withholding(request: InformationRequest, by: User) -> SharingDecision:
    return information_request_answer_withhold(
        actor=by,
        membership=by.membership,
        request=request,
        data=decision_input(
            action="withhold",
            purpose="Answer the panel's request for health records",
            justification=WITHHOLD_REASON,
        ),
    )
