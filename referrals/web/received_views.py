"""The cases other agencies have shared with the member's agency, newest share first."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.keyset import Ordering, keyset_page
from referrals.selectors import referral_list_for_user, shared_cases_for_user, shares_received_on
from referrals.services.reads import referrals_read
from referrals.web.presenters import shared_cases
from referrals.web.views import DASHBOARD_CATEGORIES

PAGE_SIZE = 25
NEWEST_FIRST = Ordering(fields=("decided_at", "id"), descending=True)


@require_GET
def shared_with_agency(request: HttpRequest) -> HttpResponse:
    """One row per case the agency holds a share of, the most recently shared first: what
    was shared, by whom, when, and when access ends. Like the dashboard it names the person
    where identity was shared, and shows no case narrative."""
    membership = request.membership
    page = keyset_page(
        shared_cases_for_user(membership=membership),
        ordering=NEWEST_FIRST,
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    case_ids = [decision.case_id for decision in page.rows]
    referrals = referral_list_for_user(membership=membership).in_bulk(case_ids)
    shown = referrals_read(
        actor=request.user,
        membership=membership,
        referrals=[referrals[case_id] for case_id in case_ids if case_id in referrals],
        via="shared",
        displayed=DASHBOARD_CATEGORIES,
    )
    return render(
        request,
        "referrals/shared.html",
        {
            "page": page,
            "rows": shared_cases(
                case_ids,
                shares=shares_received_on(membership=membership, case_ids=case_ids),
                shown_by_id={case.referral.pk: case for case in shown},
            ),
            "now": timezone.now(),
        },
    )
