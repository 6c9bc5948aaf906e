"""The one read path for referrals: every page, API response and list that shows case data
gets it here, already limited to what the viewer may see, and each read is recorded with
the categories and sources actually shown (audit.services.read_events)."""

import uuid
from collections.abc import Iterable

from audit.services.read_events import CaseShown, case_viewed_recorded, cases_listed_recorded
from audit.vocabulary import Category
from prevent_cases.models import Membership, User
from referrals.models import Referral
from referrals.selectors import SubjectMatch, VisibleReferral, referral_get_for_user, visible
from referrals.services.grants import CASE_TYPE

# What the intake's matching page shows of an earlier person: who they are, nothing more.
IDENTITY_ONLY = frozenset({Category.IDENTITY})


def _as_shown(case: VisibleReferral, displayed: frozenset[str] | None) -> CaseShown:
    categories = case.categories if displayed is None else case.categories & displayed
    # Everything a referral's own record holds is its owning agency's information.
    sources = frozenset({case.referral.owning_agency_id}) if categories else frozenset()
    return CaseShown(case_id=case.referral.pk, categories=categories, sources=sources)


def referral_read(
    *,
    actor: User,
    membership: Membership,
    referral_id: uuid.UUID,
    via: str,
    displayed: frozenset[str] | None = None,
) -> VisibleReferral:
    """One referral as the viewer may see it, with its view recorded; NotFound if the
    viewer may see nothing of it. `displayed` names the categories the page shows at most
    (a form about one field shows that field's); None means all the viewer may see."""
    shown = referral_get_for_user(membership=membership, referral_id=referral_id)
    return referral_view_recorded(
        actor=actor, membership=membership, shown=shown, via=via, displayed=displayed
    )


def referral_view_recorded(
    *,
    actor: User,
    membership: Membership,
    shown: VisibleReferral,
    via: str,
    displayed: frozenset[str] | None = None,
) -> VisibleReferral:
    """Record the view of a referral already fetched for the viewer, once a page has
    decided to show it (a refused request records nothing)."""
    case_viewed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=_as_shown(shown, displayed),
        via=via,
    )
    return shown


def referrals_read(
    *,
    actor: User,
    membership: Membership,
    referrals: Iterable[Referral],
    via: str,
    displayed: frozenset[str] | None = None,
) -> list[VisibleReferral]:
    """A page of referrals from a scoped list, each with what the viewer may see, recorded
    as one event. `displayed` names the categories the list shows at most (a dashboard
    shows names, not narratives); None means all the viewer may see."""
    shown = [visible(referral, membership=membership) for referral in referrals]
    cases_listed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=[_as_shown(case, displayed) for case in shown],
        via=via,
    )
    return shown


def subject_matches_read(
    *, actor: User, membership: Membership, matches: list[SubjectMatch]
) -> list[SubjectMatch]:
    """Earlier people offered at intake, recorded as one list: each shows the identity of
    the referral record it comes from."""
    cases_listed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=[
            CaseShown(case_id=referral_id, categories=IDENTITY_ONLY, sources=frozenset({owner}))
            for match in matches
            for referral_id, owner in match.records
        ],
        via="matching",
    )
    return matches
