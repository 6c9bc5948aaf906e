"""Concurrent decisions on one referral, on PostgreSQL with real connections: whatever order
their transactions interleave in, the grants left are those the decisions that stand give.

Each race runs its operations in threads with their own database connections, released
together by a barrier, and is repeated over fresh referrals: a single run can pass by luck
of scheduling, and the per-referral lock is what makes every run pass.
"""

import contextlib
import random
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import SharingDecision
from audit.vocabulary import Category, DecisionAction
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Agency, User
from referrals.models import Referral
from referrals.selectors import holdings
from referrals.services import grants
from referrals.services.case import grants_rebuild_recorded, referral_decision_revoke
from referrals.services.screening import PANEL_CATEGORIES, referral_start_screening
from tests.factories import make_referral, progress_to_channel, progressed_referral, share
from tests.referrals.grant_checks import (
    assert_grants_match_a_rebuild,
    assert_onward_grants_rest_on_live_direct_grants,
)
from tests.support.concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers and advisory locks are tested on PostgreSQL",
    ),
]

# Without the per-referral lock, a wrong grant was left in most trials of the overlapping
# revocations and of the onward race, and in about one in three of a revocation racing a
# share: twenty trials leave such a race next to no chance of passing.
TRIALS = 20
PANEL = "Northby Council Channel Team"
HEALTH = "Northby NHS Trust"
PARTNERS = (HEALTH, "Northby Probation Service", "Northby College")
REASON = "The panel no longer needs this information for its assessment."
# Refusals a racing operation may meet, all of them lawful answers: the panel no longer
# holds what it would pass on, or someone else replaced the decision first.
REFUSALS = (AccessDenied, ValidationError, ConflictError)


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _revoke(username: str, decision_id) -> Callable[[], SharingDecision]:
    def revoke() -> SharingDecision:
        by = _person(username)
        decision = SharingDecision.objects.get(pk=decision_id)
        return referral_decision_revoke(
            actor=by,
            membership=by.membership,
            referral=Referral.objects.get(pk=decision.case_id),
            decision=decision,
            reason=REASON,
        )

    return revoke


def _share(username: str, referral_id, receiver: str, **overrides) -> Callable[[], object]:
    def record() -> SharingDecision:
        return share(
            Referral.objects.get(pk=referral_id),
            _person(username),
            _agency(receiver),
            **overrides,
        )

    return record


def _seen_by(agency_name: str, referral: Referral) -> frozenset:
    return frozenset(
        category for category, _, _ in holdings(agency=_agency(agency_name), referral=referral)
    )


@pytest.fixture
def officer(demo_people) -> User:
    return _person("northby.officer")


def test_revoking_both_of_two_overlapping_decisions_at_once_leaves_no_grant(officer):
    """Two decisions each grant identity to health; revoked at the same moment, they
    leave health with nothing, though each revocation began while the other decision was
    still live."""
    for _ in range(TRIALS):
        referral = progressed_referral(officer)
        health = _agency(HEALTH)
        first = share(referral, officer, health, categories=(Category.IDENTITY,))
        second = share(referral, officer, health, categories=(Category.IDENTITY,))
        assert _seen_by(HEALTH, referral) == {Category.IDENTITY}

        outcomes = race(_revoke("northby.officer", first.pk), _revoke("northby.officer", second.pk))

        assert all(isinstance(outcome, SharingDecision) for outcome in outcomes), outcomes
        assert _seen_by(HEALTH, referral) == frozenset()
    assert_grants_match_a_rebuild()


def test_a_revocation_racing_a_new_share_leaves_the_new_shares_grant(officer):
    """Revoking the old decision while a new one shares the same category leaves health
    with that category, granted by the new decision."""
    for _ in range(TRIALS):
        referral = progressed_referral(officer)
        old = share(referral, officer, _agency(HEALTH), categories=(Category.IDENTITY,))

        revocation, new = race(
            _revoke("northby.officer", old.pk),
            _share("northby.officer", referral.pk, HEALTH, categories=(Category.IDENTITY,)),
        )

        assert isinstance(revocation, SharingDecision), revocation
        assert isinstance(new, SharingDecision), new
        assert _seen_by(HEALTH, referral) == {Category.IDENTITY}
        assert set(
            referral.grants.filter(group__agency__name=HEALTH).values_list("decision", flat=True)
        ) == {new.pk}
    assert_grants_match_a_rebuild()


