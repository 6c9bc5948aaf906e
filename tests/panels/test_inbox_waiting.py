"""Who waits in a panel's Channel inbox: the referrals progressed to it that no panel has
a case open for, and that this panel never held. The inbox reads a marker on the referral
that the services keep; each test checks the list and the marker against the rule they
stand for (tests.panels.waiting_rule)."""

import importlib

import pytest
from django.apps import apps

from panels.models import PanelCase
from panels.models.vocabulary import NotAdoptedRoute, Stage
from panels.rules.stages import StageEvent
from panels.selectors.cases import channel_inbox
from panels.services.cases import panel_case_open
from prevent_cases.models import User
from referrals.models import Referral
from tests.factories import progressed_referral
from tests.panels.factories import open_case
from tests.panels.support_steps import fresh, move, transfer
from tests.panels.waiting_rule import marked_waiting, waiting_by_rule

pytestmark = pytest.mark.django_db

MARKER_MIGRATION = "referrals.migrations.0013_awaiting_panel_marker"


def inbox_of(user: User) -> list[Referral]:
    listed = list(channel_inbox(membership=user.membership))
    agency_id = user.membership.agency_id
    assert listed == list(waiting_by_rule().filter(responsible_agency_id=agency_id))
    assert marked_waiting() == set(waiting_by_rule().values_list("pk", flat=True))
    return listed


def accept(chair: User, referral: Referral) -> PanelCase:
    return panel_case_open(actor=chair, membership=chair.membership, referral=referral)


def test_a_progressed_referral_waits_in_its_panels_inbox_only(officer, user):
    referral = progressed_referral(officer)

    assert inbox_of(user("northby.coordinator")) == [referral]
    assert inbox_of(user("southmere.chair")) == []


def test_an_accepted_referral_leaves_the_inbox(officer, user):
    referral = progressed_referral(officer)
    chair = user("northby.chair")

    accept(chair, referral)

    assert inbox_of(chair) == []
    assert Referral.objects.get(pk=referral.pk).awaiting_panel is False


def test_a_case_the_panel_did_not_adopt_does_not_come_back(officer, user):
    chair = user("northby.chair")
    case = open_case(officer, chair)

    move(chair, case, StageEvent.NOT_ADOPT, not_adopted_route=NotAdoptedRoute.POLICE)

    assert fresh(case).stage == Stage.NOT_ADOPTED
    assert inbox_of(chair) == []


def test_a_transferred_case_waits_for_the_receiving_panel_not_the_sending_one(officer, user):
    northby, southmere = user("northby.chair"), user("southmere.chair")
    case = open_case(officer, northby)

    transfer(northby, case)

    assert inbox_of(northby) == []
    assert inbox_of(southmere) == [case.referral]
    accept(southmere, Referral.objects.get(pk=case.referral_id))
    assert inbox_of(southmere) == []


def test_a_case_transferred_back_to_a_panel_that_held_it_is_not_in_its_inbox(officer, user):
    northby, southmere = user("northby.chair"), user("southmere.chair")
    case = open_case(officer, northby)
    transfer(northby, case)
    received = accept(southmere, Referral.objects.get(pk=case.referral_id))

    transfer(southmere, received, area="Northby")

    assert Referral.objects.get(pk=case.referral_id).responsible_agency_id == (
        northby.membership.agency_id
    )
    assert inbox_of(northby) == []
    assert inbox_of(southmere) == []


def test_the_migration_marks_the_referrals_the_rule_finds_waiting(officer, user):
    northby, southmere = user("northby.chair"), user("southmere.chair")
    waiting = progressed_referral(officer)
    open_case(officer, northby)
    transferred = open_case(officer, northby)
    transfer(northby, transferred)
    before = marked_waiting()
    assert before == {waiting.pk, transferred.referral_id}
    Referral.objects.update(awaiting_panel=False)

    importlib.import_module(MARKER_MIGRATION).mark_waiting(apps, None)

    assert marked_waiting() == before
    assert inbox_of(northby) == [waiting]
    assert inbox_of(southmere) == [Referral.objects.get(pk=transferred.referral_id)]
