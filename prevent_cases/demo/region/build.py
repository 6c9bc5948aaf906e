"""Generating a whole synthetic region, part by part, timing each part."""

import collections
import datetime
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from prevent_cases.demo.region.chain import add_activity, write_chain
from prevent_cases.demo.region.context import Build
from prevent_cases.demo.region.delivery import build_delivery
from prevent_cases.demo.region.panels import build_panel_cases
from prevent_cases.demo.region.people import Region, build_people
from prevent_cases.demo.region.referrals import build_referrals
from prevent_cases.demo.region.sharing import share_closed_referrals, write_grants
from prevent_cases.demo.region.sizes import Sizes
from prevent_cases.roles import CONTENT_ROLES
from referrals.models import Referral

SEED = 2026
DEFAULT_PASSWORD = "region-password-2026"  # noqa: S105  (synthetic benchmark accounts only)


class RegionRefused(RuntimeError):
    """The database is not one a synthetic region may be generated into."""


@dataclass
class RegionSummary:
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # role, kind, username
    busiest: list[tuple[str, str, int]] = field(default_factory=list)  # what, name, referrals

    @property
    def elapsed(self) -> float:
        return sum(seconds for _, seconds in self.timings)


def refuse_unless_empty() -> None:
    """Refuse a database that holds referrals: synthetic data must never mix with real."""
    if Referral.objects.exists():
        raise RegionRefused(
            "This database already holds referrals; a synthetic region is generated only "
            "into an empty one (migrate a fresh database first)."
        )


def generate_region(
    *, scale: float, password: str, report: Callable[[str], None] = lambda _: None
) -> RegionSummary:
    """Generate the region into this (empty) database; `report` hears each part's time."""
    if scale <= 0:
        raise RegionRefused("The scale must be greater than 0.")
    refuse_unless_empty()
    sizes = Sizes.at(scale)
    build = Build(seed=SEED, now=timezone.now().replace(microsecond=0))
    summary = RegionSummary()

    def part(name: str, work: Callable):
        # Wall time, and the generator's own CPU time: the rest is the database's work, or
        # other processes' on a shared machine.
        started, cpu = time.monotonic(), time.process_time()
        result = work()
        seconds = time.monotonic() - started
        summary.timings.append((name, seconds))
        report(f"{name}: {seconds:.1f} s (generator CPU {time.process_time() - cpu:.1f} s)")
        return result

    # Millions of small rows and events stay alive until the chain is written: left on, the
    # cyclic collector would walk all of them again and again (none of them is cyclic).
    gc.disable()
    try:
        region, referrals = _generate(build, sizes, password, part)
    finally:
        gc.enable()
    part("vacuum", _vacuum)
    build.counts.update(
        areas=len(region.areas),
        agencies=len(region.agencies),
        users=len(region.usernames),
        sharing_decisions=build.sharing.decisions.count,
        referral_sources=build.sharing.sources.count,
    )
    summary.counts = dict(sorted(build.counts.items()))
    summary.sign_ins = _sign_ins(region)
    summary.busiest = _busiest(region, referrals)
    return summary


@transaction.atomic
def _generate(build: Build, sizes: Sizes, password: str, part: Callable):
    region = part(
        "people",
        lambda: build_people(users=sizes.users, password=password, rng=build.rng),
    )
    referrals = part(
        "referrals",
        lambda: build_referrals(
            build, region, total=sizes.referrals, panel_cases=sizes.panel_cases
        ),
    )
    cases = part(
        "panels",
        lambda: build_panel_cases(
            build,
            region,
            referrals,
            count=sizes.panel_cases,
            interventions=sizes.interventions,
        ),
    )
    part(
        "delivery",
        lambda: build_delivery(build, cases, progress_entries=sizes.progress_entries),
    )

    def sharing() -> None:
        made = build.sharing.decisions.count
        share_closed_referrals(build, referrals, wanted=sizes.decisions - made)
        build.sharing.flush()

    part("sharing", sharing)
    part("grants", lambda: build.counts.update(grants=write_grants()))

    def chain() -> None:
        build.counts["activity_events"] = add_activity(
            build.timeline,
            target=sizes.events,
            viewers=_viewers(region, referrals),
            people=_people(region),
            start=build.start,
            now=build.now,
            rng=build.rng,
        )
        build.counts["audit_events"] = write_chain(build.timeline)

    part("chain", chain)
    part("foreign keys", _check_foreign_keys)
    return region, referrals


def _viewers(region: Region, referrals) -> list[tuple]:
    """(referral, user, agency) of people who work the referral: its force's officers, and
    for a Channel case the panel's coordinators and chair."""
    rows = []
    for referral in referrals:
        force = referral.force
        for user in force.users["prevent_officer"][:3]:
            rows.append((referral.id, user, force.id))
        if referral.progressed:
            panel = referral.area.panel_agency
            for role in ("channel_coordinator", "panel_chair"):
                rows += [(referral.id, user, panel.id) for user in panel.users[role][:2]]
    return rows


def _people(region: Region) -> list[tuple]:
    return [
        (user, agency.id)
        for agency in region.agencies
        for users in agency.users.values()
        for user in users
    ]


def _sign_ins(region: Region) -> list[tuple[str, str, str]]:
    """One username per role in each kind of agency."""
    seen = {}
    for agency in region.agencies:
        for role, users in agency.users.items():
            seen.setdefault((role, agency.kind), region.usernames[users[0]])
    order = {role: n for n, role in enumerate(sorted(CONTENT_ROLES))}
    return sorted(
        ((role, kind, username) for (role, kind), username in seen.items()),
        key=lambda row: (order.get(row[0], len(order)), row[0], row[1]),
    )


def _busiest(region: Region, referrals) -> list[tuple[str, str, int]]:
    by_area = collections.Counter(referral.area.name for referral in referrals)
    by_force = collections.Counter(referral.force.name for referral in referrals)
    area, area_count = by_area.most_common(1)[0]
    force, force_count = by_force.most_common(1)[0]
    panel = next(item for item in region.areas if item.name == area).panel_agency
    return [("force", force, force_count), ("local authority", panel.name, area_count)]


def _check_foreign_keys() -> None:
    # PostgreSQL defers the foreign-key checks of every row to the commit; running them here
    # shows their time as a part of its own.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _vacuum() -> None:
    # Fresh statistics and visibility maps, so the first benchmark meets the database as
    # autovacuum keeps a settled one: its plans, and index-only scans that need not visit
    # the table (a count of a thousand referrals otherwise fetches each row). SQLite has
    # no visibility map, and VACUUM cannot run inside a transaction (a test's), so either
    # only analyses.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


def elapsed_text(seconds: float) -> str:
    return str(datetime.timedelta(seconds=round(seconds)))
