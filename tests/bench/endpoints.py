"""The pages and API reads the region benchmark times, each with the role that opens it.

Paths come from the URL names, so a moved page is followed and a removed one fails loudly;
tests/bench/test_endpoints.py checks every one answers 200 to its role on a seeded test
database.
"""

from dataclasses import dataclass

from django.urls import reverse

from tests.bench.cast import Cast


@dataclass(frozen=True)
class Endpoint:
    name: str
    role: str
    path: str


def baseline() -> Endpoint:
    """The cheapest signed-in request: session, user and membership, and a few ids back."""
    return Endpoint("baseline: who am I (API)", "officer", reverse("api-me"))


def measured_endpoints(cast: Cast) -> list[Endpoint]:
    """Every read measured against the baseline, for the people and objects of the cast."""
    runner = "coordinator" if cast.coordinator else "chair"
    endpoints = [
        Endpoint("home page", "officer", reverse("home")),
        Endpoint("officer's dashboard", "officer", reverse("referrals:list")),
        Endpoint(
            "referral page",
            "officer",
            reverse("referrals:detail", kwargs={"referral_id": cast.referral_id}),
        ),
        Endpoint("referrals (API list)", "officer", reverse("referrals-api:list")),
        Endpoint(
            "referral (API)",
            "officer",
            reverse("referrals-api:detail", kwargs={"referral_id": cast.referral_id}),
        ),
        Endpoint("cases shared with us", runner, reverse("referrals:shared")),
        Endpoint("chair's dashboard", "chair", reverse("panels:dashboard")),
        Endpoint("Channel inbox", runner, reverse("panels:inbox")),
        Endpoint("panel cases (API list)", "chair", reverse("panels-api:cases")),
        Endpoint(
            "panel case page",
            "chair",
            reverse("panels:case", kwargs={"panel_case_id": cast.panel_case_id}),
        ),
        Endpoint("my interventions", "practitioner", reverse("panels:my-interventions")),
        Endpoint("interventions (API list)", "practitioner", reverse("panels-api:interventions")),
        Endpoint("auditors' decisions", "auditor", reverse("audit:decisions")),
        Endpoint("decisions (API list)", "auditor", reverse("audit-api:decisions")),
    ]
    if cast.meeting_id is not None:
        endpoints.append(
            Endpoint(
                "meeting page",
                "chair",
                reverse("panels:meeting", kwargs={"meeting_id": cast.meeting_id}),
            )
        )
    if cast.intervention_id is not None:
        endpoints.append(
            Endpoint(
                "intervention page",
                "practitioner",
                reverse("panels:intervention", kwargs={"intervention_id": cast.intervention_id}),
            )
        )
    return endpoints