def test_overlapping_new_shares_at_once_leave_the_longest_lasting_grant(officer):
    """Three new shares of overlapping categories to one agency at once, each lasting a
    different time: whichever commits first, each category is granted by the decision that
    lasts longest, as a rebuild from the log gives (grants are written in one statement that
    keeps the longer of the grant there and the new one)."""
    now = timezone.now()
    for _ in range(TRIALS):
        referral = make_referral(officer)
        week, year = now + timedelta(days=7), now + timedelta(days=365)
        shares = race(
            _share("northby.officer", referral.pk, HEALTH, expires_at=week),
            _share("northby.officer", referral.pk, HEALTH, categories=(Category.IDENTITY,)),
            _share(
                "northby.officer",
                referral.pk,
                HEALTH,
                categories=(Category.CONCERN, Category.IDENTITY),
                expires_at=year,
            ),
        )

        assert all(isinstance(outcome, SharingDecision) for outcome in shares), shares
        week_share, lasting, year_share = shares
        assert dict(
            referral.grants.filter(group__agency__name=HEALTH).values_list(
                "permission__codename", "decision"
            )
        ) == {"see_identity": lasting.pk, "see_concern": year_share.pk}
        assert week_share.pk not in set(referral.grants.values_list("decision", flat=True))
    assert_grants_match_a_rebuild()


def test_the_force_revoking_the_panels_share_while_the_chair_passes_it_on_leaves_nothing_onward(
    officer,
):
    """Whichever commits first, nothing the chair passed on outlives the panel's grant:
    either the chair is refused, or the onward grant ends with the panel's."""
    for _ in range(TRIALS):
        referral = progressed_referral(officer)
        screening = SharingDecision.objects.get(case_id=referral.pk)

        revocation, onward = race(
            _revoke("northby.officer", screening.pk),
            _share("northby.chair", referral.pk, HEALTH, categories=(Category.IDENTITY,)),
        )

        assert isinstance(revocation, SharingDecision), revocation
        assert isinstance(onward, SharingDecision | AccessDenied | ValidationError), onward
        assert _seen_by(HEALTH, referral) == frozenset()
        assert _seen_by(PANEL, referral) == frozenset()
        assert_onward_grants_rest_on_live_direct_grants(referral.pk)
    assert_grants_match_a_rebuild()


WORKERS = 4
ROUNDS = 6
RUNS = 5
# How long after the rounds the grants are checked again, in hours: decisions last 1 to 72.
LATER = (0, 2, 12, 48, 100)
CATEGORIES = (Category.IDENTITY, Category.CONCERN, Category.SCREENING, Category.HEALTH)


def _random_decision_input(rng: random.Random, categories) -> dict:
    chosen = rng.sample(categories, rng.randint(1, len(categories)))
    hours = rng.choice([None, None, 1, 6, 24, 72])
    return {
        "action": rng.choice([DecisionAction.SHARE] * 3 + [DecisionAction.WITHHOLD]),
        "categories": tuple(sorted(chosen)),
        "expires_at": None if hours is None else timezone.now() + timedelta(hours=hours),
    }


def _random_operation(rng: random.Random, referral_id) -> None:
    """One operation a member might take on the case now: the force shares directly, the
    chair passes on, or the maker of an existing decision replaces or revokes it."""
    referral = Referral.objects.get(pk=referral_id)
    kind = rng.choice(["direct", "direct", "onward", "onward", "replace", "revoke", "rebuild"])
    if kind == "rebuild":
        grants_rebuild_recorded()
        return
    if kind == "direct":
        receiver = rng.choice((PANEL, *PARTNERS))
        share(
            referral,
            _person("northby.officer"),
            _agency(receiver),
            **_random_decision_input(rng, CATEGORIES),
        )
        return
    if kind == "onward":
        share(
            referral,
            _person("northby.chair"),
            _agency(rng.choice(PARTNERS)),
            **_random_decision_input(rng, PANEL_CATEGORIES),
        )
        return
    decisions = list(
        SharingDecision.objects.filter(case_id=referral_id)
        .exclude(action=DecisionAction.REVOKE)
        .order_by("decided_at", "id")
    )
    previous = rng.choice(decisions)
    onward = previous.disclosing_agency_id != previous.source_agency_id
    maker = "northby.chair" if onward else "northby.officer"
    if kind == "revoke":
        _revoke(maker, previous.pk)()
        return
    share(
        referral,
        _person(maker),
        previous.receiving_agency,
        supersedes=previous,
        scope=previous.scope,
        **_random_decision_input(rng, CATEGORIES),
    )


