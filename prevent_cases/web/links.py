"""Links to one object's page from every row of a list, reversed once a page: each row's
link is the same path around its own object's id, and reversing a URL for each of a few
hundred rows cost a list more than its query."""

import uuid

from django.urls import reverse

# Any id: what stands around it in the reversed path is what stands around every row's.
_ANY_ID = uuid.UUID(int=0)


class IdPath:
    """The path of the page `viewname`, whose URL takes one id as `kwarg`: `path(pk)` is
    one object's; `before` and `after` stand around the id, for a template to put it in."""

    def __init__(self, viewname: str, kwarg: str) -> None:
        self.before, _, self.after = reverse(viewname, kwargs={kwarg: _ANY_ID}).partition(
            str(_ANY_ID)
        )

    def __call__(self, pk: uuid.UUID) -> str:
        return f"{self.before}{pk}{self.after}"
