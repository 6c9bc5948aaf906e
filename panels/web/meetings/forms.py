"""Forms for the meeting pages. They parse input; the services decide what is allowed."""

import datetime
import uuid

from django import forms
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import AgendaItem, MeetingAttendance
from panels.models.vocabulary import Attendance, DecisionMethod, ExitOutcome, NotAdoptedRoute
from panels.rules.stages import StageEvent, decision_events
from panels.selectors.meetings import ProposedShare
from panels.services.cases import MoveDetails
from panels.services.meetings import AttendanceEntry
from prevent_cases.dates import UK_DATE_FORMATS
from prevent_cases.models import Agency, User

DATE_HELP = "For example, 27/03/2027"


def _date(label: str, *, required: bool = False, help_text: str = DATE_HELP) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=UK_DATE_FORMATS,
        help_text=help_text,
        error_messages={"invalid": "Enter a real date, for example 27/03/2027."},
    )


class MeetingScheduleForm(forms.Form):
    # The service speaks of one moment; the form asks for a day and a time.
    service_field_names = {"starts_at": "starts_on"}

    starts_on = _date("Date", required=True)
    starts_time = forms.TimeField(
        label="Start time",
        input_formats=("%H:%M", "%H.%M"),
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={
            "required": "Enter the start time.",
            "invalid": "Enter a time, for example 14:30.",
        },
    )
    location = forms.CharField(label="Where", max_length=200, required=False)

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(
            datetime.datetime.combine(data["starts_on"], data["starts_time"])
        )


class AttendanceForm(forms.Form):
    """Present or apologies for each agency on the panel, and who came for it."""

    NOT_RECORDED = ""

    def __init__(
        self,
        data=None,
        *,
        agencies: list[Agency],
        users: dict[uuid.UUID, list[User]],
        recorded: list[MeetingAttendance],
    ) -> None:
        current = {row.agency_id: row for row in recorded}
        initial = {}
        for agency in agencies:
            row = current.get(agency.pk)
            initial[f"status_{agency.pk}"] = row.status if row else self.NOT_RECORDED
            initial[f"attendee_{agency.pk}"] = str(row.attendee_id or "") if row else ""
        super().__init__(data, initial=initial)
        self.agencies = agencies
        for agency in agencies:
            self.fields[f"status_{agency.pk}"] = forms.ChoiceField(
                label=str(agency),
                choices=[(self.NOT_RECORDED, "Not recorded"), *Attendance.choices],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"attendee_{agency.pk}"] = forms.ChoiceField(
                label=f"Who attended for {agency} (optional)",
                choices=[("", "Not recorded")]
                + [(str(u.pk), u.get_full_name() or u.username) for u in users.get(agency.pk, [])],
                required=False,
            )

    def rows(self):
        """(status field, attendee field) per agency, for the template."""
        return [
            (self[f"status_{agency.pk}"], self[f"attendee_{agency.pk}"]) for agency in self.agencies
        ]

    def entries(self) -> list[AttendanceEntry]:
        data = self.cleaned_data
        return [
            AttendanceEntry(
                agency_id=agency.pk,
                status=data[f"status_{agency.pk}"],
                # User ids are UUIDs; the choice is already one of the agency's users.
                attendee_id=uuid.UUID(data[f"attendee_{agency.pk}"])
                if data[f"attendee_{agency.pk}"]
                else None,
            )
            for agency in self.agencies
            if data[f"status_{agency.pk}"]
        ]


class DecisionForm(forms.Form):
    """The panel's decision on one agenda case. Prefixed by the item, so every case on the
    page has its own form and ids."""

    event = forms.ChoiceField(
        label="What did the panel decide?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the panel decided."},
    )
    method = forms.ChoiceField(
        label="How did the panel decide?",
        choices=DecisionMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the panel reached the decision."},
    )
    votes_for = forms.IntegerField(label="Votes for", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Votes against", min_value=0, required=False)
    rationale = forms.CharField(label="The panel's reasons", widget=forms.Textarea, required=False)
    minutes = forms.CharField(
        label="Minutes of the discussion (optional)", widget=forms.Textarea, required=False
    )
    not_adopted_route = forms.ChoiceField(
        label="If not adopted, where does the case go?",
        choices=[("", "Choose a route"), *NotAdoptedRoute.choices],
        required=False,
    )
    onward_service = forms.CharField(
        label="If referred on, to which service?", max_length=200, required=False
    )
    exit_outcome = forms.ChoiceField(
        label="If exiting, the outcome",
        choices=[("", "Choose an outcome"), *ExitOutcome.choices],
        required=False,
    )
    next_review_on = _date("Next review (optional)")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, item: AgendaItem) -> None:
        super().__init__(
            data, prefix=f"item-{item.pk}", initial={"version": item.panel_case.version}
        )
        self.item = item
        self.fields["event"].choices = [
            (event, StageEvent(event).label) for event in decision_events(item.panel_case.stage)
        ]

    def details(self) -> MoveDetails:
        data = self.cleaned_data
        return MoveDetails(
            not_adopted_route=data["not_adopted_route"],
            onward_service=data["onward_service"],
            exit_outcome=data["exit_outcome"],
            next_review_on=data["next_review_on"],
        )

    def decision(self) -> dict:
        data = self.cleaned_data
        return {
            "event": data["event"],
            "method": data["method"],
            "votes_for": data["votes_for"],
            "votes_against": data["votes_against"],
            "rationale": data["rationale"],
            "minutes": data["minutes"],
            "details": self.details(),
            "version": data["version"],
        }


class ActionForm(forms.Form):
    """An action the panel gives one agency on one case."""

    owner_agency = forms.ChoiceField(
        label="Which agency?", error_messages={"required": "Choose the agency that will act."}
    )
    description = forms.CharField(label="What is to be done", widget=forms.Textarea, required=False)
    due_on = _date("Due by", required=True)

    def __init__(self, data=None, *, item: AgendaItem, agencies: list[Agency]) -> None:
        super().__init__(data, prefix=f"action-{item.pk}")
        self.agencies = {str(agency.pk): agency for agency in agencies}
        self.fields["owner_agency"].choices = [("", "Choose an agency")] + [
            (key, str(agency)) for key, agency in self.agencies.items()
        ]
        self.fields["due_on"].error_messages["required"] = "Give a due date."

    def owner(self) -> Agency:
        return self.agencies[self.cleaned_data["owner_agency"]]


class PapersConfirmForm(forms.Form):
    """The proposal with every row ticked; the chair unticks what a member does not need."""

    selections = forms.MultipleChoiceField(
        label="What each member agency is given",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data=None, *, rows: list[ProposedShare]) -> None:
        super().__init__(data, initial={"selections": [row.key for row in rows]})
        self.fields["selections"].choices = [
            (row.key, f"{Category(row.category).label}") for row in rows
        ]


class CloseMeetingForm(forms.Form):
    minutes = forms.CharField(
        label="General minutes of the meeting (optional)", widget=forms.Textarea, required=False
    )
