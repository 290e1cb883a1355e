"""UK phone numbers and postcodes: what a person typed, checked and stored in one form.

Phone numbers are checked with `phonenumbers` (Google's libphonenumber metadata, kept up to date) and stored in
the UK national format, spaced as the library spaces them ("07700 900982", "0117 496 0511"): what people read
on letters and case pages, and what GOV.UK Notify accepts for text messages. Only UK (+44) numbers are taken.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_EXAMPLE = "01632 960 001 or 07700 900 982"
MOBILE_EXAMPLE = "07700 900 982"
# Ofcom keeps these ranges for drama and examples (GOV.UK's own hints use them); libphonenumber calls them
# unassigned, but a test or a training session must be able to type them.
_FICTIONAL = (
    ("7700900", phonenumbers.PhoneNumberType.MOBILE),
    ("1632960", phonenumbers.PhoneNumberType.FIXED_LINE),
)
_UK_COUNTRY_CODE = 44
# The full-postcode rule from the ONS/Royal Mail format (outward code, a space, inward code), plus GIR 0AA.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$")


@dataclass(frozen=True)
class UKPhone:
    national: str
    is_mobile: bool


def parse_uk_phone(value: str) -> UKPhone | None:
    """The number in national format and whether it is a mobile, or None if it is not a real UK number."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != _UK_COUNTRY_CODE:
        return None
    national = str(number.national_number)
    kind = next((k for prefix, k in _FICTIONAL if national.startswith(prefix) and len(national) == 10), None)
    if kind is None:
        if not phonenumbers.is_valid_number(number):
            return None
        kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return UKPhone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL), mobile)


def normalise_uk_phone(value: str, *, mobile: bool = False, what: str = "") -> str:
    """A UK phone number in national format; "" for blank. Raises ValidationError naming `what` was wrong."""
    value = (value or "").strip()
    if not value:
        return ""
    what = what or str(_("a phone number"))
    parsed = parse_uk_phone(value)
    if parsed is None:
        raise ValidationError(
            _("Enter %(what)s in the correct format, like %(example)s")
            % {"what": what, "example": MOBILE_EXAMPLE if mobile else PHONE_EXAMPLE},
            code="invalid_phone",
        )
    if mobile and not parsed.is_mobile:
        raise ValidationError(
            _("Enter a UK mobile phone number for text messages, like %(example)s")
            % {"example": MOBILE_EXAMPLE},
            code="not_mobile",
        )
    return parsed.national


def is_uk_mobile(value: str) -> bool:
    parsed = parse_uk_phone(value or "")
    return parsed is not None and parsed.is_mobile


def normalise_uk_postcode(value: str) -> str:
    """A UK postcode in capitals with one space before the last three characters ("RV1 1AA"); "" for blank."""
    squashed = "".join((value or "").split()).upper()
    if not squashed:
        return ""
    if not _POSTCODE.match(squashed):
        raise ValidationError(
            _("Enter a real UK postcode, like SW1A 1AA"),
            code="invalid_postcode",
        )
    return f"{squashed[:-3]} {squashed[-3:]}"
