"""Forms of the auditors' workspace."""

from django import forms

from audit.selectors import DecisionFilters
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis, ReviewFinding
from prevent_cases.dates import UK_DATE_FORMATS
from prevent_cases.models import Agency


def _any(choices) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class DecisionFilterForm(forms.Form):
    decided_from = forms.DateField(
        label="Decided from",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 1/4/2026",
        error_messages={"invalid": "Enter a real date, like 1/4/2026."},
    )
    decided_to = forms.DateField(
        label="Decided to",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 31/3/2027",
        error_messages={"invalid": "Enter a real date, like 31/3/2027."},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any",
        label="Disclosing or receiving agency",
    )
    legal_basis = forms.ChoiceField(choices=_any(LegalBasis.choices), required=False)
    consent_status = forms.ChoiceField(
        choices=_any(ConsentStatus.choices), required=False, label="Consent"
    )
    action = forms.ChoiceField(
        choices=_any(DecisionAction.choices), required=False, label="Shared, withheld or revoked"
    )
    without_consent_only = forms.BooleanField(
        required=False, label="Only information shared without consent"
    )
    flagged_only = forms.BooleanField(
        required=False, label="Only shared without consent and with no reason recorded"
    )
    unreviewed_only = forms.BooleanField(required=False, label="Only decisions not yet reviewed")

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> DecisionFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        agency = data.get("agency")
        return DecisionFilters(
            decided_from=data.get("decided_from"),
            decided_to=data.get("decided_to"),
            agency=agency.pk if agency else None,
            legal_basis=data.get("legal_basis", ""),
            consent_status=data.get("consent_status", ""),
            action=data.get("action", ""),
            without_consent_only=data.get("without_consent_only", False),
            flagged_only=data.get("flagged_only", False),
            unreviewed_only=data.get("unreviewed_only", False),
        )


class ReviewForm(forms.Form):
    finding = forms.ChoiceField(
        choices=ReviewFinding.choices,
        widget=forms.RadioSelect,
        label="Your finding",
        error_messages={"required": "Choose a finding."},
    )
    note = forms.CharField(
        widget=forms.Textarea,
        label="What you checked and what you found",
        error_messages={"required": "Say what you checked and what you found."},
    )
