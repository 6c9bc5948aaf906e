"""Administration of areas, agencies, users and memberships: each change with its audit event.

An administrator manages their own area only (the area of their membership's agency). The
reads below scope every admin list and page to it; the writes check it again, make the
change through prevent_cases' rules (an agency's grant group, a role that fits its agency)
and append the event, in one transaction. New users are invited to set their own password
(audit/services/invitations.py). Events name what changed by id, code and field
name, never by the value typed, so no name, email or password reaches the chain.

The admin pages (audit/admin.py) parse and show; nothing here knows a form. This lives in
audit rather than prevent_cases because prevent_cases may not import audit
(docs/adr/0005-administration-is-audited.md).
"""

import uuid

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from audit.services.invitations import invitation_email_send
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.policy import is_administrator
from prevent_cases.services import (
    agency_insert,
    area_panel_agency_check,
    membership_insert,
    membership_update,
)

# What an administrator may change on each; `is_active` is an event of its own for users
# and memberships, since who was cut off (or let back in) is what an auditor looks for.
AREA_FIELDS = ("name", "code", "panel_agency")
AGENCY_FIELDS = ("name", "is_active")
USER_FIELDS = ("username", "first_name", "last_name", "email")
MEMBERSHIP_FIELDS = ("agency", "role")
ACTIVATION = ("is_active",)


def administered_area_id(membership: Membership | None) -> uuid.UUID | None:
    """The area an administrator manages; None for anyone who is not an administrator."""
    if not is_administrator(membership):
        return None
    return membership.agency.area_id


def areas_for_administrator(*, membership: Membership | None) -> QuerySet[Area]:
    """The administrator's own area, or nothing."""
    area_id = administered_area_id(membership)
    return Area.objects.filter(pk=area_id) if area_id else Area.objects.none()


def agencies_for_administrator(*, membership: Membership | None) -> QuerySet[Agency]:
    """The agencies of the administrator's area, or nothing."""
    area_id = administered_area_id(membership)
    return Agency.objects.filter(area_id=area_id) if area_id else Agency.objects.none()


def users_for_administrator(*, membership: Membership | None) -> QuerySet[User]:
    """The users whose membership is in an agency of the administrator's area, or nothing."""
    area_id = administered_area_id(membership)
    if area_id is None:
        return User.objects.none()
    return User.objects.filter(membership__agency__area_id=area_id)


def _authorise(membership: Membership | None, *area_ids: uuid.UUID) -> None:
    area_id = administered_area_id(membership)
    if area_id is None or any(other != area_id for other in area_ids):
        raise AccessDenied(
            "Administrators manage the agencies and users of their own area only "
            "(needs: administrator in this area)."
        )


def _changed(stored, edited, fields: tuple[str, ...]) -> list[str]:
    # Compared with the row as stored and locked, not with what the form believed it was.
    return [
        name
        for name in fields
        if getattr(stored, stored._meta.get_field(name).attname)
        != getattr(edited, edited._meta.get_field(name).attname)
    ]


def _record(
    event_type: str,
    *,
    actor: User,
    membership: Membership,
    target_type: str,
    target_id: uuid.UUID,
    payload: dict | None = None,
) -> None:
    append_event(
        event_type=event_type,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=target_type,
        target_id=target_id,
        payload=payload,
    )


@atomic_unit
def area_change(*, actor: User, membership: Membership | None, area: Area) -> Area:
    """Save an administrator's changes to their own area; a new panel agency goes through
    the same check as `area_panel_agency_set`."""
    _authorise(membership, area.pk)
    stored = Area.objects.select_for_update().get(pk=area.pk)
    fields = _changed(stored, area, AREA_FIELDS)
    if not fields:
        return area
    if "panel_agency" in fields:
        # Also refuses clearing it: progressed referrals need a panel to go to.
        area_panel_agency_check(area=stored, agency=area.panel_agency)
    area.full_clean()
    area.save(update_fields=[*fields, "updated_at"])
    _record(
        EventType.AREA_CHANGED,
        actor=actor,
        membership=membership,
        target_type="area",
        target_id=area.pk,
        payload={"fields": fields, "panel_agency": area.panel_agency_id},
    )
    return area


@atomic_unit
def agency_add(*, actor: User, membership: Membership | None, agency: Agency) -> Agency:
    """Create an agency in the administrator's area, with the grant group every agency needs."""
    _authorise(membership, agency.area_id)
    agency_insert(agency=agency)
    _record(
        EventType.AGENCY_CREATED,
        actor=actor,
        membership=membership,
        target_type="agency",
        target_id=agency.pk,
        payload={"area": agency.area_id, "kind": agency.kind},
    )
    return agency


@atomic_unit
def agency_change(*, actor: User, membership: Membership | None, agency: Agency) -> Agency:
    """Rename, deactivate or reactivate an agency of the administrator's area.

    Its kind and area are fixed once created: its members' roles and the areas' panels were
    checked against them.
    """
    stored = Agency.objects.select_for_update().get(pk=agency.pk)
    _authorise(membership, stored.area_id, agency.area_id)
    if _changed(stored, agency, ("kind", "area")):
        raise ValidationError("An agency's kind and area cannot change once it is created.")
    fields = _changed(stored, agency, AGENCY_FIELDS)
    if not fields:
        return agency
    agency.full_clean()
    agency.save(update_fields=[*fields, "updated_at"])
    _record(
        EventType.AGENCY_CHANGED,
        actor=actor,
        membership=membership,
        target_type="agency",
        target_id=agency.pk,
        payload={"fields": fields, "is_active": agency.is_active},
    )
    return agency


