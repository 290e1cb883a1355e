import pytest
from django.core.exceptions import ValidationError

from cases.identifiers import (
    nhs_number_is_valid,
    uln_is_valid,
    upn_is_valid,
    validate_nhs_number,
    validate_uln,
    validate_upn,
)
from cases.models import Child


@pytest.mark.parametrize("value", ["A123456789012", "a123456789012", "A 1234 5678 9012", "H801200001001"])
def test_valid_upns(value):
    assert upn_is_valid(value)


@pytest.mark.parametrize(
    "value", ["B123456789012", "A12345678901", "A1234567890123", "1123456789012", "A12345678901!", ""]
)
def test_invalid_upns(value):
    assert not upn_is_valid(value)


@pytest.mark.parametrize("value", ["4857773457", "485 777 3457", "943 476 5919"])
def test_valid_nhs_numbers(value):
    assert nhs_number_is_valid(value)


@pytest.mark.parametrize("value", ["4857773456", "1234567890", "485777345", "48577734566", "abcdefghij"])
def test_invalid_nhs_numbers(value):
    assert not nhs_number_is_valid(value)


def test_uln_check_digit():
    # 9 digits weighted 10..2: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210; 210 % 11 = 1; check = 10 - 1 = 9.
    assert uln_is_valid("1234567899")
    assert not uln_is_valid("1234567890")
    assert not uln_is_valid("0234567899")
    assert not uln_is_valid("123456789")


@pytest.mark.parametrize(
    ("validator", "value", "message"),
    [
        (validate_upn, "B123456789012", "Enter a real UPN"),
        (validate_uln, "1234567890", "Enter a real ULN"),
        (validate_nhs_number, "1234567890", "Enter a real NHS number"),
    ],
)
def test_validators_explain_the_fix(validator, value, message):
    with pytest.raises(ValidationError, match=message):
        validator(value)


def errors_on_a_child(**values) -> dict[str, list[str]]:
    """The errors a child's record shows for these identifiers, as the staff form and the admin show them."""
    others = [f.name for f in Child._meta.concrete_fields if f.name not in values]
    try:
        Child(**values).clean_fields(exclude=others)
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize(
    ("field", "wrong", "message"),
    [
        ("upn", "A123456789013", "Enter a real UPN"),
        ("uln", "1234567890", "Enter a real ULN"),
        ("nhs_number", "4857773456", "Enter a real NHS number"),
    ],
)
def test_an_identifier_not_known_yet_is_left_blank_but_a_wrong_one_is_refused_on_its_field(
    field, wrong, message
):
    assert errors_on_a_child(**{field: ""}) == {}
    refused = errors_on_a_child(**{field: wrong})
    assert list(refused) == [field]
    assert refused[field][0].startswith(message)


def test_upn_check_letter_worked_example():
    # DfE: the 12 characters after the letter weighted 2 to 13: 1*2 + 2*3 + 3*4 + 4*5 + 5*6 + 6*7 + 7*8 + 8*9
    # + 9*10 + 0*11 + 1*12 + 2*13 = 368; 368 mod 23 = 0, the 1st letter of ABCDEFGHJKLMNPQRTUVWXYZ: A.
    assert upn_is_valid("A123456789012")
    assert not upn_is_valid("B123456789012")
    # Changing the last digit to 3 adds 13: 381 mod 23 = 13, the 14th letter: P.
    assert upn_is_valid("P123456789013")
    assert not upn_is_valid("A123456789013")


def test_nhs_number_check_digit_worked_example():
    # NHS Data Dictionary: 9 4 3 4 7 6 5 9 1 weighted 10 to 2 = 90+36+24+28+42+30+20+27+2 = 299;
    # 299 mod 11 = 2; 11 - 2 = 9, the last digit.
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    # 4 0 0 0 0 0 0 0 8: 40 + 16 = 56; 56 mod 11 = 1; 11 - 1 = 10, which is no digit: no such NHS number exists.
    assert not any(nhs_number_is_valid(f"400000008{last}") for last in "0123456789")
