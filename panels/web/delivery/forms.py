"""Forms of the delivering agency: its answer to an assignment, a session or contact (new or
correcting an earlier entry) and a change of status. They parse what was typed; the
delivery services decide what is allowed and report every problem at once, so the fields
they check are not required here. Each carries the intervention version it was opened at."""

from django import forms

from panels.models import InterventionGoal, ProgressEntry
from panels.models.vocabulary import ContactType, DeliveryEvent, GoalRating
from panels.rules.delivery import ANSWERS, MAX_DURATION_MINUTES, MIN_REASON_CHARS, ProgressInput
from prevent_cases.dates import UK_DATE_FORMATS

YES, NO = "yes", "no"
REASON_HINT = f"At least {MIN_REASON_CHARS} characters. The panel reads it."


def _reason(label: str, help_text: str = REASON_HINT) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False, widget=forms.Textarea)


class VersionedForm(forms.Form):
    """A form about one intervention, made against the version the user opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def at_version(self, version: int) -> None:
        """Resubmitting after a conflict is made against `version`: what the user now saw."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


class AnswerForm(VersionedForm):
    event = forms.ChoiceField(
        label="Will your agency deliver this intervention?",
        choices=[
            (DeliveryEvent.ACCEPT, "Accept: we will deliver it"),
            (DeliveryEvent.DECLINE, "Decline: we cannot deliver it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency accepts the assignment."},
    )
    reason = _reason(
        "If you decline, why can your agency not deliver it?",
        f"Only if you decline: at least {MIN_REASON_CHARS} characters. Only this reason is "
        "shared with the panel.",
    )


class StatusForm(VersionedForm):
    event = forms.CharField(
        label="What has happened?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"required": "Choose what to do with the intervention."},
    )
    reason = _reason("Why?")

    def __init__(self, *args, events: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer(events)

    def offer(self, events: list[str]) -> None:
        """Offer the events the status table allows now. Any event is parsed: the service
        refuses one no longer allowed, and says why, if the intervention moved on since
        the form was opened."""
        self.fields["event"].widget.choices = [
            (event, DeliveryEvent(event).label) for event in events if event not in ANSWERS
        ]

    def clean_event(self) -> str:
        event = self.cleaned_data["event"]
        if event in ANSWERS:
            raise forms.ValidationError("Accept or decline the assignment from its answer page.")
        return event


class ProgressForm(VersionedForm):
    """A session or contact, with a rating for each goal of the intervention."""

    occurred_on = forms.DateField(
        label="Date of the session or contact",
        help_text="Today or earlier, not before the intervention started. For example, 17/05/2027.",
        required=False,
        input_formats=UK_DATE_FORMATS,
        error_messages={"invalid": "Enter the date as a real date, like 17/05/2027."},
    )
    contact_type = forms.ChoiceField(
        label="How did it take place?",
        choices=ContactType.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    attended = forms.ChoiceField(
        label="Did the person attend?",
        choices=[(YES, "Yes"), (NO, "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes (optional)",
        help_text=f"Between 1 and {MAX_DURATION_MINUTES}.",
        required=False,
        error_messages={"invalid": "Enter the length as a whole number of minutes, like 45."},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="What happened and what was discussed. Only your agency and the panel read them.",
        required=False,
        widget=forms.Textarea,
    )
    concern = forms.BooleanField(
        label="This session gives cause for concern",
        help_text=(
            "Describe the concern in the notes. The panel's chair and coordinators are alerted "
            "at once, with a link to this intervention only."
        ),
        required=False,
    )

    def __init__(self, *args, goals: list[InterventionGoal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.goals = {self.goal_field(goal): goal for goal in goals}
        for name, goal in self.goals.items():
            self.fields[name] = forms.ChoiceField(
                label=f"Progress against: {goal.description}",
                choices=[("", "Not rated this time"), *GoalRating.choices],
                widget=forms.RadioSelect,
                required=False,
                initial="",
            )

    @staticmethod
    def goal_field(goal: InterventionGoal) -> str:
        return f"goal_{goal.pk}"

    def goal_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.goals]

    def progress_input(self) -> ProgressInput:
        data = self.cleaned_data
        attended = {YES: True, NO: False}.get(data["attended"])
        return ProgressInput(
            occurred_on=data["occurred_on"],
            contact_type=data["contact_type"],
            attended=attended,
            duration_minutes=data["duration_minutes"],
            notes=data["notes"],
            concern=data["concern"],
            ratings={goal.pk: data[name] for name, goal in self.goals.items() if data[name]},
        )


def initial_from(entry: ProgressEntry) -> dict:
    """The correction form starts from what the entry it corrects said."""
    initial = {
        "occurred_on": entry.occurred_on,
        "contact_type": entry.contact_type,
        "attended": YES if entry.attended else NO,
        "duration_minutes": entry.duration_minutes,
        "notes": entry.notes,
        "concern": entry.concern,
    }
    for progress in entry.goals.all():
        initial[ProgressForm.goal_field(progress.goal)] = progress.rating
    return initial
