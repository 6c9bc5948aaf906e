"""Forms of the auditors' workspace."""

from django import forms

from audit.event_types import EventType
from audit.selectors import DecisionFilters, EventFilters
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis, ReviewFinding
from prevent_cases.dates import UK_DATE_FORMATS
from prevent_cases.models import Agency
from prevent_cases.web.choices import ListedModelChoiceField


def _any(choices) -> list[tuple[str, str]]:
    return [("", "Any"), *choices]


class _AreaFilterForm(forms.Form):
    """Filters over one area's records: its agencies to choose from, and a date range whose
    end may not come before its start."""

    date_range: tuple[str, str]

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        start_field, end_field = self.date_range
        start, end = data.get(start_field), data.get(end_field)
        if start and end and start > end:
            self.add_error(end_field, "The end date must be on or after the start date.")
        return data


class DecisionFilterForm(_AreaFilterForm):
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
    agency = ListedModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Any",
        label="Disclosing or receiving agency",
    )
    legal_basis = forms.ChoiceField(
        choices=_any(LegalBasis.choices), required=False, label="Legal basis"
    )
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
    case_reference = forms.CharField(
        required=False,
        max_length=16,
        label="Case reference",
        help_text="For example, PR-AB3D-EF7H",
        strip=True,
    )

    date_range = ("decided_from", "decided_to")

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
            case_reference=data.get("case_reference", ""),
        )

    def selected(self) -> list[tuple[str, str]]:
        """The filters in force as (field name, the filter in words), in the form's order,
        for the tags that each remove one."""
        if not self.is_bound or not self.is_valid():
            return []
        chosen = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if isinstance(field, forms.BooleanField):
                chosen.append((name, field.label))
                continue
            if isinstance(field, forms.DateField):
                words = value.strftime("%-d %B %Y")
            elif isinstance(field, forms.ModelChoiceField):
                words = str(value)
            elif isinstance(field, forms.ChoiceField):
                words = dict(field.choices).get(value, value)
            else:
                words = str(value)
            chosen.append((name, f"{field.label}: {words}"))
        return chosen


class EventFilterForm(_AreaFilterForm):
    event_type = forms.ChoiceField(
        choices=_any(sorted(EventType.choices, key=lambda choice: choice[1])),
        required=False,
        label="What happened",
    )
    agency = ListedModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="Any", label="Agency"
    )
    happened_from = forms.DateField(
        label="From",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 1/4/2026",
        error_messages={"invalid": "Enter a real date, like 1/4/2026."},
    )
    happened_to = forms.DateField(
        label="To",
        required=False,
        input_formats=UK_DATE_FORMATS,
        help_text="For example, 31/3/2027",
        error_messages={"invalid": "Enter a real date, like 31/3/2027."},
    )
    target = forms.CharField(
        required=False,
        max_length=36,
        label="About",
        help_text="A case reference, or the id of a decision, review, user or agency",
        strip=True,
    )

    date_range = ("happened_from", "happened_to")

    def filters(self) -> EventFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        agency = data.get("agency")
        return EventFilters(
            event_type=data.get("event_type", ""),
            agency=agency.pk if agency else None,
            happened_from=data.get("happened_from"),
            happened_to=data.get("happened_to"),
            target=data.get("target", ""),
        )

    selected = DecisionFilterForm.selected


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
