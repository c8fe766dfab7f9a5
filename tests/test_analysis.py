"""The pure models behind notebooks and widgets, checked against the data by hand-worked cases."""

from __future__ import annotations

import math

import pytest

from course import analysis, data


@pytest.fixture(scope="module")
def events():
    return data.load_events()


def test_filter_events_is_inclusive_and_sorted(events):
    shown = analysis.filter_events(events, "2018-05-24", "2018-05-26", ["korea"])
    assert list(shown["event_id"]) == ["KOR-15", "KOR-16", "KOR-17", "KOR-18", "KOR-19", "KOR-20"]


def test_filter_events_by_actor_and_channel(events):
    moon = analysis.filter_events(
        events, "2018-01-01", "2018-12-31", actor="moon-jae-in", event_actors=data.load_event_actors()
    )
    assert {"KOR-09", "KOR-20", "KOR-31"} <= set(moon["event_id"]) and "KOR-17" not in set(moon["event_id"])
    summits = analysis.filter_events(events, channel="summit", meetings=data.load_meetings())
    assert set(summits["event_id"]) == {"CTX-07", "CTX-09", "CTX-10", "KOR-09", "KOR-14", "KOR-20", "KOR-25", "KOR-31"}
    with pytest.raises(ValueError):
        analysis.filter_events(events, actor="moon-jae-in")


@pytest.fixture(scope="module")
def arsenal():
    return data.load_arsenal()


def _row(arsenal, on, system):
    return analysis.ArsenalModel(arsenal).remaining(on).set_index("system").loc[system]


def test_remaining_at_sourced_dates(arsenal):
    assert _row(arsenal, "1991-12-01", "strategic_warheads")[["low", "best", "high"]].tolist() == [1600, 1900, 2000]
    after_first_train = _row(arsenal, "1994-03-06", "strategic_warheads")
    assert after_first_train["best"] == 1840 and after_first_train["basis"] == "derived"
    assert _row(arsenal, "1996-06-01", "strategic_warheads")["best"] == 0
    assert _row(arsenal, "1993-01-01", "tactical_warheads")["basis"] == "none left"


def test_between_records_the_band_spans_both_neighbours(arsenal):
    row = _row(arsenal, "1995-01-01", "strategic_warheads")
    assert row["low"] == 0 and row["high"] == 1940 and 0 < row["best"] < 1840
    assert row["basis"].startswith("estimated between Mar 1994 and Jun 1996")


def test_unknown_before_and_after_records(arsenal):
    assert math.isnan(_row(arsenal, "1990-01-01", "strategic_warheads")["best"])
    after = _row(arsenal, "1995-01-01", "ss24_missiles")
    assert math.isnan(after["best"]) and after["basis"] == "no record after Dec 1991"


def test_share_removed(arsenal):
    assert 1 - _row(arsenal, "1996-06-01", "strategic_warheads")["share_best"] == 1.0
    assert 1 - _row(arsenal, "1994-03-06", "strategic_warheads")["share_best"] == pytest.approx(60 / 1900)


def test_channel_counts():
    meetings = data.load_meetings()
    counts = analysis.channel_counts(meetings)
    assert int(counts.to_numpy().sum()) == int((meetings["status"] == "held").sum())
    assert counts.loc["DPRK-ROK", "summit"] == 3 and counts.loc["DPRK-USA", "statement"] == 5
    with_cancelled = analysis.channel_counts(meetings, include_cancelled=True)
    assert with_cancelled.loc["DPRK-ROK", "ministerial"] == counts.loc["DPRK-ROK", "ministerial"] + 1
    informal = analysis.channel_counts(meetings, formal=False)
    assert int(informal.to_numpy().sum()) == int(((~meetings["formal"]) & (meetings["status"] == "held")).sum())
    may = analysis.channel_counts(meetings, "2018-05-24", "2018-05-26")
    assert int(may.to_numpy().sum()) == 5
    assert list(counts.columns) == analysis.CHANNELS
