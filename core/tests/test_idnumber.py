"""Resident identity numbers (GB 11643): normalised to 18 plain characters, checked by
length, birth date and check character, with a Chinese message for each refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from core.idnumber import id_number_check_char, id_number_normalise

# Numbers with valid check characters: the standard's example, a demo reporter's, and two made up.
VALID = ["11010519491231002X", "439023196604021014", "320106199003071234", "510108200012293019"]


@pytest.mark.parametrize("number", VALID)
def test_a_valid_number_stays_as_it_is(number):
    assert id_number_normalise(number) == number


def test_the_check_character():
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("44052418800101001") == "4"  # the standard's example (born 1880)
    with pytest.raises(ValueError):
        id_number_check_char("1101051949123100")  # 16 digits


def test_an_old_15_digit_number_is_upgraded():
    assert id_number_normalise("110105491231002") == "11010519491231002X"
    assert id_number_normalise("439023660402101") == "439023196604021014"


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lower-case x
        " 110105 19491231 002X ",  # spaces
        "110105\u300019491231002X\t",  # a full-width space, a tab
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lower-case x
        "１１０１０５４９１２３１００２",  # a full-width old number
    ],
)
def test_what_people_type_is_read_as_the_plain_number(typed):
    assert id_number_normalise(typed) == "11010519491231002X"


@pytest.mark.parametrize("blank", ["", " ", "\u3000", None])
def test_a_blank_is_no_number(blank):
    assert id_number_normalise(blank) == ""


@pytest.mark.parametrize(
    "bad, message",
    [
        ("110105194912310021", "身份证号校验位不正确，请核对。"),
        ("439023196604021015", "身份证号校验位不正确，请核对。"),
        ("110105194913310023", "身份证号中的出生日期无效，请核对。"),  # month 13
        ("110105194902300021", "身份证号中的出生日期无效，请核对。"),  # 30 February
        ("110105189912310021", "身份证号中的出生日期无效，请核对。"),  # before 1900
        ("110105299912310021", "身份证号中的出生日期无效，请核对。"),  # in the future
        ("1101051949", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),
        ("1101051949123100211", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),  # 19
        ("11010519491231002", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),  # 17
        ("11010519491231002Y", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),
        ("1101051949123100X2", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),  # X not last
        ("11010519491231-002X", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "身份证号应为18位（或15位旧号码），只含数字，最后一位可以是X。"),  # other digits
    ],
)
def test_a_wrong_number_is_refused_with_a_chinese_message(bad, message):
    with pytest.raises(ValidationError) as refused:
        id_number_normalise(bad)
    assert refused.value.messages == [message] and refused.value.code == "invalid"


BIRTH_DATES = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))
ADDRESSES = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
SEQUENCES = st.from_regex(r"[0-9]{3}", fullmatch=True)


@settings(deadline=None)  # a shared machine: the first example may be slow
@given(ADDRESSES, BIRTH_DATES, SEQUENCES)
def test_any_well_formed_number_passes_and_any_other_check_character_fails(address, born, sequence):
    first17 = f"{address}{born:%Y%m%d}{sequence}"
    number = first17 + id_number_check_char(first17)
    assert id_number_normalise(number) == number
    assert id_number_normalise(number.lower()) == number
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(ValidationError):
                id_number_normalise(first17 + wrong)
    if born.year < 2000:  # an old 15-digit number of the same person upgrades to it
        assert id_number_normalise(f"{address}{born:%y%m%d}{sequence}") == number
