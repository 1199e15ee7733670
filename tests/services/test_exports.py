"""Exports opened in spreadsheet programs: no formula from what users typed."""
from __future__ import annotations

import pytest

from portal.services.exports import neutralise


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Công ty TNHH", "1+1", "", "a=b"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text
