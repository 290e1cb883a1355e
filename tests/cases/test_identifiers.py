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


def test_blank_identifiers_are_allowed():
    validate_upn("")
    validate_uln("")
    validate_nhs_number("")
