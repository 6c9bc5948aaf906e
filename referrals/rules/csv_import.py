"""Reading a CSV file of referrals into intakes, row by row, without touching the database.

The columns are the ReferralIntake fields a person supplies (docs/how-to/import-referrals.md).
Problems name a row and a column, never the cell's value: the value may be personal data,
and the report is stored on the import job.

Cells are kept exactly as typed, apart from surrounding spaces. A cell that a spreadsheet
would run as a formula (starting =, +, -, @) is ordinary text here: it is stored as written
and never evaluated, and any export that writes it back out must neutralise it.
"""

import csv
import datetime
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from prevent_cases.dates import parse_uk_date
from referrals.models import Referral, Subject
from referrals.rules.intake import REQUIRED_ANSWERS, ReferralIntake, intake_errors
from referrals.rules.vocabulary import Sector, Sex

MAX_FILE_BYTES = 5 * 1024 * 1024
ALIAS_SEPARATOR = ";"

# The columns a row must fill: what the intake rules require, and the answers the intake
# pages insist on (REQUIRED_ANSWERS), so a file needs what the pages need.
REQUIRED_COLUMNS = (
    "given_names",
    "family_name",
    "received_on",
    "concern_summary",
    "area",
    *REQUIRED_ANSWERS,
)
# A row needs a date of birth or an estimated age, so the file needs one of these columns.
AGE_COLUMNS = ("date_of_birth", "estimated_age")
TEXT_COLUMNS = (
    "given_names",
    "family_name",
    "gender_identity",
    "address",
    "postcode",
    "phone",
    "email",
    "nationality",
    "first_language",
    "pnc_number",
    "parent_guardian_name",
    "parent_guardian_contact",
    "school",
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "concern_summary",
    "existing_involvement",
)
FLAG_COLUMNS = ("send_needs", "mental_health", "neurodiversity")
DATE_COLUMNS = ("received_on", "date_of_birth")
YES, NO, NOT_KNOWN = "yes", "no", "not_known"
CSV_LABELS = {"received_on": "the date received", "date_of_birth": "the date of birth"}


class CsvFileError(Exception):
    """The file as a whole cannot be read: its encoding, size or header."""


@dataclass(frozen=True)
class RowError:
    """One problem with one cell, a whole row (no field) or the whole file (no row)."""

    row: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Lookups:
    """The codes a file may use for areas and current types of concern, mapped to ids."""

    areas: dict[str, uuid.UUID]
    concern_types: dict[str, uuid.UUID]


@dataclass
class CheckedRow:
    """One row of the file: the intake it gives, or what is wrong with it."""

    row: int
    intake: ReferralIntake | None = None
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The file's text, read as UTF-8 whether or not a spreadsheet put a byte-order mark first.

    Refuses a file too large to check, one that is not UTF-8 and one holding a NUL character.
    """
    if len(data) > MAX_FILE_BYTES:
        raise CsvFileError("The file must be smaller than 5 MB. Split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(
            "The file must be saved as UTF-8. In Excel, save it as “CSV UTF-8”."
        ) from error
    # PostgreSQL text cannot hold NUL, and no CSV export puts one in a cell on purpose: it
    # usually means a UTF-16 file or a damaged one. Refused here, before any row is read or
    # stored, so SQLite and PostgreSQL give the same answer.
    if "\x00" in text:
        raise CsvFileError(
            "The file contains a null character, which a CSV file cannot hold. "
            "In Excel, save it again as “CSV UTF-8”."
        )
    return text


def _header(reader: Iterator[list[str]]) -> list[str]:
    header = [name.strip().lower() for name in next(reader, [])]
    if not any(header):
        raise CsvFileError("The file is empty. The first row must name the columns.")
    problems = []
    unknown = [name or "(blank)" for name in header if name not in COLUMNS]
    if unknown:
        problems.append(f"Unknown columns: {', '.join(unknown)}.")
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        problems.append(f"Columns named more than once: {', '.join(repeated)}.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(f"Missing required columns: {', '.join(missing)}.")
    if not any(name in header for name in AGE_COLUMNS):
        problems.append("The file needs a date_of_birth column, an estimated_age column or both.")
    if problems:
        raise CsvFileError(" ".join(problems))
    return header


def read_records(text: str) -> list[tuple[int, dict[str, str] | None]]:
    """The rows under the header, numbered as a spreadsheet numbers them (the header is 1).

    A row with more filled cells than the header has columns comes back as None. Rows with every
    cell blank, as spreadsheets often leave at the end, are left out.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(reader)
        records: list[tuple[int, dict[str, str] | None]] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[len(header) :]):
                records.append((number, None))
                continue
            cells = cells[: len(header)]
            # A short row, as some tools write when the last cells are empty, reads as blanks.
            padded = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
            records.append((number, dict(zip(header, padded, strict=True))))
    except csv.Error as error:
        raise CsvFileError(
            "The file could not be read as CSV. Save it again as CSV UTF-8."
        ) from error
    if not records:
        raise CsvFileError("The file has no rows to import under its header.")
    return records


