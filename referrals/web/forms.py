"""Forms for referral pages. They parse input; the services decide what is allowed."""

import datetime

from django import forms
from django.utils import timezone

from audit.services.decision_rules import (
    MIN_JUSTIFICATION_CHARS,
    MIN_JUSTIFICATION_WORDS,
    MIN_REASON_CHARS,
    DecisionInput,
    decision_input_from,
)
from audit.vocabulary import (
    LEGAL_BASIS_HELP,
    Category,
    ConsentStatus,
    DecisionAction,
    LegalBasis,
    Schedule1Condition,
)
from prevent_cases.dates import UK_DATE_FORMATS
from prevent_cases.models import Agency
from prevent_cases.web.choices import ListedModelChoiceField
from referrals.rules.vocabulary import Deconfliction, ScreeningOutcome, SignpostService
from referrals.selectors import DashboardFilters
from referrals.services.screening import MIN_RATIONALE_CHARS, ScreeningInput


class SharingDecisionForm(forms.Form):
    # The service speaks of the expiry as a moment; the form asks for a day.
    service_field_names = {"expires_at": "expires_on"}

    receiving_agency = ListedModelChoiceField(
        queryset=Agency.objects.none(),
        label="Which agency is this decision about?",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency this decision is about."},
    )
    action = forms.ChoiceField(
        choices=[(DecisionAction.SHARE, "Share"), (DecisionAction.WITHHOLD, "Withhold")],
        label="Is the information shared or withheld?",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the information is shared or withheld."},
    )
    categories = forms.MultipleChoiceField(
        choices=[],
        label="What information?",
        help_text="Only what the receiving agency needs. Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one category of information."},
    )
    purpose = forms.CharField(
        label="Why? The purpose and the outcome expected",
        widget=forms.Textarea,
        error_messages={"required": "Say why: the purpose of sharing and the outcome expected."},
    )
    legal_basis = forms.ChoiceField(
        choices=LegalBasis.choices,
        label="On what legal basis?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal basis for this decision."},
    )
    legal_basis_other = forms.CharField(
        label="If other, state the legal basis", required=False, widget=forms.Textarea
    )
    schedule1_condition = forms.ChoiceField(
        choices=Schedule1Condition.choices,
        required=False,
        label="Data Protection Act 2018 Schedule 1 condition",
        help_text="Needed for health or criminal justice information shared as a public task.",
    )
    consent_status = forms.ChoiceField(
        choices=ConsentStatus.choices,
        label="Consent",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether consent was given, refused or not sought."},
    )
    consent_reason = forms.CharField(
        label="If consent was refused or not sought, why is the information still shared?",
        required=False,
        widget=forms.Textarea,
    )
    justification = forms.CharField(
        label="Why is this necessary and proportionate?",
        help_text="Record the reasons whether you share or withhold.",
        widget=forms.Textarea,
        error_messages={"required": "Explain why this is necessary and proportionate."},
    )
    expires_on = forms.DateField(
        label="Expiry date (optional)",
        help_text="Access ends at the start of this day. For example, 31/03/2027.",
        required=False,
        input_formats=UK_DATE_FORMATS,
        error_messages={"invalid": "Enter the expiry date as a real date, like 31/03/2027."},
    )

    def __init__(self, *args, agencies, held_categories: frozenset[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_agency"].queryset = agencies
        self.fields["categories"].choices = [
            (code, label) for code, label in Category.choices if code in held_categories
        ]
        self.legal_basis_help = LEGAL_BASIS_HELP

    def decision_input(self) -> DecisionInput:
        data = self.cleaned_data
        expires_on: datetime.date | None = data.get("expires_on")
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
            if expires_on
            else None
        )
        return decision_input_from({**data, "expires_at": expires_at})


class RevokeDecisionForm(forms.Form):
    reason = forms.CharField(
        label="Why is this sharing being revoked?",
        widget=forms.Textarea,
        error_messages={"required": "Explain why the sharing is being revoked."},
    )


STATUS_TABS = [
    ("open", "Open"),
    ("received", "Received"),
    ("screening", "Screening"),
    ("closed", "Closed"),
    ("progressed", "Progressed to Channel"),
    ("all", "All"),
]


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A reference, a name, or a date of birth like 17/05/2009",
    )
    status = forms.ChoiceField(choices=STATUS_TABS, required=False, label="Status")
    overdue_only = forms.BooleanField(required=False, label="Only overdue for screening")

    def __init__(self, *args, default_status: str = "open", **kwargs):
        super().__init__(*args, **kwargs)
        self.default_status = default_status
        self.fields["status"].initial = default_status

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return DashboardFilters(
            status=data.get("status") or self.default_status,
            overdue_only=data.get("overdue_only", False),
            query=data.get("q", ""),
        )


class ScreeningForm(forms.Form):
    """Parses the screening outcome. Every rule lives in the service, which reports all
    missing answers at once, so no field is required here: a form that refused a missing
    outcome itself would hide the service's other messages until it was chosen."""

    deconfliction = forms.ChoiceField(
        required=False,
        choices=[(code, label) for code, label in Deconfliction.choices if code != "not_checked"],
        widget=forms.RadioSelect,
        label="Deconfliction: is the person part of a live counter-terrorism investigation?",
        help_text="Record the status only. Never record any detail of an investigation.",
    )
    notes = forms.CharField(
        label="Assessment notes (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="Information gathered and what it shows.",
    )
    outcome = forms.ChoiceField(
        choices=ScreeningOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Outcome",
    )
    signposted_to = forms.ChoiceField(
        choices=[("", "Choose a service"), *SignpostService.choices],
        required=False,
        label="Which service was the person signposted to?",
    )
    rationale = forms.CharField(
        label="Why this outcome?",
        widget=forms.Textarea,
        required=False,
        help_text=f"At least {MIN_RATIONALE_CHARS} characters.",
    )
    consent_status = forms.ChoiceField(
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Consent to share with the panel",
    )
    consent_reason = forms.CharField(
        label="If consent was refused or not sought, why share with the panel anyway?",
        widget=forms.Textarea,
        required=False,
        help_text=f"At least {MIN_REASON_CHARS} characters. For example, seeking consent "
        "would prejudice the assessment.",
    )
    sharing_justification = forms.CharField(
        label="Why is sharing with the panel necessary and proportionate?",
        widget=forms.Textarea,
        required=False,
        help_text=f"At least {MIN_JUSTIFICATION_WORDS} words and {MIN_JUSTIFICATION_CHARS} "
        "characters.",
    )

    # The order of the page, so the error summary lists problems as the page asks them.
    field_order = [
        "deconfliction",
        "notes",
        "outcome",
        "signposted_to",
        "consent_status",
        "consent_reason",
        "sharing_justification",
        "rationale",
    ]
    # The sharing decision made on progress names its justification "justification".
    service_field_names = {"justification": "sharing_justification"}
    # What each outcome reveals beneath it: the questions only that outcome asks.
    outcome_reveals = {
        ScreeningOutcome.SIGNPOSTED: "referrals/screening/signposted_reveal.html",
        ScreeningOutcome.CHANNEL: "referrals/screening/channel_reveal.html",
    }

    def screening_input(self) -> ScreeningInput:
        data = self.cleaned_data
        return ScreeningInput(
            deconfliction=data["deconfliction"],
            notes=data["notes"],
            outcome=data["outcome"],
            rationale=data["rationale"],
            signposted_to=data["signposted_to"],
            consent_status=data["consent_status"],
            consent_reason=data["consent_reason"],
            sharing_justification=data["sharing_justification"],
        )
