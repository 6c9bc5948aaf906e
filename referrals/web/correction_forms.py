"""The form that corrects one field of a referral's record: the new value, in the input
that suits the field, and why the record was wrong. What a value must be is decided by the
corrections rules (referrals.rules.corrections), so this form only parses what was typed."""

from django import forms

from referrals.rules.corrections import (
    AGE,
    CHOICE,
    DATE,
    EMAIL,
    KNOWN,
    LINES,
    LONG_TEXT,
    NOT_KNOWN,
    YES_NO,
    CorrectableField,
)
from referrals.web.intake_forms import DateField, IntakeBoundField, LimitedEmail, LimitedText

YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]
KNOWN_CHOICES = [*YES_NO_CHOICES, ("not_known", NOT_KNOWN)]
ANSWERS = {"yes": True, "no": False, "not_known": None}
# The choice that clears an optional coded field: radios need a value of their own.
NONE_RECORDED = "none"


def _value_field(spec: CorrectableField) -> forms.Field:
    model_field = spec.model_field
    label = spec.label
    if spec.kind == DATE:
        return DateField(
            noun=label, label=label, help_text="For example, 27 3 2009", required=False
        )
    if spec.kind == AGE:
        return forms.IntegerField(
            label=label,
            help_text="In years. Leave empty to remove it.",
            required=False,
            error_messages={"invalid": "Enter the estimated age as a whole number, like 15."},
        )
    if spec.kind in (YES_NO, KNOWN):
        return forms.ChoiceField(
            label=label,
            choices=KNOWN_CHOICES if spec.kind == KNOWN else YES_NO_CHOICES,
            widget=forms.RadioSelect,
            error_messages={"required": f"Select an answer for {label.lower()}."},
        )
    if spec.kind == CHOICE:
        choices = list(model_field.choices)
        if model_field.blank:
            choices.append((NONE_RECORDED, "Not recorded"))
        return forms.ChoiceField(
            label=label,
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={"required": f"Choose the {label.lower()}."},
        )
    if spec.kind == LINES:
        return forms.CharField(
            label=label,
            help_text="One on each line.",
            required=False,
            widget=forms.Textarea,
        )
    if spec.kind == LONG_TEXT:
        return forms.CharField(label=label, required=False, widget=forms.Textarea)
    if spec.kind == EMAIL:
        return LimitedEmail(
            label=label,
            max_length=model_field.max_length,
            required=False,
            error_messages={
                "invalid": "Enter an email address in the right format, like name@example.com."
            },
        )
    return LimitedText(label=label, max_length=model_field.max_length, required=False)


def initial_value(spec: CorrectableField, current: object) -> object:
    """The recorded value as the form's input shows it."""
    if spec.kind in (YES_NO, KNOWN):
        return {True: "yes", False: "no", None: "not_known"}[current]
    if spec.kind == CHOICE:
        return current or NONE_RECORDED
    if spec.kind == LINES:
        return "\n".join(current or [])
    return current


class CorrectionForm(forms.Form):
    bound_field_class = IntakeBoundField

    reason = forms.CharField(
        label="Why was the record wrong?",
        help_text="For the record's history: for example, where the right value comes from.",
        widget=forms.Textarea,
        error_messages={"required": "Say why the record was wrong, for the record's history."},
    )

    def __init__(self, data=None, *, spec: CorrectableField, current: object) -> None:
        super().__init__(data, initial={"value": initial_value(spec, current)})
        self.spec = spec
        self.fields = {"value": _value_field(spec), "reason": self.fields["reason"]}

    def new_value(self) -> object:
        """The value typed, as the record keeps it."""
        value = self.cleaned_data["value"]
        if self.spec.kind in (YES_NO, KNOWN):
            return ANSWERS[value]
        if self.spec.kind == CHOICE:
            return "" if value == NONE_RECORDED else value
        if self.spec.kind == LINES:
            return [line.strip() for line in value.splitlines() if line.strip()]
        return value
