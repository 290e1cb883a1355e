"""Check digits for the national identifiers a child may have (UPN, ULN, NHS number).

Malformed numbers are refused at entry: a mistyped NHS number silently links the wrong health record.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The DfE's UPN check alphabet: 23 letters, no I, O or S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def upn_is_valid(value: str) -> bool:
    upn = normalise(value)
    # Check letter, 12 digits; a temporary UPN ends in a letter instead of the last digit.
    if not re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        return False
    total = 0
    for weight, char in enumerate(upn[1:], start=2):
        if char.isdigit():
            digit = int(char)
        elif char in UPN_LETTERS:
            digit = UPN_LETTERS.index(char)
        else:
            return False
        total += digit * weight
    return upn[0] == UPN_LETTERS[total % 23]


def uln_is_valid(value: str) -> bool:
    uln = normalise(value)
    if not re.fullmatch(r"[1-9]\d{9}", uln):
        return False
    remainder = sum(int(d) * w for d, w in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    return remainder != 0 and int(uln[9]) == 10 - remainder


def nhs_number_is_valid(value: str) -> bool:
    nhs = normalise(value)
    if not re.fullmatch(r"\d{10}", nhs):
        return False
    check = 11 - sum(int(d) * w for d, w in zip(nhs[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(nhs[9])


def validate_upn(value: str) -> None:
    if value and not upn_is_valid(value):
        raise ValidationError(
            _(
                "Enter a real UPN: 13 characters, a letter then 12 numbers, for example A123456789012. Check it against the school's records"
            ),
            code="invalid_upn",
        )


def validate_uln(value: str) -> None:
    if value and not uln_is_valid(value):
        raise ValidationError(
            _("Enter a real ULN: 10 numbers, as shown on the young person's learner record"),
            code="invalid_uln",
        )


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError(
            _(
                "Enter a real NHS number: 10 numbers, for example 485 777 3457. Check the number on an NHS letter"
            ),
            code="invalid_nhs_number",
        )
