"""Deny by default in the API, as the middleware does for pages.

API views authenticate inside DRF (session or token), after the page middleware has run,
so the caller's membership is looked up here, once the user is known.
"""

from rest_framework.permissions import BasePermission

from prevent_cases.selectors import membership_for_user


class HasActiveMembership(BasePermission):
    message = "Your account is not linked to an active agency."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        # The page middleware has already looked up a session's member; a token's is new here.
        membership = getattr(request._request, "membership", None)
        if membership is None or membership.user_id != request.user.pk:
            membership = membership_for_user(request.user)
        request.membership = membership
        request._request.membership = membership
        return membership is not None
