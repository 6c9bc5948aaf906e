"""Finding possible earlier referrals about the same person, despite misspelt names.

The database only pre-selects candidates (trigram similarity on PostgreSQL, plain filters
on SQLite); one Python scorer ranks them, so both databases give the same answers.
"""

import datetime
import difflib
import unicodedata
from dataclasses import dataclass

NAME_WEIGHT = 0.7
DOB_EXACT = 0.3
DOB_NEAR = 0.15  # day and month swapped, or one digit off: common keying slips
THRESHOLD = 0.6
MAX_MATCHES = 10


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(
        char.lower() if char.isalnum() else " "
        for char in decomposed
        if not unicodedata.combining(char)
    )
    return " ".join(letters.split())


def match_key(given_names: str, family_name: str, aliases: list[str]) -> str:
    return " | ".join(
        normalise(name) for name in (f"{given_names} {family_name}", *aliases) if name.strip()
    )


def _name_score(query: str, key: str) -> float:
    names = [name for name in key.split(" | ") if name]
    return max((difflib.SequenceMatcher(None, query, name).ratio() for name in names), default=0)


def _dob_score(query: datetime.date | None, candidate: datetime.date | None) -> float:
    if query is None or candidate is None:
        return 0.0
    if query == candidate:
        return DOB_EXACT
    swapped = query.day <= 12 and candidate == query.replace(month=query.day, day=query.month)
    near = sum(a != b for a, b in zip(query.isoformat(), candidate.isoformat(), strict=True)) == 1
    return DOB_NEAR if swapped or near else 0.0


@dataclass(frozen=True)
class Match:
    subject_id: object
    score: float


def rank(
    candidates: list[tuple[object, str, datetime.date | None]],
    *,
    name: str,
    date_of_birth: datetime.date | None,
) -> list[Match]:
    """Score (id, match_key, date of birth) candidates; best first, above the threshold."""
    query = normalise(name)
    matches = [
        Match(
            subject_id,
            round(NAME_WEIGHT * _name_score(query, key) + _dob_score(date_of_birth, dob), 3),
        )
        for subject_id, key, dob in candidates
    ]
    good = [match for match in matches if match.score >= THRESHOLD]
    return sorted(good, key=lambda match: (-match.score, str(match.subject_id)))[:MAX_MATCHES]
