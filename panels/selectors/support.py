"""Permission-scoped reads for the later stages of a panel case: its assessments, consent,
support plan and interventions, post-exit reviews and transfers.

Each read starts from a VisiblePanelCase (panels.selectors.panel_case_get_for_user, or
panels.services.reads.panel_case_read on a page), and each item is kept or dropped by its
(category, source, scope) through VisiblePanelCase.sees: an agency sees what it originated
and otherwise only what a live sharing decision gave it.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from audit.vocabulary import Category
from panels.models import (
    Assessment,
    AssessmentEntry,
    AssessmentFactor,
    AssessmentFramework,
    Consent,
    Intervention,
    InterventionGoal,
    PanelCase,
    PostExitReview,
    SupportPlan,
)
from panels.models.vocabulary import ExitOutcome
from panels.rules.assessment_diff import FactorChange, assessment_diff
from panels.rules.permissions import is_panel_member_agency
from panels.selectors.cases import VisiblePanelCase
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import Role

# Who may be named as the practitioner delivering an intervention.
PRACTITIONER_ROLES = (Role.PRACTITIONER, Role.PANEL_MEMBER)


def framework_in_force(day: datetime.date) -> AssessmentFramework | None:
    """The newest framework already in force on `day`."""
    return AssessmentFramework.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def framework_factors(framework_id) -> list[AssessmentFactor]:
    return list(
        AssessmentFactor.objects.filter(dimension__framework_id=framework_id).select_related(
            "dimension"
        )
    )


def _assessments(panel_case: PanelCase) -> QuerySet[Assessment]:
    entries = AssessmentEntry.objects.select_related("factor", "source_agency")
    return (
        Assessment.objects.filter(panel_case=panel_case)
        .select_related("framework", "agreed_by")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("-number")
    )


def assessment_draft(panel_case: PanelCase) -> Assessment | None:
    """The assessment in progress on this case, if any."""
    return Assessment.objects.filter(panel_case=panel_case, agreed_at__isnull=True).first()


def assessment_latest_agreed(panel_case: PanelCase) -> Assessment | None:
    return (
        Assessment.objects.filter(panel_case=panel_case, agreed_at__isnull=False)
        .order_by("-number")
        .first()
    )


def assessment_for_case(*, case: VisiblePanelCase, assessment_id: uuid.UUID) -> Assessment:
    """One assessment of the case; NotFound if it is not this case's."""
    assessment = _assessments(case.panel_case).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("No assessment with that id on this case.")
    return assessment


@dataclass(frozen=True)
class FactorRow:
    factor: AssessmentFactor
    # The entries the viewer may see, the panel's agreed rating first.
    entries: list[AssessmentEntry]
    own: AssessmentEntry | None


@dataclass(frozen=True)
class DimensionRows:
    label: str
    factors: list[FactorRow]


@dataclass(frozen=True)
class AssessmentShown:
    """The case's current assessment as the viewer may see it, the one before it, and (for
    those who see the panel's assessment) what changed between the two."""

    current: Assessment | None
    previous: Assessment | None
    dimensions: list[DimensionRows] = field(default_factory=list)
    sees_panel: bool = False
    changes: list[FactorChange] = field(default_factory=list)
    factor_labels: dict[str, str] = field(default_factory=dict)


def panel_ratings(assessment: Assessment) -> dict[str, str]:
    """The panel's agreed ratings of an assessment (its own entries), by factor code."""
    return {
        entry.factor.code: entry.rating
        for entry in assessment.entries.all()
        if entry.source_agency_id == assessment.source_agency_id
    }


def assessment_shown(*, case: VisiblePanelCase) -> AssessmentShown:
    """The current and previous assessments of the case, each entry kept only if the viewer
    may see that agency's assessment information."""
    assessments = list(_assessments(case.panel_case)[:2])
    if not assessments:
        return AssessmentShown(current=None, previous=None)
    current = assessments[0]
    previous = assessments[1] if len(assessments) > 1 else None
    sees_panel = case.sees(Category.ASSESSMENT, current.source_agency_id)
    visible = [
        entry
        for entry in current.entries.all()
        if case.sees(Category.ASSESSMENT, entry.source_agency_id)
    ]
    factors = framework_factors(current.framework_id)
    by_factor: dict[int, list[AssessmentEntry]] = {}
    for entry in visible:
        by_factor.setdefault(entry.factor_id, []).append(entry)
    dimensions: list[DimensionRows] = []
    for factor in factors:
        if not dimensions or dimensions[-1].label != factor.dimension.label:
            dimensions.append(DimensionRows(label=factor.dimension.label, factors=[]))
        entries = sorted(
            by_factor.get(factor.pk, []),
            key=lambda e: (e.source_agency_id != current.source_agency_id, e.source_agency.name),
        )
        own = next((e for e in entries if e.source_agency_id == case.membership.agency_id), None)
        dimensions[-1].factors.append(FactorRow(factor=factor, entries=entries, own=own))
    changes = []
    if sees_panel and previous is not None:
        changes = assessment_diff(
            panel_ratings(previous),
            panel_ratings(current),
            order=[factor.code for factor in factors],
        )
    labels = {factor.code: factor.label for factor in factors}
    if previous is not None:
        for factor in framework_factors(previous.framework_id):
            labels.setdefault(factor.code, factor.label)
    return AssessmentShown(
        current=current,
        previous=previous,
        dimensions=dimensions,
        sees_panel=sees_panel,
        changes=changes,
        factor_labels=labels,
    )


