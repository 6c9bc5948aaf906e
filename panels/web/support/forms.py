"""Forms for the assessment, consent, support plan, post-exit review and transfer pages.
They parse what was typed; the services decide what is allowed and report every problem
at once, so fields the service checks are not required here."""

import datetime

from django import forms
from django.utils import timezone

from audit.services.decision_rules import DecisionInput
from audit.vocabulary import LEGAL_BASIS_HELP, ConsentStatus, DecisionAction, LegalBasis
from panels.models.vocabulary import (
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    InterventionType,
    PostExitOutcome,
)
from panels.selectors.chronology import KIND_LABELS
from panels.services.support import MAX_CONTACT_DAYS, InterventionInput
from prevent_cases.dates import UK_DATE_FORMATS


def _date(label: str, help_text: str = "For example, 17/05/2027.", required=False):
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        input_formats=UK_DATE_FORMATS,
        error_messages={"invalid": f"Enter {label.lower()} as a real date, like 17/05/2027."},
    )


def _text(label: str, help_text: str = "", textarea=True, max_length=None):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea if textarea else forms.TextInput,
    )


class AssessmentEntryForm(forms.Form):
    factor = forms.ChoiceField(label="Factor", choices=[])
    rating = forms.ChoiceField(
        label="Your agency's rating",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from the framework's scale."},
    )
    evidence = _text(
        "Evidence", "What your agency knows that supports this rating. Only your own information."
    )

    def __init__(self, *args, factors, ratings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor"].choices = [("", "Choose a factor")] + [
            (factor.code, f"{factor.dimension.label}: {factor.label}") for factor in factors
        ]
        self.fields["rating"].choices = [(r["code"], r["label"]) for r in ratings]


class AssessmentAgreeForm(forms.Form):
    summary = _text("The panel's summary conclusion", "At least 40 characters.")
    management_plan = _text("Management plan", "What the panel will do about what it found.")


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label="Consent", choices=ConsentDecision.choices, widget=forms.RadioSelect, required=False
    )
    given_by = forms.ChoiceField(
        label="Given, refused or withdrawn by",
        help_text="The person if they are 18 or over; a parent or guardian if under 18.",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    obtained_on = _date("Date")
    method = forms.ChoiceField(
        label="How", choices=ConsentMethod.choices, widget=forms.RadioSelect, required=False
    )
    capacity_considered = forms.BooleanField(
        label="Capacity to consent was considered", required=False
    )
    capacity_note = _text("Capacity note", "If capacity was not considered, say why.")
    note = _text("Note")
    reassess_on = _date(
        "If refused or withdrawn: when will the panel re-assess the case?",
        "A future date. For example, 17/05/2027.",
    )
    rationale = _text("If refused or withdrawn: the panel's reasons for stopping support")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields}


class SupportPlanForm(forms.Form):
    consent_approach = _text("How will consent be sought?")
    consent_sought_by = _text("Who will seek it?", textarea=False, max_length=200)
    consent_sought_on = _date("When will consent be sought?")
    support_summary = _text("The support the panel agreed")
    version = forms.IntegerField(widget=forms.HiddenInput)


# The interval when the panel names none: the service's own default.
DEFAULT_CONTACT_EVERY_DAYS = InterventionInput.contact_every_days


