"""Fixtures of the panel's tests."""

import pytest


@pytest.fixture
def people(user, agency):
    """The Northby people who deliver and review an intervention, and the two delivering
    agencies."""
    return {
        "officer": user("northby.officer"),
        "chair": user("northby.chair"),
        "provider": user("northby.provider"),
        "probation": user("northby.probation"),
        "health": user("northby.health"),
        "provider_agency": agency("Northby Mentoring Partnership"),
        "probation_agency": agency("Northby Probation Service"),
    }