def may_enter_assessment(membership: Membership, panel_case: PanelCase) -> bool:
    """Whether the member's agency sits on the panel for this case, so it may add its own
    assessment entries."""
    return is_panel_member_agency(panel_case, membership.agency_id)


def consents_for_case(*, case: VisiblePanelCase) -> list[Consent]:
    """Consent records of the case, oldest first; none unless the viewer sees the panel's
    support information."""
    if not case.sees(Category.SUPPORT, case.panel_case.source_agency_id):
        return []
    return list(Consent.objects.filter(panel_case=case.panel_case).select_related("recorded_by"))


def consent_latest(panel_case: PanelCase) -> Consent | None:
    return Consent.objects.filter(panel_case=panel_case).order_by("-created_at", "-id").first()


def plan_current(panel_case: PanelCase) -> SupportPlan | None:
    """The plan in force: the last recorded."""
    return SupportPlan.objects.filter(panel_case=panel_case).order_by("-created_at", "-id").first()


def plan_for_case(*, case: VisiblePanelCase) -> SupportPlan | None:
    """The plan in force, if the viewer sees the panel's support information (whole case)."""
    if not case.sees(Category.SUPPORT, case.panel_case.source_agency_id):
        return None
    return plan_current(case.panel_case)


def interventions_for_case(*, case: VisiblePanelCase) -> list[Intervention]:
    """The interventions the viewer may see: all of them for those given the panel's support
    information for the whole case, otherwise only those whose scope was shared with it (a
    provider sees its own intervention and nothing of another's)."""
    interventions = (
        Intervention.objects.filter(panel_case=case.panel_case)
        .select_related("delivering_agency", "practitioner")
        .prefetch_related(Prefetch("goals", queryset=InterventionGoal.objects.order_by("position")))
    )
    return [
        intervention
        for intervention in interventions
        if case.sees(Category.SUPPORT, intervention.source_agency_id, intervention.scope)
    ]


def intervention_delivery_agencies(panel_case: PanelCase) -> set[uuid.UUID]:
    """Agencies delivering an intervention on this case."""
    return set(
        Intervention.objects.filter(panel_case=panel_case).values_list(
            "delivering_agency_id", flat=True
        )
    )


def delivery_agencies(panel_case: PanelCase) -> list[Agency]:
    """Agencies that may deliver an intervention: those on the panel for the case, bar the
    panel's own agency, and any active agency of the area."""
    standing = list(panel_case.panel.members.all()) + list(panel_case.added_members.all())
    area_agencies = Agency.objects.filter(area_id=panel_case.panel.area_id, is_active=True)
    agencies = {agency.pk: agency for agency in [*standing, *area_agencies]}
    agencies.pop(panel_case.panel.agency_id, None)
    return sorted(agencies.values(), key=lambda agency: agency.name)


def practitioners_of(agency_ids) -> list[User]:
    """Active users of these agencies who may deliver support, by name."""
    return list(
        User.objects.filter(
            is_active=True,
            membership__agency_id__in=agency_ids,
            membership__is_active=True,
            membership__role__in=PRACTITIONER_ROLES,
        )
        .select_related("membership__agency")
        .order_by("last_name", "first_name", "username")
    )


def post_exit_reviews_for_case(*, case: VisiblePanelCase) -> list[PostExitReview]:
    """The case's post-exit reviews, if the viewer sees the panel's decisions."""
    if not case.sees(Category.PANEL, case.panel_case.source_agency_id):
        return []
    return list(PostExitReview.objects.filter(panel_case=case.panel_case).select_related("done_by"))


def post_exit_review_for_case(*, case: VisiblePanelCase, review_id: uuid.UUID) -> PostExitReview:
    review = next(
        (review for review in post_exit_reviews_for_case(case=case) if review.pk == review_id),
        None,
    )
    if review is None:
        raise NotFound("No post-exit review with that id on this case.")
    return review


def transferred_case_for(referral_id: uuid.UUID) -> PanelCase | None:
    """The last episode of this referral that another panel closed by transferring it: the
    history a receiving panel links its new case to when it accepts the referral."""
    return (
        PanelCase.objects.filter(referral_id=referral_id, exit_outcome=ExitOutcome.TRANSFERRED)
        .filter(next_case__isnull=True)
        .order_by("-exited_on", "-created_at")
        .first()
    )


def transfer_areas(panel_case: PanelCase) -> QuerySet[Area]:
    """Areas with a Channel panel a case may be transferred to: every other one."""
    return (
        Area.objects.filter(panel_agency__isnull=False)
        .exclude(pk=panel_case.panel.area_id)
        .order_by("name")
    )


def area_get(area_id) -> Area | None:
    return Area.objects.filter(pk=area_id).select_related("panel_agency").first()


def practitioner_get(user_id) -> User | None:
    return User.objects.filter(pk=user_id).select_related("membership").first()
