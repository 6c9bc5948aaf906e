"""Panel-specific questions for the access policy, answered from loaded objects."""

from panels.models import PanelCase
from panels.rules.stages import PANEL_ROLES
from prevent_cases.models import Membership
from prevent_cases.policy import handles_case_content
from referrals.models import Referral
from referrals.rules.permissions import runs_responsible_panel


def runs_panel_for(membership: Membership | None, referral: Referral) -> bool:
    """The member is the chair or a coordinator of the panel responsible for the case."""
    return (
        handles_case_content(membership)
        and membership.role in PANEL_ROLES
        and runs_responsible_panel(membership, referral)
    )


def runs_case(membership: Membership | None, panel_case: PanelCase) -> bool:
    """The member runs the panel this case is before, and that panel is still responsible."""
    return (
        runs_panel_for(membership, panel_case.referral)
        and panel_case.panel.agency_id == membership.agency_id
    )


def is_panel_member_agency(panel_case: PanelCase, agency_id) -> bool:
    """Whether the agency sits on the panel for this case: standing or added for it."""
    standing = {agency.pk for agency in panel_case.panel.members.all()}
    added = {agency.pk for agency in panel_case.added_members.all()}
    return agency_id in standing | added or agency_id == panel_case.panel.agency_id
