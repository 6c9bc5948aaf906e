"""Showing a service's refusal on the HTML form that carried the request."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put each of the service's messages next to the input it concerns.

    A form whose inputs go by other names than the service's fields says so in
    `service_field_names`; a message about no input of the form goes to the form as a whole.
    """
    names = getattr(form, "service_field_names", {})
    for field, messages in error.message_dict.items():
        name = names.get(field, field)
        form.add_error(name if name in form.fields else None, messages)
