"""Reading the dates people type."""

import datetime

UK_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d %m %Y", "%Y-%m-%d")


def parse_uk_date(text: str) -> datetime.date | None:
    """A date typed as 17/05/2009, 17-05-2009, 17 05 2009 or 2009-05-17; None otherwise."""
    for pattern in UK_DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007  (a date, no time)
        except ValueError:
            continue
    return None
