"""Forms for information requests: the panel asking, and a partner answering.

They parse input only, and ask for nothing as required but what they cannot go on without:
the services check every rule and report every problem at once, next to its input.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.services.decision_rules import DecisionInput, decision_input_from
from audit.vocabulary import Category, DecisionAction
from panels.models import InformationRequest
from panels.services.requests import REQUESTABLE_CATEGORIES, answer_field
from prevent_cases.dates import UK_DATE_FORMATS
from prevent_cases.models import Agency
from prevent_cases.web.choices import ListedModelChoiceField
from prevent_cases.web.form_errors import add_service_errors
from referrals.web.forms import SharingDecisionForm


def add_remaining_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    """Add the service's problems about inputs the form could parse, so a form that failed
    to parse one input still reports every other problem in the same answer."""
    names = getattr(form, "service_field_names", {})
    remaining = {
        field: messages
        for field, messages in errors.items()
        if names.get(field, field) not in form.errors
    }
    if remaining:
        add_service_errors(form, ValidationError(remaining))


class InformationRequestForm(forms.Form):
    to_agency = ListedModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Which agency are you asking?",
        empty_label="Choose an agency",
        help_text="They will be told who the request is about, and nothing else of the case.",
    )
    categories = forms.MultipleChoiceField(
        choices=[
            (code, label) for code, label in Category.choices if code in REQUESTABLE_CATEGORIES
        ],
        required=False,
        label="What information are you asking for?",
        help_text="Only what the panel needs. Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label="Why does the panel need it?",
        help_text="The partner records this as the purpose of its answer.",
        required=False,
        widget=forms.Textarea,
    )
    due_on = forms.DateField(
        label="Answer due by",
        help_text="For example, 31/03/2027.",
        required=False,
        input_formats=UK_DATE_FORMATS,
        error_messages={"invalid": "Enter the due date as a real date, like 31/03/2027."},
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies


# The decision fields a partner fills in whichever way it answers.
DECISION_FIELDS = (
    "purpose",
    "legal_basis",
    "legal_basis_other",
    "schedule1_condition",
    "consent_status",
    "consent_reason",
    "justification",
    "expires_on",
)


class RequestAnswerForm(SharingDecisionForm):
    """One text per category asked for, then the agency's sharing decision: the same
    questions as any decision, asked whether it shares or withholds."""

    def __init__(self, *args, request: InformationRequest, **kwargs) -> None:
        super().__init__(
            *args, agencies=Agency.objects.none(), held_categories=frozenset(), **kwargs
        )
        del self.fields["receiving_agency"]
        del self.fields["categories"]
        self.requested = list(request.categories)
        action = self.fields["action"]
        action.label = "How are you answering?"
        action.choices = [
            (DecisionAction.SHARE, "Share what my agency holds"),
            (DecisionAction.WITHHOLD, "Withhold it, and record why"),
        ]
        action.required = False
        self.fields[
            "justification"
        ].label = "Why is sharing (or withholding) this necessary and proportionate?"
        for name in DECISION_FIELDS:
            self.fields[name].required = False
        answers = {
            answer_field(category): forms.CharField(
                label=Category(category).label,
                required=False,
                widget=forms.Textarea,
                help_text="Leave blank if your agency holds nothing in this category.",
            )
            for category in self.requested
        }
        self.fields = {"action": self.fields.pop("action"), **answers, **self.fields}

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[answer_field(category)] for category in self.requested]

    @property
    def decision_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in DECISION_FIELDS]

    def action(self) -> str:
        return self.cleaned_data.get("action") or ""

    def contributions(self) -> list[tuple[str, str]]:
        return [
            (category, self.cleaned_data.get(answer_field(category)) or "")
            for category in self.requested
        ]

    def decision_input(self) -> DecisionInput:
        data = self.cleaned_data
        expires_on: datetime.date | None = data.get("expires_on")
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
            if expires_on
            else None
        )
        values = {name: data.get(name) or "" for name in DECISION_FIELDS}
        return decision_input_from(
            {**values, "action": self.action(), "categories": (), "expires_at": expires_at}
        )
