"""Working days and the screening service level (5 working days by default, configurable).

Bank holidays are England and Wales's, from the `holidays` package.
"""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    day = start
    added = 0
    while added < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            added += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def screening_due_on(received_on: datetime.date) -> datetime.date:
    return add_working_days(received_on, settings.SCREENING_SLA_WORKING_DAYS)
