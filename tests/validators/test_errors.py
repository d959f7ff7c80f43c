"""The shared error type and the package surface."""

import ast
from pathlib import Path

import pytest

import bot.validators as validators
from bot.validators import CODES, Invalid

pytestmark = pytest.mark.no_database  # runs on the SQLite pass only (tests/conftest.py)

PACKAGE_DIR = Path(validators.__file__).parent


def test_invalid_is_a_value_error_carrying_its_code() -> None:
    error = Invalid("date_format")
    assert isinstance(error, ValueError)
    assert error.code == "date_format"
    assert error.args == ("date_format",)


def test_invalid_can_be_caught_as_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        raise Invalid("phone_length")
    assert isinstance(caught.value, Invalid)
    assert caught.value.code == "phone_length"


def test_every_exported_name_exists() -> None:
    for name in validators.__all__:
        assert hasattr(validators, name), name


def test_all_lists_the_public_api() -> None:
    expected = {
        "CODES",
        "COMMON_ORIGIN_CODES",
        "PROVINCES",
        "Invalid",
        "NikInfo",
        "Province",
        "is_indonesian_mobile",
        "match_province",
        "normalise_phone",
        "parse_birth_date",
        "parse_nik",
        "parse_passport_number",
        "province_by_code",
    }
    assert set(validators.__all__) == expected


def _raised_codes(source: str) -> set[str]:
    codes: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Invalid"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            codes.add(node.args[0].value)
    return codes


def test_codes_lists_exactly_the_codes_the_modules_raise() -> None:
    raised: set[str] = set()
    for module in PACKAGE_DIR.glob("*.py"):
        raised |= _raised_codes(module.read_text(encoding="utf-8"))
    assert raised == set(CODES)


def test_no_framework_imports() -> None:
    forbidden = ("telegram", "aiogram", "sqlalchemy", "babel", "pydantic", "aiohttp")
    for module in PACKAGE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.lower().startswith(forbidden), f"{module.name} imports {name}"


def test_modules_are_small_and_documented() -> None:
    for module in PACKAGE_DIR.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert len(source.splitlines()) < 200, module.name
        assert ast.get_docstring(ast.parse(source)), module.name
