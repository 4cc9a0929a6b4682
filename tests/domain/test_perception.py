"""Perception rules: scales, classification, intervals, and the peer mark."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.perception import (
    MIN_RESPONSES,
    Category,
    classify_question,
    mean_ci,
    peer_mark,
    rating_value,
    scale_of,
    score,
    to_ten,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How would you rate our communication?", (Category.COMMUNICATION, "performance")),
        ("How important is communication to you?", (Category.COMMUNICATION, "importance")),
        ("How likely are you to recommend us?", (Category.RECOMMEND, "performance")),
        ("Does your CSM understand your business?", (Category.CONSULTATION, "performance")),
        ("Support service quality", (Category.SERVICE, "performance")),
        ("Product importance", (Category.PRODUCT, "importance")),
        ("Your job title", None),
    ],
)
def test_classify(text, expected):
    assert classify_question(text) == expected


def test_ratings_and_scales():
    assert rating_value("5 - Excellent") == 5.0
    assert rating_value("n/a") is None
    assert scale_of([1, 3, 5]) == (1.0, 5.0)
    assert scale_of([2, 7]) == (1.0, 7.0)
    assert scale_of([0, 9]) == (0.0, 10.0)
    assert to_ten(5, (1.0, 5.0)) == 10.0
    assert to_ten(1, (1.0, 5.0)) == 0.0
    assert to_ten(4, (1.0, 7.0)) == 5.0


def test_interval_by_hand():
    mean, low, high = mean_ci([6.0, 8.0, 10.0])
    # sd = 2, se = 2/sqrt(3), t(2) = 4.303
    assert mean == 8.0
    assert low == pytest.approx(8.0 - 4.303 * 2 / 3**0.5)
    assert high == pytest.approx(8.0 + 4.303 * 2 / 3**0.5)
    assert mean_ci([7.0, 9.0])[1:] == (None, None)


def test_marks():
    assert peer_mark(7.0, 9.0, 6.0) == "above"
    assert peer_mark(3.0, 5.0, 6.0) == "below"
    assert peer_mark(5.0, 7.0, 6.0) == "average"
    assert peer_mark(None, None, 6.0) is None
    assert score([9.0, 9.5, 10.0, 9.0], 5.0).mark == "above"
    assert score([9.0, 10.0], 5.0).mark is None  # too few to say


@given(
    st.lists(st.floats(0, 10, allow_nan=False), min_size=0, max_size=40),
    st.floats(0, 10, allow_nan=False),
)
def test_no_mark_when_the_interval_includes_the_team_average(values, team):
    s = score(values, team)
    if s.low is not None and s.high is not None and s.low <= team <= s.high:
        assert s.mark == "average"
    if s.mark in ("above", "below"):
        assert s.n >= MIN_RESPONSES
        assert not (s.low <= team <= s.high)
    if s.n < MIN_RESPONSES:
        assert s.mark is None
