"""Post-exit reviews (a module not named reviews.py, which the case-query lint would take
for a views module): a case that left Channel is looked at again 6 and 12 months after
exit (scheduled by panels.services.cases when it exits), and the panel may extend that to
18 and 24 months. A review that finds concern reopens the case as a new episode that
names the one before it, so its history follows."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from panels.models import PanelCase, PostExitReview
from panels.models.vocabulary import PostExitOutcome, Stage
from panels.services.cases import MIN_RATIONALE_CHARS, authorise_running, panel_case_open
from prevent_cases.dates import add_months
from prevent_cases.exceptions import ConflictError, TransitionNotAllowed
from prevent_cases.models import Membership, User
from referrals.services.grants import CASE_TYPE

EXTENDED_REVIEW_MONTHS = (18, 24)


@atomic_unit
def post_exit_review_record(
    *, actor: User, membership: Membership, review: PostExitReview, outcome: str, rationale: str
) -> PanelCase | None:
    """Record a post-exit review. No further concern closes it; concern closes it and
    reopens the case at identification as a new episode, which is returned."""
    panel_case = review.panel_case
    authorise_running(membership, panel_case, "record a post-exit review")
    errors: dict[str, list[str]] = {}
    if outcome not in PostExitOutcome.values:
        errors["outcome"] = ["Choose the outcome of the review."]
    if len(" ".join(rationale.split())) < MIN_RATIONALE_CHARS:
        errors["rationale"] = [
            f"Give the panel's reasons (at least {MIN_RATIONALE_CHARS} characters)."
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    updated = PostExitReview.objects.filter(pk=review.pk, done_at__isnull=True).update(
        outcome=outcome, rationale=rationale.strip(), done_at=now, done_by=actor, updated_at=now
    )
    if updated != 1:
        raise ConflictError("This review has been recorded already.")
    review.outcome, review.rationale, review.done_at, review.done_by = (
        outcome,
        rationale.strip(),
        now,
        actor,
    )
    reopened = None
    if outcome == PostExitOutcome.REOPENED:
        if PanelCase.objects.filter(previous_case=panel_case).exists():
            raise ConflictError("This case has been reopened already.")
        reopened = panel_case_open(
            actor=actor,
            membership=membership,
            referral=panel_case.referral,
            previous_case=panel_case,
        )
    append_event(
        event_type=EventType.POST_EXIT_REVIEW_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "review": review.pk,
            "months": review.months_after_exit,
            "outcome": outcome,
        },
    )
    return reopened


@atomic_unit
def post_exit_reviews_extend(
    *, actor: User, membership: Membership, panel_case: PanelCase
) -> list[PostExitReview]:
    """Add reviews 18 and 24 months after exit (up to two years); those already there are
    kept as they are."""
    authorise_running(membership, panel_case, "extend post-exit reviews")
    if panel_case.stage != Stage.EXITED or panel_case.exited_on is None:
        raise TransitionNotAllowed("Only a case that has exited Channel has post-exit reviews.")
    have = set(
        PostExitReview.objects.filter(panel_case=panel_case).values_list(
            "months_after_exit", flat=True
        )
    )
    months = [m for m in EXTENDED_REVIEW_MONTHS if m not in have]
    if not months:
        raise ConflictError("Reviews are already scheduled up to two years after exit.")
    added = PostExitReview.objects.bulk_create(
        PostExitReview(
            panel_case=panel_case,
            referral_id=panel_case.referral_id,
            source_agency_id=panel_case.source_agency_id,
            months_after_exit=m,
            due_on=add_months(panel_case.exited_on, m),
        )
        for m in months
    )
    append_event(
        event_type=EventType.POST_EXIT_REVIEWS_EXTENDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={"panel_case": panel_case.pk, "months": months},
    )
    return added