class InterventionForm(forms.Form):
    type = forms.ChoiceField(
        label="Type of intervention",
        choices=[("", "Choose a type"), *InterventionType.choices],
        required=False,
    )
    delivering_agency = forms.ChoiceField(label="Delivering agency", choices=[], required=False)
    practitioner = forms.ChoiceField(
        label="Practitioner (optional)",
        help_text="A practitioner or panel member of the delivering agency.",
        choices=[],
        required=False,
    )
    goals = _text("Goals", "One goal per line.")
    planned_sessions = forms.IntegerField(label="Planned sessions", required=False, min_value=0)
    start_on = _date("Start date")
    contact_every_days = forms.IntegerField(
        label="How often the person should be seen (days)",
        help_text=(
            f"Optional. The number of days from one session to the next, from 1 to "
            f"{MAX_CONTACT_DAYS}. Left empty, it is {DEFAULT_CONTACT_EVERY_DAYS} days."
        ),
        required=False,
        initial=DEFAULT_CONTACT_EVERY_DAYS,
        error_messages={
            "invalid": "Enter how often the person should be seen as a number of days, like 14."
        },
    )

    def __init__(self, *args, agencies, practitioners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.pk): agency for agency in agencies}
        self.practitioners = {str(user.pk): user for user in practitioners}
        self.fields["delivering_agency"].choices = [("", "Choose an agency")] + [
            (key, agency.name) for key, agency in self.agencies.items()
        ]
        self.fields["practitioner"].choices = [("", "Nobody yet")] + [
            (key, f"{user.get_full_name() or user.username} ({user.membership.agency})")
            for key, user in self.practitioners.items()
        ]

    def intervention_input(self) -> InterventionInput:
        data = self.cleaned_data
        return InterventionInput(
            type=data["type"],
            delivering_agency=self.agencies.get(data["delivering_agency"]),
            practitioner=self.practitioners.get(data["practitioner"]),
            goals=tuple(line for line in data["goals"].splitlines() if line.strip()),
            planned_sessions=data["planned_sessions"],
            start_on=data["start_on"],
            contact_every_days=(
                DEFAULT_CONTACT_EVERY_DAYS
                if data["contact_every_days"] is None
                else data["contact_every_days"]
            ),
        )


class ConcernReviewForm(forms.Form):
    note = _text(
        "Record that the panel has considered this concern",
        "What the panel will do about it, in at least 10 characters. The delivering agency "
        "is shown this note.",
    )


class ChronologyFilterForm(forms.Form):
    """Which entries of a case's chronology to show."""

    agency = forms.ChoiceField(
        label="Agency",
        help_text="Entries this agency made, or that are its information.",
        required=False,
        error_messages={"invalid_choice": "Choose an agency from the list."},
    )
    kind = forms.ChoiceField(
        label="What happened",
        choices=[("", "Everything"), *KIND_LABELS.items()],
        required=False,
        error_messages={"invalid_choice": "Choose what happened from the list."},
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.pk): agency for agency in agencies}
        self.fields["agency"].choices = [("", "All agencies")] + [
            (key, agency.name) for key, agency in self.agencies.items()
        ]

    def filters(self) -> dict:
        """The chosen filters, as panels.selectors.chronology.Chronology.filtered takes
        them; none until the form is valid."""
        if not self.is_valid():
            return {}
        agency = self.agencies.get(self.cleaned_data["agency"])
        return {"agency_id": agency.pk if agency else None, "kind": self.cleaned_data["kind"]}


class PostExitReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=PostExitOutcome.choices, widget=forms.RadioSelect, required=False
    )
    rationale = _text("The panel's reasons")


class TransferForm(forms.Form):
    service_field_names = {"expires_at": "expires_on"}

    to_area = forms.ChoiceField(label="Area the person has moved to", choices=[], required=False)
    note = _text("Why is the case being transferred?")
    purpose = _text(
        "Why share the case with the receiving panel? The purpose and the outcome expected"
    )
    legal_basis = forms.ChoiceField(
        label="On what legal basis?",
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    legal_basis_other = _text("If other, state the legal basis")
    consent_status = forms.ChoiceField(
        label="Consent", choices=ConsentStatus.choices, widget=forms.RadioSelect, required=False
    )
    consent_reason = _text("If consent was refused or not sought, why share anyway?")
    justification = _text("Why is this necessary and proportionate?")
    expires_on = _date("Expiry date (optional)", "Access ends at the start of this day.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {str(area.pk): area for area in areas}
        self.fields["to_area"].choices = [("", "Choose an area")] + [
            (key, area.name) for key, area in self.areas.items()
        ]
        self.legal_basis_help = LEGAL_BASIS_HELP

    def decision_input(self) -> DecisionInput:
        data = self.cleaned_data
        expires_on: datetime.date | None = data.get("expires_on")
        return DecisionInput(
            action=DecisionAction.SHARE,
            categories=(),
            purpose=data["purpose"],
            legal_basis=data["legal_basis"],
            legal_basis_other=data["legal_basis_other"],
            schedule1_condition="",
            consent_status=data["consent_status"],
            consent_reason=data["consent_reason"],
            justification=data["justification"],
            expires_at=timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
            if expires_on
            else None,
        )
