"""The case-data registry: every field of case data has one category (or is framing or
internal), and every model of the case apps is either in it or says why not."""

import dataclasses

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from referrals.models import Subject
from referrals.rules import case_data


@pytest.mark.parametrize("app_label", case_data.CASE_APPS)
def test_every_model_of_the_case_apps_is_placed(app_label):
    """A new model holding personal data fails here until it is in the registry."""
    registered = {entry.model for entry in case_data.REGISTRY}
    unplaced = [
        model.__name__
        for model in apps.get_app_config(app_label).get_models()
        if model not in registered and model not in case_data.NOT_CASE_DATA
    ]
    assert unplaced == []


def test_the_registry_as_shipped_is_whole():
    case_data.check_registry()


def test_a_field_without_a_category_stops_the_app(monkeypatch):
    subject = case_data.entry(Subject)
    categories = dict(subject.categories)
    identity = [name for name in categories["identity"] if name != "email"]
    categories["identity"] = tuple(identity)
    broken = dataclasses.replace(subject, categories=categories)
    monkeypatch.setattr(
        case_data,
        "REGISTRY",
        tuple(broken if entry is subject else entry for entry in case_data.REGISTRY),
    )
    with pytest.raises(ImproperlyConfigured, match=r"fields without a category \['email'\]"):
        case_data.check_registry()


def test_a_field_in_two_categories_stops_the_app(monkeypatch):
    subject = case_data.entry(Subject)
    categories = {**subject.categories, "family": ("parent_guardian_name", "email")}
    categories["family"] = (*categories["family"], "parent_guardian_contact")
    broken = dataclasses.replace(subject, categories=categories)
    monkeypatch.setattr(case_data, "REGISTRY", (broken,))
    with pytest.raises(ImproperlyConfigured, match="placed twice"):
        case_data.check_registry()
