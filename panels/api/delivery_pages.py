"""The API's pager for the delivering agency's interventions: forward pages by cursor, over
panels.selectors.delivery_pages, with no count of the whole list."""

from collections.abc import Sequence

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from panels.selectors.delivery_pages import Part, consecutive_page


class InterventionCursorPagination(BasePagination):
    """Forward pages of consecutive lists, `page_size` rows at a time (25, at most 100). A
    cursor that was never issued is a 404, as for the API's other cursor-paged lists."""

    page_size = 25
    max_page_size = 100

    def _size(self, request: Request) -> int:
        # An unreadable page size is ignored, as the schema says of paging parameters.
        try:
            asked = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            return self.page_size
        return min(max(asked, 1), self.max_page_size)

    def paginate_parts(self, parts: Sequence[Part], request: Request, *, scoped: QuerySet) -> list:
        self.request = request
        page = consecutive_page(
            parts,
            scoped=scoped,
            cursor=request.query_params.get("cursor"),
            size=self._size(request),
        )
        self.next_cursor = page.next_cursor
        return page.rows

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", self.next_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Where the page starts: from the `next` link of the page before.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page: {self.page_size} unless given, at most "
                f"{self.max_page_size}.",
                "schema": {"type": "integer"},
            },
        ]
