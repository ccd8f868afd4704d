"""The units of work of the two xdist workers (tests/conftest.py)."""

from __future__ import annotations

from conftest import XDIST_GROUPS, xdist_scope


def test_a_module_is_one_unit_so_its_fixtures_are_built_once() -> None:
    first = xdist_scope("tests/test_new_module.py::test_one")
    assert first == xdist_scope("tests/test_new_module.py::test_two[case-1]")
    assert first != xdist_scope("tests/test_other_module.py::test_one")


def test_modules_of_one_group_share_a_unit() -> None:
    for module, group in XDIST_GROUPS.items():
        partners = [m for m, g in XDIST_GROUPS.items() if g == group]
        assert {xdist_scope(f"{m}::test_x") for m in partners} == {xdist_scope(f"{module}::t")}
    assert xdist_scope("tests/test_shapes.py::t") != xdist_scope("tests/test_wheel.py::t")


def test_the_longest_units_name_real_units() -> None:
    from conftest import LONGEST_FIRST

    assert "group:fresh_env" in LONGEST_FIRST
    assert xdist_scope("tests/test_wheel.py::t") in LONGEST_FIRST
    assert xdist_scope("tests/test_virtuoso.py::t") in LONGEST_FIRST
