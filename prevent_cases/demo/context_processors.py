"""In demo mode only, the sign-in page lists the demo accounts."""

from django.http import HttpRequest

from prevent_cases.demo.accounts import demo_sign_ins


def demo_accounts(request: HttpRequest) -> dict:
    return {"demo_sign_ins": demo_sign_ins()}
