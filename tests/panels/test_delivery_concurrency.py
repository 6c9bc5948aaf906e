"""Two practitioners writing to one intervention at once, from the version they both
opened, leave what one of them alone could have left: the intervention's version is
raised by a conditional update, which PostgreSQL serialises on the row, so the second
writer is refused with nothing of theirs written."""

from audit.models import SharingDecision
from panels.models import InterventionStatusChange, ProgressEntry
from panels.models.vocabulary import DeliveryEvent, InterventionStatus
from panels.services.delivery import InterventionChanged, concern_review_record
from prevent_cases.models import Agency, User
from tests.panels.delivery_steps import answer, assigned, fresh_intervention, record, session
from tests.support.concurrency import CONCURRENT_WRITERS, race

pytestmark = CONCURRENT_WRITERS

TRIALS = 5


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _case():
    provider = Agency.objects.get(name="Northby Mentoring Partnership")
    (work,) = assigned(_person("northby.officer"), _person("northby.chair"), provider)
    return work


def _entry(work, version: int, notes: str):
    return lambda: record(_person("northby.provider"), work, session(notes=notes), version=version)


def _answer(work, version: int, event: str):
    reason = "No mentor is free this term." if event == DeliveryEvent.DECLINE else ""
    return lambda: answer(_person("northby.provider"), work, event, reason=reason, version=version)


def test_two_entries_from_one_version_leave_one(demo_people):
    for _ in range(TRIALS):
        work = _case()
        answer(_person("northby.provider"), work)
        version = fresh_intervention(work).version

        outcomes = race(
            _entry(work, version, "First writer's notes."),
            _entry(work, version, "Second writer's notes."),
        )

        assert sum(isinstance(o, InterventionChanged) for o in outcomes) == 1, outcomes
        assert ProgressEntry.objects.filter(intervention=work).count() == 1
        assert fresh_intervention(work).version == version + 1


def test_accepting_and_declining_at_once_leave_one_answer_and_one_decision(demo_people):
    for _ in range(TRIALS):
        work = _case()
        version = fresh_intervention(work).version
        provider = _person("northby.provider")

        outcomes = race(
            _answer(work, version, DeliveryEvent.ACCEPT),
            _answer(work, version, DeliveryEvent.DECLINE),
        )

        assert sum(isinstance(o, InterventionChanged) for o in outcomes) == 1, outcomes
        (change,) = InterventionStatusChange.objects.filter(intervention=work)
        assert fresh_intervention(work).status == change.to_status
        assert change.to_status in (InterventionStatus.ACTIVE, InterventionStatus.WITHDRAWN)
        # The refused answer recorded no sharing decision of its own.
        assert (
            SharingDecision.objects.filter(
                case_id=work.referral_id, disclosing_agency=provider.membership.agency_id
            ).count()
            == 1
        )


def _correct(work, concern):
    return lambda: record(
        _person("northby.provider"),
        work,
        session(notes="Not a concern after all: he meant a sports club."),
        corrects=concern,
    )


def _review(concern):
    def run():
        chair = _person("northby.chair")
        entry = ProgressEntry.objects.select_related("intervention__panel_case").get(pk=concern.pk)
        return concern_review_record(
            actor=chair, membership=chair.membership, entry=entry, note="Police to visit him."
        )

    return run


def test_a_correction_and_a_review_at_once_both_leave_the_concern_closed(demo_people):
    for _ in range(TRIALS):
        work = _case()
        provider = _person("northby.provider")
        answer(provider, work)
        concern = record(provider, work, session(concern=True, notes="A new contact online."))
        assert ProgressEntry.objects.get(pk=concern.pk).concern_open

        outcomes = race(_correct(work, concern), _review(concern))

        assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
        assert not ProgressEntry.objects.filter(intervention=work, concern_open=True).exists()
