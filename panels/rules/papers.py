"""Which categories of a case each member agency needs for a meeting: the proposal the
chair confirms (and may cut down) before papers go out. Pure, no database.

Defaults, each the least a member needs to take part in the panel's discussion:
- every member gets the panel's own record of the case (decisions, minutes, actions), and
  the agreed needs assessment and the support plan once they exist, because the panel
  decides on those together;
- every member but the police gets who the person is and the concern as referred, without
  which nothing else can be matched to its own records; the police force owns both;
- each member gets the category its own work turns on: health bodies health, schools and
  colleges education, children's services family, probation, youth offending teams and
  prisons criminal justice, adult social care family;
- nobody is proposed screening: the gateway assessment stays with the police, and its
  deconfliction is never passed on (CTSA s.38).
"""

from audit.vocabulary import Category
from prevent_cases.roles import AgencyKind

# The panel's own information: its local authority is the source.
PANEL_RECORD = (Category.PANEL, Category.ASSESSMENT, Category.SUPPORT)
KNOW_THE_PERSON = (Category.IDENTITY, Category.CONCERN)
OWN_FIELD: dict[str, tuple[str, ...]] = {
    AgencyKind.HEALTH: (Category.HEALTH,),
    AgencyKind.EDUCATION: (Category.EDUCATION,),
    AgencyKind.CHILDRENS_SERVICES: (Category.FAMILY,),
    AgencyKind.ADULT_SOCIAL_CARE: (Category.FAMILY,),
    AgencyKind.PROBATION: (Category.CRIMINAL_JUSTICE,),
    AgencyKind.YOUTH_OFFENDING: (Category.CRIMINAL_JUSTICE,),
    AgencyKind.PRISON: (Category.CRIMINAL_JUSTICE,),
}


def proposed_categories(
    agency_kind: str, *, has_assessment: bool, has_plan: bool
) -> tuple[str, ...]:
    """The categories proposed for a member agency of this kind, in the registry's order."""
    wanted = {Category.PANEL}
    if has_assessment:
        wanted.add(Category.ASSESSMENT)
    if has_plan:
        wanted.add(Category.SUPPORT)
    if agency_kind != AgencyKind.POLICE:
        wanted.update(KNOW_THE_PERSON)
        wanted.update(OWN_FIELD.get(agency_kind, ()))
    return tuple(category for category in Category.values if category in wanted)