class _CellError(ValueError):
    pass


def _max_length(name: str) -> int | None:
    model = Subject if name in {f.name for f in Subject._meta.get_fields()} else Referral
    return model._meta.get_field(name).max_length


def _text(name: str) -> Callable[[str, Lookups], str]:
    limit = _max_length(name)

    def parse(value: str, lookups: Lookups) -> str:
        if limit is not None and len(value) > limit:
            raise _CellError(f"Must be {limit} characters or fewer.")
        if name == "email" and value:
            try:
                validate_email(value)
            except ValidationError as error:
                raise _CellError("Enter an email address like name@example.org.") from error
        return value

    return parse


def _date(name: str) -> Callable[[str, Lookups], datetime.date | None]:
    def parse(value: str, lookups: Lookups) -> datetime.date | None:
        if not value and name in REQUIRED_COLUMNS:
            raise _CellError(f"Enter {CSV_LABELS[name]}.")
        if not value:
            return None
        parsed = parse_uk_date(value)
        if parsed is None:
            raise _CellError(f"Enter {CSV_LABELS[name]} as YYYY-MM-DD or DD/MM/YYYY.")
        return parsed

    return parse


def _flag(value: str, lookups: Lookups) -> bool:
    if value.lower() not in {YES, NO, ""}:
        raise _CellError("Enter yes or no, or leave it blank for no.")
    return value.lower() == YES


def _answer(value: str, lookups: Lookups) -> bool:
    if value.lower() not in {YES, NO}:
        raise _CellError("Enter yes or no.")
    return value.lower() == YES


def _known_answer(value: str, lookups: Lookups) -> bool | None:
    if value.lower() not in {YES, NO, NOT_KNOWN}:
        raise _CellError("Enter yes, no or not_known.")
    return None if value.lower() == NOT_KNOWN else value.lower() == YES


def _age(value: str, lookups: Lookups) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise _CellError("Enter the estimated age as a whole number of years.")
    return int(value)


def _aliases(value: str, lookups: Lookups) -> tuple[str, ...]:
    return tuple(alias.strip() for alias in value.split(ALIAS_SEPARATOR) if alias.strip())


def _code(choices: list[str], default: str) -> Callable[[str, Lookups], str]:
    def parse(value: str, lookups: Lookups) -> str:
        if not value:
            return default
        if value.lower() not in choices:
            raise _CellError(f"Enter one of: {', '.join(choices)}.")
        return value.lower()

    return parse


def _area(value: str, lookups: Lookups) -> uuid.UUID:
    if not value:
        raise _CellError("Enter the code of the area (local authority) responsible.")
    if value.lower() not in lookups.areas:
        raise _CellError("Enter the code of an area the service covers.")
    return lookups.areas[value.lower()]


