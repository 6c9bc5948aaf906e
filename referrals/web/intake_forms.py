"""The pages of the intake journey. Each page parses its inputs into ReferralIntake values.

What is required and what is plausible is decided once, by the intake rules in
referrals.rules.intake: each page reports the rules about its own fields, so the pages, the API
and CSV import give the same messages.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateformat import format as format_date

from prevent_cases.models import Area
from prevent_cases.web.choices import ListedModelChoiceField
from referrals.models import Referral, Subject
from referrals.rules.intake import REQUIRED_ANSWERS, ReferralIntake, intake_errors
from referrals.rules.vocabulary import Sector, Sex
from referrals.selectors import SubjectMatch, current_concern_types

DATE_PARTS = ("day", "month", "year")
DATE_PART_WIDTHS = {"day": 2, "month": 2, "year": 4}
NEW_PERSON = "new"
# A near-identical name with the same date of birth, or the exact name with a date one
# keying slip away (see referrals.rules.matching for the weights).
STRONG_MATCH = 0.85
YES_NO = [("yes", "Yes"), ("no", "No")]
PERSON_AWARE = {"yes": True, "no": False, "not_known": None}
WIDER_NEEDS = [
    ("send_needs", "Special educational needs and disabilities (SEND)"),
    ("mental_health", "Mental health"),
    ("neurodiversity", "Neurodiversity"),
]


def _max_length(model, name: str) -> int:
    # The model's limit, so a value too long is refused on its page, not at the end.
    return model._meta.get_field(name).max_length


def format_day(day: datetime.date) -> str:
    return format_date(day, "j F Y")


class DateInput(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input."""

    def __init__(self) -> None:
        super().__init__(widgets=dict.fromkeys(DATE_PARTS, forms.TextInput))

    def decompress(self, value: datetime.date | None) -> list:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateField(forms.Field):
    """A date typed as day, month and year, with an error that names the part at fault.

    An error's `parts` param lists the boxes to highlight; an error without it (such as an
    intake rule about the whole date) highlights all three.
    """

    widget = DateInput

    def __init__(self, *, noun: str, **kwargs) -> None:
        self.noun = noun
        super().__init__(**kwargs)

    def to_python(self, value) -> datetime.date | None:
        day, month, year = (str(part or "").strip() for part in value or ("", "", ""))
        if not (day or month or year):
            return None
        typed = dict(zip(DATE_PARTS, (day, month, year), strict=True))
        missing = [part for part, text in typed.items() if not text]
        if missing:
            raise ValidationError(
                f"{self.noun} must include a {' and '.join(missing)}.",
                code="incomplete",
                params={"parts": missing},
            )
        not_numbers = [part for part, text in typed.items() if not text.isdigit()]
        if not_numbers:
            raise ValidationError(
                f"{self.noun} must be a real date.", code="invalid", params={"parts": not_numbers}
            )
        if len(year) != 4:
            raise ValidationError(
                "Year must include 4 numbers.", code="invalid", params={"parts": ["year"]}
            )
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            wrong = ["month"] if not 1 <= int(month) <= 12 else ["day"]
            raise ValidationError(
                f"{self.noun} must be a real date.", code="invalid", params={"parts": wrong}
            ) from None


@dataclass(frozen=True)
class DatePart:
    label: str
    name: str
    id: str
    value: str
    width: int
    error: bool


class IntakeBoundField(forms.BoundField):
    @property
    def id_for_label(self) -> str:
        # The error summary links here. Radios and checkboxes give their first option the
        # field's own id (includes/choices.html); a date links to its first box at fault.
        widget = self.field.widget
        if isinstance(widget, DateInput):
            return next((part.id for part in self.date_parts if part.error), self.date_parts[0].id)
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return self.auto_id
        return super().id_for_label

    @property
    def date_parts(self) -> list[DatePart]:
        value = self.value()
        if not isinstance(value, list):
            value = self.field.widget.decompress(value)
        at_fault: set[str] = set()
        for error in self.errors.as_data():
            at_fault.update((error.params or {}).get("parts", DATE_PARTS))
        return [
            DatePart(
                label=part.capitalize(),
                name=f"{self.html_name}_{part}",
                id=f"{self.auto_id}_{part}",
                value="" if typed is None else str(typed),
                width=DATE_PART_WIDTHS[part],
                error=part in at_fault,
            )
            for part, typed in zip(DATE_PARTS, value, strict=True)
        ]


def trial_intake(values: dict) -> ReferralIntake:
    """An intake from some pages' values, with neutral stand-ins for the pages not given."""
    neutral = {
        "given_names": "",
        "family_name": "",
        "received_on": timezone.localdate(),
        "concern_summary": "",
        "area_id": None,
    }
    return ReferralIntake(**{**neutral, **values})


@dataclass(frozen=True)
class Answer:
    """One row of check your answers."""

    label: str
    value: str
    field_id: str

    @property
    def change_text(self) -> str:
        # Read after "Change": lower case, except a leading abbreviation such as "PNC".
        if self.label[:2].isupper():
            return self.label
        return self.label[:1].lower() + self.label[1:]


