"""How much a region holds at a given scale. Scale 1 is a large English region run on one
instance; every count scales in proportion, so a test can run the same generator at 0.001."""

from dataclasses import dataclass

# At scale 1. Agencies do not scale (a region has its partners whatever its caseload), and
# users have a floor of one per seat in each agency (people.SEATS).
USERS = 500
REFERRALS = 100_000
DECISIONS = 200_000
EVENTS = 1_000_000
PANEL_CASES = 15_000
INTERVENTIONS = 40_000
PROGRESS_ENTRIES = 400_000


@dataclass(frozen=True)
class Sizes:
    users: int
    referrals: int
    decisions: int
    events: int
    panel_cases: int
    interventions: int
    progress_entries: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        def scaled(count: int) -> int:
            return max(1, round(count * scale))

        return cls(
            users=scaled(USERS),
            referrals=scaled(REFERRALS),
            decisions=scaled(DECISIONS),
            events=scaled(EVENTS),
            panel_cases=scaled(PANEL_CASES),
            interventions=scaled(INTERVENTIONS),
            progress_entries=scaled(PROGRESS_ENTRIES),
        )