@atomic_unit
def user_add(*, actor: User, membership: Membership | None, user: User, joined: Membership) -> User:
    """Create a user, join them to an agency of the administrator's area and email them a
    link to set their own password: one change, so a user never exists without a
    membership, and nobody but the user ever knows their password."""
    _authorise(membership, joined.agency.area_id)
    user.set_unusable_password()
    user.full_clean()
    user.save(force_insert=True)
    joined.user = user
    membership_insert(membership=joined)
    _record(
        EventType.USER_CREATED,
        actor=actor,
        membership=membership,
        target_type="user",
        target_id=user.pk,
        payload={"has_password": user.has_usable_password()},
    )
    _record(
        EventType.MEMBERSHIP_CREATED,
        actor=actor,
        membership=membership,
        target_type="membership",
        target_id=joined.pk,
        payload={"user": user.pk, "agency": joined.agency_id, "role": joined.role},
    )
    _invite(actor=actor, membership=membership, user=user, resent=False)
    return user


def _invite(*, actor: User, membership: Membership, user: User, resent: bool) -> None:
    # Sent before the unit commits, as reminders are: if the mail server refuses it, the
    # change and its events roll back and the administrator is told, rather than the chain
    # recording an invitation nobody received.
    invitation_email_send(user=user)
    _record(
        EventType.USER_INVITED,
        actor=actor,
        membership=membership,
        target_type="user",
        target_id=user.pk,
        payload={"resent": resent},
    )


@atomic_unit
def user_invitation_resend(*, actor: User, membership: Membership | None, user: User) -> User:
    """Send a new invitation to a user of the administrator's area who has not yet set a
    password; the links sent before stop working.

    A user who has a password is not invited again: that would take the password away, which
    is a change of its own on their password page.
    """
    stored = _stored_user(membership, user)
    if stored.has_usable_password():
        raise ValidationError(
            "This user has already set a password. To change it, use their password page."
        )
    if not stored.is_active:
        raise ValidationError("This user is deactivated. Activate them before inviting them.")
    if not stored.email:
        raise ValidationError("This user has no email address. Add one, then send the invitation.")
    # A new unusable password changes what the earlier links' tokens were made from.
    stored.set_unusable_password()
    stored.save(update_fields=["password"])
    _invite(actor=actor, membership=membership, user=stored, resent=True)
    return stored


def _stored_user(membership: Membership | None, user: User) -> User:
    # Only the user's row is locked: PostgreSQL refuses FOR UPDATE on the outer join to
    # the membership, and two changes to one user are what must not interleave.
    stored = (
        User.objects.select_for_update(of=("self",))
        .select_related("membership__agency")
        .get(pk=user.pk)
    )
    stored_membership = getattr(stored, "membership", None)
    _authorise(membership, stored_membership.agency.area_id if stored_membership else None)
    return stored


@atomic_unit
def user_change(*, actor: User, membership: Membership | None, user: User) -> User:
    """Save changes to a user's details, or activate or deactivate them, in the
    administrator's area."""
    stored = _stored_user(membership, user)
    fields = _changed(stored, user, USER_FIELDS)
    activation = _changed(stored, user, ACTIVATION)
    if not fields and not activation:
        return user
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields + activation)
    target = {"target_type": "user", "target_id": user.pk}
    if fields:
        _record(
            EventType.USER_CHANGED,
            actor=actor,
            membership=membership,
            payload={"fields": fields},
            **target,
        )
    if activation:
        activated = EventType.USER_ACTIVATED if user.is_active else EventType.USER_DEACTIVATED
        _record(activated, actor=actor, membership=membership, **target)
    return user


@atomic_unit
def user_password_set(
    *, actor: User, membership: Membership | None, user: User, password: str | None
) -> User:
    """Set or reset a user's password in the administrator's area; None turns off signing
    in with a password."""
    stored = _stored_user(membership, user)
    if password is None:
        stored.set_unusable_password()
    else:
        password_validation.validate_password(password, stored)
        stored.set_password(password)
    stored.save(update_fields=["password"])
    _record(
        EventType.USER_PASSWORD_SET,
        actor=actor,
        membership=membership,
        target_type="user",
        target_id=stored.pk,
        payload={"has_password": stored.has_usable_password()},
    )
    return stored


@atomic_unit
def membership_change(
    *, actor: User, membership: Membership | None, changed: Membership
) -> Membership:
    """Move a member to another agency, change their role, or activate or deactivate their
    membership, within the administrator's area."""
    # The membership's row alone: locking its agency would hold up every other change there.
    stored = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=changed.pk)
    )
    _authorise(membership, stored.agency.area_id, changed.agency.area_id)
    fields = _changed(stored, changed, MEMBERSHIP_FIELDS)
    activation = _changed(stored, changed, ACTIVATION)
    if not fields and not activation:
        return changed
    membership_update(membership=changed, fields=fields + activation)
    target = {"target_type": "membership", "target_id": changed.pk}
    if fields:
        _record(
            EventType.MEMBERSHIP_CHANGED,
            actor=actor,
            membership=membership,
            payload={
                "user": changed.user_id,
                "old_agency": stored.agency_id,
                "new_agency": changed.agency_id,
                "old_role": stored.role,
                "new_role": changed.role,
            },
            **target,
        )
    if activation:
        activated = (
            EventType.MEMBERSHIP_ACTIVATED
            if changed.is_active
            else EventType.MEMBERSHIP_DEACTIVATED
        )
        _record(
            activated,
            actor=actor,
            membership=membership,
            payload={"user": changed.user_id, "agency": changed.agency_id},
            **target,
        )
    return changed