class IntakePage(forms.Form):
    """A page of the journey: parses its inputs and reports the intake rules about them."""

    bound_field_class = IntakeBoundField
    # Labels shown in check your answers where the question reads badly as a row key.
    summary_labels: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The answers the intake rules require, asked here as CSV import asks for them.
        for name, message in REQUIRED_ANSWERS.items():
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message

    def intake_values(self) -> dict:
        """The ReferralIntake values this page gives, for the fields that parsed."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}

    def clean(self) -> dict:
        cleaned = super().clean()
        errors = intake_errors(trial_intake(self.intake_values()), today=timezone.localdate())
        for field, messages in errors.items():
            # A field that did not parse already says why; the rule would only repeat it.
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages)
        return cleaned

    def input_names(self) -> set[str]:
        names = set()
        for bound in self:
            if isinstance(bound.field.widget, DateInput):
                names.update(part.name for part in bound.date_parts)
            else:
                names.add(bound.html_name)
        return names

    def raw_data(self) -> dict[str, list[str]]:
        """What was typed, as the session keeps it: only this page's inputs."""
        return {name: self.data.getlist(name) for name in self.input_names() if name in self.data}

    def answers(self) -> list[Answer]:
        return [self._answer(bound) for bound in self]

    def _answer(self, bound: IntakeBoundField) -> Answer:
        field = bound.field
        value = self.cleaned_data.get(bound.name)
        if isinstance(field, forms.ModelChoiceField):
            text = str(value) if value else ""
        elif isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)
            text = "\n".join(str(labels[code]) for code in value) or "None"
        elif isinstance(field, forms.ChoiceField):
            text = str(dict(field.choices).get(bound.value(), ""))
        elif isinstance(value, datetime.date):
            text = format_day(value)
        else:
            text = str(bound.value() or "").strip()
        label = self.summary_labels.get(bound.name, field.label.removesuffix(" (optional)"))
        return Answer(label=label, value=text or "Not given", field_id=bound.id_for_label)


