"""In demo mode only, the sign-in page lists the demo accounts."""

from django.http import HttpRequest

from prevent_cases.demo.accounts import demo_sign_ins
from prevent_cases.roles import Role


def demo_accounts(request: HttpRequest) -> dict:
    return {
        "demo_sign_ins": [{**row, "role_label": Role(row["role"]).label} for row in demo_sign_ins()]
    }