def _decide_in_rounds(referral_id, *, run: int) -> list[BaseException]:
    """WORKERS threads, each with its own connection and its own seeded choice of
    operations, take one operation at a time together, round after round; return any
    error other than a lawful refusal."""
    barrier = threading.Barrier(WORKERS, timeout=30)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        rng = random.Random(f"{run}-{worker}")
        try:
            for _ in range(ROUNDS):
                barrier.wait()
                # A refusal is a lawful answer to a race; what matters is the grants left.
                with contextlib.suppress(*REFUSALS):
                    _random_operation(rng, referral_id)
        except BaseException as error:  # reported by the caller, in the test's own thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return errors


# Each example is a fresh referral in the same database, which the fixtures set up once.
@settings(
    max_examples=RUNS,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), hours_later=st.sampled_from(LATER))
def test_workers_deciding_at_once_leave_the_grants_a_rebuild_gives(officer, seed, hours_later):
    """Several members record, replace and revoke decisions on one case at the same
    moments, round after round, in an order Hypothesis draws; the grants left are exactly
    what a rebuild from the decision log gives, then and after some of them expire."""
    referral = progressed_referral(officer)

    errors = _decide_in_rounds(referral.pk, run=seed)

    assert errors == []
    assert_grants_match_a_rebuild()
    assert_onward_grants_rest_on_live_direct_grants(referral.pk)
    # No task runs as time passes: what expired grants nothing at the next request.
    with time_machine.travel(timezone.now() + timedelta(hours=hours_later), tick=False):
        assert_grants_match_a_rebuild()
        assert_onward_grants_rest_on_live_direct_grants(referral.pk)


def _blocked(pid: int) -> bool:
    """Whether the backend `pid` is waiting for a lock another session holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


def _rebuild_racing(monkeypatch, write: Callable[[], object]) -> list[object]:
    """Run a recorded rebuild and `write` at once, the rebuild held after its read of the
    whole log until `write` has either returned or is waiting for a lock.

    The rebuild's read of the log and its read of the grants are milliseconds apart on a
    test database; holding it there makes certain the interleaving a large log makes likely.
    """
    log_read, write_done = threading.Event(), threading.Event()
    writer_pid: list[int] = []
    read_live_decisions = grants._live_decisions

    def read_then_hold(**filters):
        decisions = read_live_decisions(**filters)
        if not filters:  # the rebuild's read of the whole log
            log_read.set()
            give_up = time.monotonic() + 30  # rather than hang the suite if the writer does
            while not write_done.wait(0.01) and time.monotonic() < give_up:
                if writer_pid and _blocked(writer_pid[0]):
                    break
        return decisions

    def write_once_the_log_is_read():
        assert log_read.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            writer_pid.append(cursor.fetchone()[0])
        try:
            return write()
        finally:
            write_done.set()

    with monkeypatch.context() as patch:
        patch.setattr(grants, "_live_decisions", read_then_hold)
        return race(grants_rebuild_recorded, write_once_the_log_is_read)


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        pytest.param("revoke", frozenset(), id="a revocation"),
        pytest.param("share", frozenset({Category.IDENTITY, Category.CONCERN}), id="a new share"),
    ],
)
def test_a_rebuild_racing_a_writer_leaves_what_the_writer_decided(
    officer, monkeypatch, writer, expected
):
    """A rebuild reads the whole log, then the grants: a revocation committed in between
    must not come back, nor a share made in between be undone, when the rebuild writes."""
    referral = progressed_referral(officer)
    old = share(referral, officer, _agency(HEALTH), categories=(Category.IDENTITY,))
    write = (
        _revoke("northby.officer", old.pk)
        if writer == "revoke"
        else _share("northby.officer", referral.pk, HEALTH, categories=(Category.CONCERN,))
    )

    outcomes = _rebuild_racing(monkeypatch, write)

    assert not any(isinstance(outcome, BaseException) for outcome in outcomes), outcomes
    assert _seen_by(HEALTH, referral) == expected
    assert_grants_match_a_rebuild()


def test_a_rebuild_racing_a_progress_to_channel_lets_both_finish(officer, monkeypatch):
    """Progressing a referral to Channel while a rebuild runs waits for it, rather than
    the two each waiting for a lock the other holds until the database kills one."""
    referral = make_referral(officer)
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)

    outcomes = _rebuild_racing(
        monkeypatch,
        lambda: progress_to_channel(
            _person("northby.officer"), Referral.objects.get(pk=referral.pk)
        ),
    )

    assert not any(isinstance(outcome, BaseException) for outcome in outcomes), outcomes
    assert _seen_by(PANEL, referral) == set(PANEL_CATEGORIES)
    assert_grants_match_a_rebuild()