def _concern_type(value: str, lookups: Lookups) -> uuid.UUID:
    if value.lower() not in lookups.concern_types:
        raise _CellError("Enter the code of a type of concern from the current list.")
    return lookups.concern_types[value.lower()]


# Column -> (ReferralIntake field, how to read the cell).
PARSERS: dict[str, tuple[str, Callable[[str, Lookups], object]]] = {
    **{name: (name, _text(name)) for name in TEXT_COLUMNS},
    **{name: (name, _flag) for name in FLAG_COLUMNS},
    **{name: (name, _date(name)) for name in DATE_COLUMNS},
    "aliases": ("aliases", _aliases),
    "estimated_age": ("estimated_age", _age),
    "sex": ("sex", _code(Sex.values, Sex.NOT_KNOWN)),
    "referrer_sector": ("referrer_sector", _code(Sector.values, Sector.OTHER)),
    "interpreter_needed": ("interpreter_needed", _answer),
    "person_aware": ("person_aware", _known_answer),
    "area": ("area_id", _area),
    "concern_type": ("concern_type_id", _concern_type),
}
COLUMNS = frozenset(PARSERS)

# The template file's columns, in the order the intake pages ask for them.
TEMPLATE_COLUMNS = (
    "given_names",
    "family_name",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "sex",
    "gender_identity",
    "address",
    "postcode",
    "phone",
    "email",
    "nationality",
    "first_language",
    "interpreter_needed",
    "pnc_number",
    "parent_guardian_name",
    "parent_guardian_contact",
    "school",
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_sector",
    "received_on",
    "area",
    "concern_type",
    "concern_summary",
    "existing_involvement",
    "person_aware",
    "send_needs",
    "mental_health",
    "neurodiversity",
)
if set(TEMPLATE_COLUMNS) != COLUMNS:
    raise ValueError("the template file must name every column an import reads")


def template_csv(*, area_code: str, concern_type_code: str, received_on: datetime.date) -> str:
    """The template file: the header and one synthetic example row that imports as it is."""
    example = {
        "given_names": "Alex",
        "family_name": "Example",
        "date_of_birth": "2009-05-17",
        "sex": Sex.NOT_KNOWN,
        "interpreter_needed": NO,
        "referrer_role": "Designated safeguarding lead",
        "referrer_sector": Sector.EDUCATION,
        "received_on": received_on.isoformat(),
        "area": area_code,
        "concern_type": concern_type_code,
        "concern_summary": "Synthetic example: replace this row with a real referral.",
        "person_aware": NOT_KNOWN,
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow(example)
    return out.getvalue()


def check_record(
    number: int, values: dict[str, str] | None, *, lookups: Lookups, today: datetime.date
) -> CheckedRow:
    """Read one row into an intake and check it by the same rules as the intake page."""
    if values is None:
        return CheckedRow(
            row=number,
            errors=[RowError(number, "", "This row has more cells than the file has columns.")],
        )
    # A cell that cannot be read leaves its field at the intake's default (or blank), so the
    # intake rules still check every other field of the row.
    fields: dict[str, object] = {
        "given_names": "",
        "family_name": "",
        "concern_summary": "",
        "received_on": today,
        "area_id": None,
    }
    errors: dict[str, str] = {}
    for column, value in values.items():
        name, parse = PARSERS[column]
        if column in REQUIRED_ANSWERS and not value:
            errors[column] = REQUIRED_ANSWERS[column]
            continue
        try:
            fields[name] = parse(value, lookups)
        except _CellError as error:
            errors[column] = str(error)
    intake = ReferralIntake(**fields)
    # A column already reported as unreadable is not reported again by the intake rules.
    for column, messages in intake_errors(intake, today=today).items():
        errors.setdefault(column, messages[0])
    if not errors:
        return CheckedRow(row=number, intake=intake)
    return CheckedRow(
        row=number,
        errors=[RowError(number, column, message) for column, message in errors.items()],
    )
