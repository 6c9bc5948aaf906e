"""Rectification: the owning force corrects a field of its record of a referral.

A correction never overwrites silently: the record takes the new value and a Correction
row keeps who corrected it, when, why, and the value before and after; the audit chain
names the correction and the field, never either value.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Membership, User
from referrals.models import Correction, Referral, Subject
from referrals.rules.corrections import (
    CORRECTABLE,
    CorrectableField,
    correction_errors,
    shown_value,
)
from referrals.rules.identifiers import normalise_pnc, normalise_postcode
from referrals.rules.intake import is_child_on
from referrals.rules.matching import match_key
from referrals.rules.permissions import may_correct
from referrals.services.grants import CASE_TYPE

DERIVED_CHILD_REASON = "Follows from the corrected {field}."
# Fields whose correction changes what duplicate matching compares.
MATCHED = {"given_names", "family_name", "aliases"}


def _normalised(spec: CorrectableField, value: object) -> object:
    """The value in the one form the record keeps it in (as intake stores it)."""
    if spec.name == "postcode" and isinstance(value, str):
        return normalise_postcode(value) if value.strip() else ""
    if spec.name == "pnc_number" and isinstance(value, str):
        return normalise_pnc(value)
    if spec.name == "aliases":
        return [alias.strip() for alias in value if alias.strip()]
    if isinstance(value, str):
        return value.strip()
    return value


def _locked_row(spec: CorrectableField, referral: Referral) -> Subject | Referral:
    # Read the value being replaced under a row lock (PostgreSQL), so the history's
    # "before" is what the record held when it changed, whatever was on the form.
    if spec.record == Correction.Record.SUBJECT:
        return Subject.objects.select_for_update().get(pk=referral.subject_id)
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _record(
    *,
    actor: User,
    referral: Referral,
    spec: CorrectableField,
    previous: object,
    new: object,
    reason: str,
    now,
) -> Correction:
    field = spec.model_field
    return Correction.objects.create(
        referral=referral,
        record=spec.record,
        field=spec.name,
        category=spec.category,
        previous_value=shown_value(field, previous),
        new_value=shown_value(field, new),
        reason=reason,
        corrected_by=actor,
        created_at=now,
    )


def _event(actor: User, membership: Membership, referral: Referral, correction: Correction):
    append_event(
        event_type=EventType.REFERRAL_CORRECTED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={"correction": correction.pk, "field": correction.field},
    )


@atomic_unit
def referral_correct(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    field: str,
    value: object,
    reason: str,
) -> Correction:
    """Correct one field of the referral's record, keeping the value it replaces."""
    if not may_correct(membership, referral):
        raise AccessDenied(
            "Only the owning force's Prevent officers correct a referral's record "
            "(needs: Prevent officer of the owning force)."
        )
    spec = CORRECTABLE.get(field)
    if spec is None:
        raise ValidationError({"field": ["That part of the record cannot be corrected here."]})
    row = _locked_row(spec, referral)
    current = getattr(row, spec.name)
    value = _normalised(spec, value)
    reason = " ".join(reason.split())
    errors = correction_errors(
        spec,
        value=value,
        current=current,
        reason=reason,
        row=row,
        referral=row if isinstance(row, Referral) else referral,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    setattr(row, spec.name, value)
    changed = [spec.name, "updated_at"]
    corrections = [
        _record(
            actor=actor,
            referral=referral,
            spec=spec,
            previous=current,
            new=value,
            reason=reason,
            now=now,
        )
    ]
    if spec.name in MATCHED:
        row.match_key = match_key(row.given_names, row.family_name, row.aliases)
        changed.append("match_key")
    if spec.name in ("date_of_birth", "estimated_age"):
        corrections += _follow_child(actor, referral, row, spec, now)
        changed.append("is_child")
    updated = type(row).objects.filter(pk=row.pk, updated_at=row.updated_at)
    row.updated_at = now
    if updated.update(**{name: getattr(row, name) for name in changed}) != 1:
        raise ConflictError("Someone else has changed this record. Reload it and try again.")
    # The caller's objects show the corrected record from now on.
    setattr(referral.subject if isinstance(row, Subject) else referral, spec.name, value)
    for correction in corrections:
        _event(actor, membership, referral, correction)
    return corrections[0]


def _follow_child(
    actor: User, referral: Referral, subject: Subject, spec: CorrectableField, now
) -> list[Correction]:
    """Being under 18 when referred follows from the date of birth (or estimated age):
    when a correction changes it, that change is a correction of its own in the history."""
    was_child = subject.is_child
    subject.is_child = is_child_on(
        referral.received_on,
        date_of_birth=subject.date_of_birth,
        estimated_age=subject.estimated_age,
        recorded_as_child=was_child,
    )
    if subject.is_child == was_child:
        return []
    derived = CorrectableField(spec.record, "is_child", spec.category, spec.kind)
    return [
        _record(
            actor=actor,
            referral=referral,
            spec=derived,
            previous=was_child,
            new=subject.is_child,
            reason=DERIVED_CHILD_REASON.format(field=spec.label.lower()),
            # Follows from the correction just recorded: a moment after it, so the history
            # (ordered by time) always lists it second rather than by a random id.
            now=now + datetime.timedelta(microseconds=1),
        )
    ]