class ServerLimited:
    """A text field whose length limit is checked on the server only: a browser told the
    limit (maxlength) cuts a pasted value short without a word, so the page refuses it
    with a message instead and keeps what was typed."""

    def __init__(self, *, label: str, max_length: int | None = None, **kwargs) -> None:
        if max_length:
            kwargs.setdefault("error_messages", {})
            kwargs["error_messages"].setdefault(
                "max_length",
                f"{label.removesuffix(' (optional)')} must be {max_length} characters or fewer",
            )
        super().__init__(label=label, max_length=max_length, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class LimitedText(ServerLimited, forms.CharField):
    pass


class LimitedEmail(ServerLimited, forms.EmailField):
    pass


def _text(label: str, model=Subject, name: str = "", **kwargs) -> forms.CharField:
    kwargs.setdefault("required", False)
    if name:
        kwargs["max_length"] = _max_length(model, name)
    return LimitedText(label=label, **kwargs)


class PersonPage(IntakePage):
    given_names = _text("Given names", name="given_names")
    family_name = _text("Family name", name="family_name")
    aliases = forms.CharField(
        label="Other names or spellings (optional)",
        help_text="One on each line. Include spellings seen on other records.",
        required=False,
        widget=forms.Textarea,
    )
    date_of_birth = DateField(
        noun="Date of birth",
        label="Date of birth",
        help_text="For example, 27 3 2009",
        required=False,
    )
    estimated_age = forms.IntegerField(
        label="Estimated age, if the date of birth is not known",
        help_text="In years",
        required=False,
        error_messages={"invalid": "Enter the estimated age as a whole number, like 15."},
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    gender_identity = _text("Gender identity (optional)", name="gender_identity")
    address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea)
    postcode = _text("Postcode (optional)", name="postcode")
    phone = _text("Phone number (optional)", name="phone")
    email = LimitedEmail(
        label="Email address (optional)",
        required=False,
        max_length=_max_length(Subject, "email"),
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )
    nationality = _text("Nationality (optional)", name="nationality")
    first_language = _text("First language (optional)", name="first_language")
    interpreter_needed = forms.TypedChoiceField(
        label="Do they need an interpreter?",
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
    )
    pnc_number = _text(
        "PNC number (optional)",
        name="pnc_number",
        help_text="Police National Computer number: the year, a slash, the serial number and "
        "the check letter, for example, 19/1234567J",
    )
    summary_labels = {
        "estimated_age": "Estimated age",
        "interpreter_needed": "Interpreter needed",
    }

    def clean_aliases(self) -> tuple[str, ...]:
        return tuple(
            line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()
        )

    def _answer(self, bound: IntakeBoundField) -> Answer:
        if bound.name == "aliases":
            text = "\n".join(self.cleaned_data["aliases"])
            return Answer("Other names or spellings", text or "None", bound.id_for_label)
        return super()._answer(bound)


class ChildPage(IntakePage):
    parent_guardian_name = _text(
        "Parent or guardian's name (optional)", name="parent_guardian_name"
    )
    parent_guardian_contact = _text(
        "Parent or guardian's contact details (optional)",
        name="parent_guardian_contact",
        help_text="A phone number, email address or postal address",
    )
    school = _text("School or college (optional)", name="school")


class ReferrerPage(IntakePage):
    referrer_name = _text("Referrer's name (optional)", Referral, "referrer_name")
    referrer_role = _text(
        "Their role (optional)",
        Referral,
        "referrer_role",
        help_text="For example, designated safeguarding lead",
    )
    referrer_organisation = _text(
        "Their organisation (optional)", Referral, "referrer_organisation"
    )
    referrer_sector = forms.ChoiceField(
        label="Which sector is the referral from?",
        choices=Sector.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    summary_labels = {
        "referrer_role": "Referrer's role",
        "referrer_organisation": "Referrer's organisation",
        "referrer_sector": "Sector",
    }


class ConcernPage(IntakePage):
    received_on = DateField(
        noun="The date received",
        label="When was the referral received?",
        help_text="For example, 2 11 2026",
        error_messages={"required": "Enter the date the referral was received."},
    )
    area = ListedModelChoiceField(
        label="Which area (local authority) is responsible?",
        queryset=Area.objects.all(),
        required=False,
        empty_label="Choose an area",
        error_messages={"invalid_choice": "Choose the area (local authority) responsible."},
    )
    concern_type = ListedModelChoiceField(
        label="Type of concern",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose a type of concern from the current list.",
        },
    )
    concern_summary = forms.CharField(
        label="What happened?",
        help_text="The concern as it was told: what was seen or heard, when, and by whom.",
        required=False,
        widget=forms.Textarea,
    )
    existing_involvement = forms.CharField(
        label="Other agencies already involved (optional)",
        help_text="For example, children's social care or a mental health team.",
        required=False,
        widget=forms.Textarea,
    )
    person_aware = forms.TypedChoiceField(
        label="Does the person know about the referral?",
        choices=[("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
        coerce=PERSON_AWARE.get,
        widget=forms.RadioSelect,
    )
    wider_needs = forms.MultipleChoiceField(
        label="Wider safeguarding needs",
        help_text="Select all that apply.",
        choices=WIDER_NEEDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary_labels = {
        "received_on": "Date received",
        "area": "Area responsible",
        "concern_summary": "What happened",
        "existing_involvement": "Other agencies involved",
        "person_aware": "Person knows of the referral",
    }

    def __init__(self, *args, default_area_id=None, **kwargs) -> None:
        # Received today and in the officer's own area, unless they say otherwise.
        kwargs.setdefault("initial", {"received_on": timezone.localdate(), "area": default_area_id})
        super().__init__(*args, **kwargs)
        # The current list is read per form: a new list comes into force on a date.
        self.fields["concern_type"].queryset = current_concern_types()

    def intake_values(self) -> dict:
        values = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in ("received_on", "concern_summary", "existing_involvement", "person_aware")
        }
        if "area" in self.cleaned_data:
            values["area_id"] = self.cleaned_data["area"].pk if self.cleaned_data["area"] else None
        if self.cleaned_data.get("concern_type"):
            values["concern_type_id"] = self.cleaned_data["concern_type"].pk
        chosen = self.cleaned_data.get("wider_needs", [])
        values.update({code: code in chosen for code, _ in WIDER_NEEDS})
        return values


@dataclass(frozen=True)
class MatchOption:
    value: str
    id: str
    checked: bool
    name: str
    date_of_birth: datetime.date | None
    band: str
    referral_count: int


class LinkPage(forms.Form):
    """Link the referral to a person already known, or say it is about someone new."""

    bound_field_class = IntakeBoundField
    subject = forms.ChoiceField(
        label="Is the referral about one of these people?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the person this referral is about, or none of these.",
            "invalid_choice": "Choose the person this referral is about, or none of these.",
        },
    )

    def __init__(self, *args, matches: list[SubjectMatch], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.matches = matches
        self.fields["subject"].choices = [
            *((str(match.subject.pk), "Link to this person") for match in matches),
            (NEW_PERSON, "None of these: a new person"),
        ]

    def raw_data(self) -> dict[str, list[str]]:
        return {"subject": self.data.getlist("subject")}

    @property
    def options(self) -> list[MatchOption]:
        chosen = self["subject"].value()
        auto_id = self["subject"].auto_id
        return [
            MatchOption(
                value=str(match.subject.pk),
                id=auto_id if index == 0 else f"{auto_id}_{index}",
                checked=chosen == str(match.subject.pk),
                name=f"{match.subject.given_names} {match.subject.family_name}",
                date_of_birth=match.subject.date_of_birth,
                band="Strong match" if match.score >= STRONG_MATCH else "Possible match",
                referral_count=match.referral_count,
            )
            for index, match in enumerate(self.matches)
        ]

    @property
    def new_person_id(self) -> str:
        return f"{self['subject'].auto_id}_{len(self.matches)}"

    @property
    def new_person_checked(self) -> bool:
        return self["subject"].value() == NEW_PERSON
