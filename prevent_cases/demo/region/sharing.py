"""Sharing decisions as the services record them, in bulk: each row with the event that
carries its hash (as audit.services.decisions appends it), revocations that supersede the
decision they end, the agencies whose information a case holds, and finally the grants,
derived from the decision log by the same code that rebuilds them
(referrals.services.grants.grants_from_log).

Also the police's own sharing on closed referrals (safeguarding partners told of a
signposted person, some for a fixed time, some later revoked), which brings the log to the
region's size.
"""

import datetime
import random
import uuid
from dataclasses import dataclass

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.records import DECISION_COLUMNS, decision_hash_from_values
from audit.services.decision_rules import DecisionInput
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.demo.region.tables import Ids, Table
from referrals.models import ReferralGrant, ReferralSource
from referrals.services.grants import CASE_TYPE, grants_from_log

REVOCATION_PURPOSE = "Revocation of an earlier decision to share."  # as the service words it
SAFEGUARDING_PURPOSE = "Safeguarding: let the service the person was signposted to support them"
SAFEGUARDING_JUSTIFICATION = (
    "The service needs who the person is and what the concern was to offer the support "
    "screening found they need; nothing less would let it make contact."
)
SAFEGUARDING_CONSENT_REASON = (
    "Seeking consent would delay support the person needs now; sharing is proportionate to "
    "the safeguarding concern."
)
NO_LONGER_NEEDED = "The service has closed its involvement and no longer needs the information."


@dataclass(frozen=True)
class Decision:
    """What a later revocation needs of a decision."""

    id: uuid.UUID
    referral_id: uuid.UUID
    discloser: uuid.UUID
    receiver: uuid.UUID
    source: uuid.UUID
    scope: str
    categories: list[str]
    data: DecisionInput


class Sharing:
    def __init__(self, ids: Ids, timeline) -> None:
        self.ids = ids
        self.timeline = timeline
        self.decisions = Table(SharingDecision, DECISION_COLUMNS)
        self.sources = Table(ReferralSource, ("referral_id", "agency_id", "created_at"))
        self._sources_seen: set[tuple[uuid.UUID, uuid.UUID]] = set()

    def source(self, referral_id: uuid.UUID, agency_id: uuid.UUID, moment, owner) -> None:
        """The case now holds this agency's own information (information_source_record)."""
        key = (referral_id, agency_id)
        if agency_id != owner and key not in self._sources_seen:
            self._sources_seen.add(key)
            self.sources.add(referral_id, agency_id, moment)

    def record(
        self,
        *,
        moment: datetime.datetime,
        referral_id: uuid.UUID,
        discloser: uuid.UUID,
        receiver: uuid.UUID,
        data: DecisionInput,
        decided_by: uuid.UUID,
        role: str,
        source: uuid.UUID | None = None,
        scope: str = "",
        supersedes: uuid.UUID | None = None,
    ) -> Decision:
        """One decision row and its event, as sharing_decision_record writes them."""
        decision_id = self.ids.new()
        categories = sorted(set(data.categories))
        source = source or discloser
        values = (
            decision_id,
            CASE_TYPE,
            referral_id,
            data.action,
            discloser,
            receiver,
            categories,
            data.purpose,
            data.legal_basis,
            data.legal_basis_other,
            data.schedule1_condition,
            data.consent_status,
            data.consent_reason,
            data.justification,
            decided_by,
            role,
            moment,
            data.expires_at,
            supersedes,
            source,
            scope,
            2,
        )
        self.decisions.add(*values)
        self.timeline.add(
            moment,
            EventType.SHARING_DECISION_RECORDED,
            decided_by,
            discloser,
            target_type="sharing_decision",
            target_id=decision_id,
            payload={
                "decision_hash": decision_hash_from_values(values),
                "action": data.action,
                "case_type": CASE_TYPE,
                "case_id": referral_id,
                "receiving_agency": receiver,
                "source_agency": source,
                "scope": scope,
                "categories": categories,
                "legal_basis": data.legal_basis,
                "consent_status": data.consent_status,
                "supersedes": supersedes,
            },
        )
        return Decision(decision_id, referral_id, discloser, receiver, source, scope, categories,
                        data)  # fmt: skip

    def revoke(
        self,
        decision: Decision,
        *,
        moment: datetime.datetime,
        decided_by: uuid.UUID,
        role: str,
        reason: str,
    ) -> Decision:
        """A revocation, worded as sharing_decision_revoke words it."""
        data = decision.data
        revocation = DecisionInput(
            action=DecisionAction.REVOKE,
            categories=tuple(decision.categories),
            purpose=REVOCATION_PURPOSE,
            legal_basis=data.legal_basis,
            legal_basis_other=data.legal_basis_other,
            schedule1_condition=data.schedule1_condition,
            consent_status=data.consent_status,
            consent_reason="",
            justification=reason,
            expires_at=None,
        )
        return self.record(
            moment=moment,
            referral_id=decision.referral_id,
            discloser=decision.discloser,
            receiver=decision.receiver,
            data=revocation,
            decided_by=decided_by,
            role=role,
            source=decision.source,
            scope=decision.scope,
            supersedes=decision.id,
        )

    def flush(self) -> None:
        self.decisions.flush()
        self.sources.flush()


