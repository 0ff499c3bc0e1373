"""Process set-up of `careerbot serve` that needs no server: the heap's trim threshold."""

import os

import pytest

from adapters.service.serve import TRIM_ENV, TRIM_THRESHOLD, return_freed_memory


def test_the_trim_threshold_reaches_worker_processes_through_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRIM_ENV, "")  # so that the teardown restores what was there
    monkeypatch.delenv(TRIM_ENV)
    return_freed_memory()
    assert TRIM_THRESHOLD == 131072
    assert os.environ[TRIM_ENV] == "131072"


@pytest.mark.parametrize("value", ["262144", "not a number"])
def test_an_operators_own_setting_wins_and_a_bad_one_is_left_to_glibc(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(TRIM_ENV, value)
    return_freed_memory()
    assert os.environ[TRIM_ENV] == value
