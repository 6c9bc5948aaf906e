"""The formats of identifiers recorded about a person: a Police National Computer (PNC)
ID and a UK postcode. Checked the same way at intake (pages, API, CSV) and when the
owning force corrects a record; a value that does not fit is refused with a message,
never cut short or silently changed beyond its letter case and spacing.
"""

import re

# A PNC ID: the year the record was created (two digits, or four), a slash, a serial
# number of up to seven digits, and a check letter, e.g. 19/1234567J or 2019/1234567J.
PNC_PATTERN = re.compile(r"^(?:\d{2}|\d{4})/\d{1,7}[A-Z]$")
# The check letter is (YY followed by the serial zero-padded to seven digits) modulo 23,
# counted along this alphabet, which leaves out I, O and S (the published algorithm the
# Police National Computer and the Ministry of Justice's systems use).
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_EXAMPLE = "19/1234567J"

# A UK postcode: outward code (area, district) and inward code (sector, unit), the space
# between them optional when typed; GIR 0AA is the one historic exception.
POSTCODE_PATTERN = re.compile(r"^(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}$")


def normalise_pnc(value: str) -> str:
    """Upper case, without the spaces people type around the slash."""
    return "".join(value.split()).upper()


def pnc_check_letter(year: str, serial: str) -> str:
    """The check letter of a PNC ID with this year (last two digits count) and serial."""
    return PNC_CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % len(PNC_CHECK_LETTERS)]


def pnc_error(value: str) -> str | None:
    """Why a (normalised) PNC ID is not one, or None when it is."""
    if not PNC_PATTERN.match(value):
        return (
            "Enter the PNC number as the year, a slash, the serial number and the check "
            f"letter, like {PNC_EXAMPLE}"
        )
    year, rest = value.split("/")
    if pnc_check_letter(year, rest[:-1]) != rest[-1]:
        return (
            "The PNC number's check letter does not match its year and serial number: "
            "check it was copied exactly"
        )
    return None


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code, as Royal Mail writes it."""
    compact = "".join(value.split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_error(value: str) -> str | None:
    """Why a (normalised) postcode is not a UK postcode, or None when it is."""
    if not POSTCODE_PATTERN.match(value):
        return "Enter a real UK postcode, like SW1A 1AA"
    return None
