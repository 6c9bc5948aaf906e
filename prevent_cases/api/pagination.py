"""Keyset pagination for API lists, so a page costs the same however deep it is."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    # created_at alone is not unique; the UUID breaks ties so no row is skipped or repeated.
    ordering = ("-created_at", "-id")
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
