"""Whatever sequence of shares, withholdings, supersessions, revocations and expiries a
Channel case goes through, the grants in force are what a rebuild from the decision log
gives, each agency sees exactly what the live decisions allow it, and an onward grant
never outlives, nor survives, the panel's direct grant it rests on.

Runs on both databases. Each example builds its case inside a savepoint that is rolled
back at the end, under a frozen clock that only `expire` moves on.
"""

import datetime
import uuid
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from audit.models import SharingDecision
from audit.vocabulary import Category, DecisionAction
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Agency, User
from prevent_cases.policy import WHOLE_CASE
from referrals.selectors import holdings
from referrals.services.case import referral_decision_revoke
from referrals.services.screening import PANEL_CATEGORIES
from tests.factories import progressed_referral, share
from tests.referrals.grant_checks import (
    assert_grants_match_a_rebuild,
    assert_onward_grants_rest_on_live_direct_grants,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
# One part of the case (an intervention), so scoped shares and the whole case that covers
# them both occur. Synthetic id.
PART = "intervention:00000000-0000-4000-8000-00000000a001"
SCOPES = (WHOLE_CASE, PART)
# The panel holds the first three from screening; health it holds only if the force adds it.
CATEGORIES = (Category.IDENTITY, Category.CONCERN, Category.SCREENING, Category.HEALTH)
PANEL = "Northby Council Channel Team"
PARTNERS = ("Northby NHS Trust", "Northby Probation Service", "Northby College")
REASON = "The panel no longer needs this information for its assessment."

categories = st.frozensets(st.sampled_from(CATEGORIES), min_size=1)
# What the chair passes on is mostly what screening gave the panel, so it is mostly allowed.
onward_categories = st.one_of(
    st.frozensets(st.sampled_from(PANEL_CATEGORIES), min_size=1), categories
)
# Mostly shares, which change grants; withholdings replace them when they supersede.
actions = st.sampled_from([DecisionAction.SHARE] * 3 + [DecisionAction.WITHHOLD])
# Hours from now: the past and now itself are refused, so both sides of that rule occur;
# equal expiries (and none at all) recur, so overlapping decisions often last as long.
expiries = st.sampled_from([None, None, -24, 0, 1, 6, 24, 72])
future_expiries = st.sampled_from([None, 1, 6, 24, 72])


def _attempt(action):
    """(result, None) when the service allows the action, (None, the refusal's type) when
    it refuses it."""
    try:
        return action(), None
    except (AccessDenied, ValidationError, ConflictError) as refusal:
        return None, type(refusal)


@dataclass
class Recorded:
    """What the test knows of one decision it recorded."""

    pk: uuid.UUID
    onward: bool
    receiver: str
    action: str
    categories: frozenset[str]
    scope: str
    expires_at: datetime.datetime | None
    superseded: bool = False

    def live(self, now) -> bool:
        return (
            self.action == DecisionAction.SHARE
            and not self.superseded
            and (self.expires_at is None or self.expires_at > now)
        )


class SharingOnAChannelCase(RuleBasedStateMachine):
    panel_shares = Bundle("panel_shares")
    decisions = Bundle("decisions")

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.clock = time_machine.travel(START, tick=False)
        self.frozen = self.clock.start()
        users = User.objects.select_related("membership__agency")
        self.officer = users.get(username="northby.officer")
        self.chair = users.get(username="northby.chair")
        self.agencies = {agency.name: agency for agency in Agency.objects.all()}
        self.referral = progressed_referral(self.officer, received_on=START.date())
        self.recorded: dict[uuid.UUID, Recorded] = {}

    def teardown(self) -> None:
        self.clock.stop()
        transaction.savepoint_rollback(self.savepoint)

    # What the test expects, from its own list of decisions.

    def _panel_holds(self, now) -> set[tuple[str, str]]:
        """(category, scope) the panel holds directly, by the force's live decisions."""
        return {
            (category, decision.scope)
            for decision in self.recorded.values()
            if not decision.onward and decision.receiver == PANEL and decision.live(now)
            for category in decision.categories
        }

    def _expected_holdings(self, receiver: str, now) -> set[tuple[str, str]]:
        panel = self._panel_holds(now)
        expected = set()
        for decision in self.recorded.values():
            if decision.receiver != receiver or not decision.live(now):
                continue
            for category in decision.categories:
                rests_on_panel = {(category, decision.scope), (category, WHOLE_CASE)} & panel
                if not decision.onward or rests_on_panel:
                    expected.add((category, decision.scope))
        return expected

    def _expected_refusal(self, *, onward, receiver, chosen, scope, expires_at, replaces=None):
        """The refusal the services should give, in the order they check; None to allow."""
        now = timezone.now()
        panel = self._panel_holds(now)
        if onward and not panel:
            return AccessDenied  # the panel holds nothing of the force's to pass on
        held = {category for category, held_scope in panel if held_scope in {scope, WHOLE_CASE}}
        if onward and not chosen <= held:
            return ValidationError
        if expires_at is not None and expires_at <= now:
            return ValidationError
        if onward and receiver == PANEL:
            return ValidationError  # nobody shares with their own agency
        if replaces is not None and replaces.superseded:
            return ConflictError
        return None

    # The operations.

    def _expiry(self, hours: int | None):
        return None if hours is None else timezone.now() + datetime.timedelta(hours=hours)

    def _record(self, *, onward, action, receiver, chosen, scope, hours, replaces=None):
        expires_at = self._expiry(hours)
        expected = self._expected_refusal(
            onward=onward,
            receiver=receiver,
            chosen=chosen,
            scope=scope,
            expires_at=expires_at,
            replaces=replaces,
        )
        decision, refused = _attempt(
            lambda: share(
                self.referral,
                self.chair if onward else self.officer,
                self.agencies[receiver],
                supersedes=None
                if replaces is None
                else SharingDecision.objects.get(pk=replaces.pk),
                scope=scope,
                action=action,
                categories=tuple(sorted(chosen)),
                expires_at=expires_at,
            )
        )
        assert refused is expected
        if refused:
            return multiple()
        if replaces is not None:
            replaces.superseded = True
        self.recorded[decision.pk] = Recorded(
            decision.pk, onward, receiver, action, chosen, scope, expires_at
        )
        return decision.pk

    def _supersede(self, previous, action, chosen, hours):
        replaced = self.recorded[previous]
        return self._record(
            onward=replaced.onward,
            action=action,
            receiver=replaced.receiver,
            chosen=chosen,
            scope=replaced.scope,
            hours=hours,
            replaces=replaced,
        )

    def _revoke(self, previous):
        revoked = self.recorded[previous]
        by = self.chair if revoked.onward else self.officer
        # Ending a share is never blocked, even once the panel holds nothing to pass on.
        if revoked.action != DecisionAction.SHARE:
            expected = ValidationError  # only a share can be revoked
        elif revoked.superseded:
            expected = ConflictError
        else:
            expected = None
        _, refused = _attempt(
            lambda: referral_decision_revoke(
                actor=by,
                membership=by.membership,
                referral=self.referral,
                decision=SharingDecision.objects.get(pk=revoked.pk),
                reason=REASON,
            )
        )
        assert refused is expected
        if not refused:
            revoked.superseded = True

    # The force's decisions to the panel (what onward sharing rests on) are kept apart from
    # the rest, so that ending them is one operation among several rather than the only
    # one an example starts with.

    @initialize(target=panel_shares, hours=st.sampled_from([6, 24, None]))
    def progressed_to_channel(self, hours):
        """Screening shared identity, concern and screening with the panel, with no end;
        the force may at once limit that to some hours, so that what the panel passes on
        has an end to keep to from the start."""
        decision = SharingDecision.objects.get(case_id=self.referral.pk)
        screening = Recorded(
            decision.pk,
            onward=False,
            receiver=PANEL,
            action=decision.action,
            categories=frozenset(decision.categories),
            scope=WHOLE_CASE,
            expires_at=None,
        )
        self.recorded[decision.pk] = screening
        if hours is None:
            return decision.pk
        limited = self._record(
            onward=False,
            action=DecisionAction.SHARE,
            receiver=PANEL,
            chosen=screening.categories,
            scope=WHOLE_CASE,
            hours=hours,
            replaces=screening,
        )
        return multiple(decision.pk, limited)

    @rule(
        target=panel_shares,
        action=actions,
        chosen=categories,
        scope=st.sampled_from(SCOPES),
        hours=expiries,
    )
    def force_decides_for_the_panel(self, action, chosen, scope, hours):
        """The force shares its record with the panel (or withholds it), for some time."""
        return self._record(
            onward=False, action=action, receiver=PANEL, chosen=chosen, scope=scope, hours=hours
        )

    @rule(
        target=panel_shares,
        previous=panel_shares,
        action=actions,
        chosen=categories,
        hours=expiries,
    )
    def force_replaces_a_decision_for_the_panel(self, previous, action, chosen, hours):
        """The force replaces a decision about the panel (again, if it already has)."""
        return self._supersede(previous, action, chosen, hours)

    @rule(previous=panel_shares)
    def force_revokes_a_share_with_the_panel(self, previous):
        """The force revokes a share with the panel (again, if it already has)."""
        self._revoke(previous)

    @rule(
        target=decisions,
        action=actions,
        receiver=st.sampled_from(PARTNERS),
        chosen=categories,
        scope=st.sampled_from(SCOPES),
        hours=expiries,
    )
    def force_decides_for_a_partner(self, action, receiver, chosen, scope, hours):
        """The force shares its record directly with a partner (or withholds it)."""
        return self._record(
            onward=False,
            action=action,
            receiver=receiver,
            chosen=chosen,
            scope=scope,
            hours=hours,
        )

    @rule(
        target=decisions,
        action=actions,
        # Now and then the panel itself, which nobody may share with on its own behalf.
        receiver=st.sampled_from((*PARTNERS, PANEL)),
        chosen=onward_categories,
        scope=st.sampled_from(SCOPES),
        hours=future_expiries,
    )
    def chair_passes_on(self, action, receiver, chosen, scope, hours):
        """The panel's chair passes on (or withholds) what the force gave the panel."""
        return self._record(
            onward=True, action=action, receiver=receiver, chosen=chosen, scope=scope, hours=hours
        )

    @rule(target=decisions, previous=decisions, action=actions, chosen=categories, hours=expiries)
    def maker_replaces_a_decision(self, previous, action, chosen, hours):
        """The agency that made a decision replaces it (again, if it already has)."""
        return self._supersede(previous, action, chosen, hours)

    @rule(previous=decisions)
    def maker_revokes_a_decision(self, previous):
        """The agency that made a decision revokes it (again, if it already has)."""
        self._revoke(previous)

    @rule(hours=st.sampled_from([24, 1, 5, 48]))
    def expire(self, hours):
        """Time passes; decisions and grants that end meanwhile end, with no job run."""
        self.frozen.shift(datetime.timedelta(hours=hours))

    # What must hold after every step.

    @invariant()
    def grants_in_force_are_what_a_rebuild_gives(self):
        assert_grants_match_a_rebuild()

    @invariant()
    def onward_grants_rest_on_the_panels_direct_grants(self):
        assert_onward_grants_rest_on_live_direct_grants(self.referral.pk)

    @invariant()
    def each_agency_sees_what_live_decisions_allow(self):
        now = timezone.now()
        police = self.referral.owning_agency_id
        for name in (PANEL, *PARTNERS):
            shown = holdings(agency=self.agencies[name], referral=self.referral)
            assert {(c, s) for c, source, s in shown if source == police} == (
                self._expected_holdings(name, now)
            ), name
            assert {source for _, source, _ in shown} <= {police}, name


def test_grants_follow_the_decision_log_through_any_sequence_of_decisions(demo_people):
    """After every share, withholding, supersession, revocation or expiry on a Channel
    case, grants equal a rebuild and each agency sees what the live decisions allow."""
    run_state_machine_as_test(
        SharingOnAChannelCase,
        settings=settings(max_examples=50, stateful_step_count=25, deadline=None),
    )
