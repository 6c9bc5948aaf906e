"""What every part of the generator shares: the seeded randomness, the clock the region's
history runs to, the events collected on the way and the sharing decisions."""

import datetime
import random
from dataclasses import dataclass, field

from prevent_cases.demo.region.chain import Timeline
from prevent_cases.demo.region.sharing import Sharing
from prevent_cases.demo.region.tables import Ids

# The region's history runs over this many days up to now.
HISTORY_DAYS = 3 * 365


@dataclass
class Build:
    seed: int
    now: datetime.datetime
    rng: random.Random = field(init=False)
    ids: Ids = field(init=False)
    timeline: Timeline = field(init=False)
    sharing: Sharing = field(init=False)
    # The panel's live share of who the person is, by case and delivering agency.
    identity_shares: dict = field(default_factory=dict)
    # Rows written, by table, for the summary.
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.ids = Ids(self.seed + 1)
        self.timeline = Timeline()
        self.sharing = Sharing(self.ids, self.timeline)

    @property
    def today(self) -> datetime.date:
        return self.now.date()

    @property
    def start(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=HISTORY_DAYS)

    def on(self, day: datetime.date) -> datetime.datetime:
        """A moment in the working hours of `day`, never after now."""
        moment = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
        moment += datetime.timedelta(seconds=self.rng.randint(0, 9 * 3600))
        return min(moment, self.now - datetime.timedelta(seconds=self.rng.randint(60, 3600)))

    def after(self, moment: datetime.datetime, low: float, high: float) -> datetime.datetime:
        """A moment `low` to `high` days after `moment`, never after now."""
        later = moment + datetime.timedelta(days=self.rng.uniform(low, high))
        return min(later, self.now - datetime.timedelta(seconds=self.rng.randint(60, 3600)))
