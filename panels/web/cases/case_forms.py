"""Forms of the panel case page."""

from django import forms

from prevent_cases.web.choices import ListedModelChoiceField


class CaseMemberForm(forms.Form):
    """An agency to add to the panel for one case."""

    agency = ListedModelChoiceField(
        queryset=None,
        empty_label="Choose an agency",
        label="Agency to add to the panel for this case",
        help_text="A partner that is not a standing member, asked to join for this person.",
        error_messages={"required": "Choose the agency to add."},
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
