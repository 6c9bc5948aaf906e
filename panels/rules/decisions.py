"""The sharing decisions the panel makes as part of its own work (papers, a request's
identity, a provider's intervention): each on CTSA 2015 s.38, the panel partners'
co-operation with the panel, with the consent the case has or the reason it is not
sought."""

from audit.services.decision_rules import DecisionInput
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis


def panel_share(
    categories,
    *,
    purpose: str,
    justification: str,
    consent_given: bool = False,
    consent_reason: str,
) -> DecisionInput:
    """A decision to share `categories` for the panel's purposes under CTSA s.38."""
    return DecisionInput(
        action=DecisionAction.SHARE,
        categories=tuple(categories),
        purpose=purpose,
        legal_basis=LegalBasis.CTSA_S38,
        legal_basis_other="",
        schedule1_condition="",
        consent_status=ConsentStatus.GIVEN if consent_given else ConsentStatus.NOT_SOUGHT,
        consent_reason="" if consent_given else consent_reason,
        justification=justification,
        expires_at=None,
    )
