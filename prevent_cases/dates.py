"""Reading the dates people type, and date arithmetic the rules share."""

import calendar
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


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day where it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last_day))