def share_closed_referrals(build, referrals: list, *, wanted: int) -> int:
    """The police tell the service a closed referral was signposted to (or, where none
    fits, the area's council) who the person is and what the concern was, until the log
    holds `wanted` decisions. A third are for 90 days (some already over), a tenth later
    revoked. Returns how many decisions were added."""
    rng: random.Random = build.rng
    sharing: Sharing = build.sharing
    added = 0
    closed = [referral for referral in referrals if referral.outcome and not referral.progressed]
    rng.shuffle(closed)
    for referral in closed:
        if added >= wanted:
            break
        area = referral.area
        kind = "childrens_services" if referral.is_child else "adult_social_care"
        if referral.mental_health and rng.random() < 0.5:
            kind = "health"
        receiver = area.partner(kind, rng) or area.panel_agency
        categories = [Category.IDENTITY, Category.CONCERN]
        if kind == "health":
            categories.append(Category.HEALTH)
        moment = build.after(referral.screened_at, 0, 2)
        expires_at = None
        if rng.random() < 1 / 3:
            expires_at = moment + datetime.timedelta(days=90)
        decision = sharing.record(
            moment=moment,
            referral_id=referral.id,
            discloser=referral.force.id,
            receiver=receiver.id,
            data=DecisionInput(
                action=DecisionAction.SHARE,
                categories=tuple(categories),
                purpose=SAFEGUARDING_PURPOSE,
                legal_basis=LegalBasis.CHILDREN_ACT if referral.is_child else LegalBasis.CDA_S115,
                legal_basis_other="",
                schedule1_condition="safeguarding_children" if kind == "health" else "",
                consent_status=ConsentStatus.NOT_SOUGHT,
                consent_reason=SAFEGUARDING_CONSENT_REASON,
                justification=SAFEGUARDING_JUSTIFICATION,
                expires_at=expires_at,
            ),
            decided_by=referral.officer,
            role="prevent_officer",
        )
        added += 1
        if expires_at is None and rng.random() < 0.1 and added < wanted:
            sharing.revoke(
                decision,
                moment=build.after(moment, 20, 200),
                decided_by=referral.officer,
                role="prevent_officer",
                reason=NO_LONGER_NEEDED,
            )
            added += 1
    return added


def write_grants() -> int:
    """Write the grants the decision log gives, exactly as a rebuild would leave them."""
    grants = Table(
        ReferralGrant,
        (
            "content_object_id",
            "group_id",
            "permission_id",
            "source_agency_id",
            "scope",
            "decision_id",
            "expires_at",
        ),
    )
    for key, (decision_id, expires_at) in grants_from_log().items():
        grants.add(*key, decision_id, expires_at)
    grants.flush()
    return grants.count
