"""A select listing agencies costs one query, however the page's template loops over it."""

import pytest
from django import forms
from django.template.loader import render_to_string

from prevent_cases.models import Agency
from prevent_cases.web.choices import ListedModelChoiceField

pytestmark = pytest.mark.django_db


class AgencyForm(forms.Form):
    agency = ListedModelChoiceField(
        queryset=Agency.objects.order_by("name"), empty_label="Choose an agency"
    )


def test_the_options_are_read_once_and_all_listed(demo_people, django_assert_num_queries):
    form = AgencyForm()
    with django_assert_num_queries(1):
        page = render_to_string("includes/select.html", {"field": form["agency"]})
    assert page.count("<option") == Agency.objects.count() + 1
    assert '<option value="">Choose an agency</option>' in page


def test_a_choice_is_still_checked_against_the_queryset(demo_people):
    agency = Agency.objects.order_by("name").first()
    narrowed = AgencyForm({"agency": str(agency.pk)})
    narrowed.fields["agency"].queryset = Agency.objects.exclude(pk=agency.pk)
    assert AgencyForm({"agency": str(agency.pk)}).is_valid()
    assert not narrowed.is_valid()
