"""UK phone numbers and postcodes: what is refused, and the one form each is stored in."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import is_uk_mobile, normalise_uk_phone, normalise_uk_postcode


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("07700 900982", "07700 900982"),
        ("+44 7700 900 982", "07700 900982"),
        ("07911123456", "07911 123456"),
        ("0117 496 0511", "0117 496 0511"),
        ("(020) 7946 0000", "020 7946 0000"),
        ("", ""),
    ],
)
def test_a_real_uk_number_is_stored_in_national_format(typed, stored):
    assert normalise_uk_phone(typed) == stored


@pytest.mark.parametrize("typed", ["abc", "12ab", "0234567899", "+33 6 12 34 56 78", "07700"])
def test_anything_else_is_refused_naming_the_field(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_uk_phone(typed, what="their phone number")
    assert refused.value.messages == [
        "Enter their phone number in the correct format, like 01632 960 001 or 07700 900 982"
    ]


def test_text_messages_need_a_mobile():
    assert is_uk_mobile("07700 900982") and not is_uk_mobile("0117 496 0511")
    with pytest.raises(ValidationError) as refused:
        normalise_uk_phone("0117 496 0511", mobile=True)
    assert refused.value.messages == ["Enter a UK mobile phone number for text messages, like 07700 900 982"]


@pytest.mark.parametrize(
    "typed, stored", [("rv1 1aa", "RV1 1AA"), ("SW1A1AA", "SW1A 1AA"), (" m1  1ae ", "M1 1AE"), ("", "")]
)
def test_a_real_postcode_is_stored_in_capitals_with_one_space(typed, stored):
    assert normalise_uk_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["XYZ", "NOTAPOSTCODE", "RV1", "12345", "RV1 1AAA"])
def test_a_postcode_that_is_not_one_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalise_uk_postcode(typed)
    assert refused.value.messages == ["Enter a real UK postcode, like SW1A 1AA"]
