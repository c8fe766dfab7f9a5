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


# --- the cycle model: its defaults must not decide the verdict --------------------------------


def _stalls(**changes) -> int:
    """In how many of 50 seeded runs (seeds 0-49) the cycle stalls within the default rounds."""
    runs = (analysis.simulate_cycle(analysis.CycleParameters(seed=s, **changes)) for s in range(50))
    return sum(run.attrs["stalled_at"] is not None for run in runs)


def test_defaults_build_in_neither_success_nor_failure():
    """With full US involvement some runs stall and some do not; without it, more stall. The
    lever matters, but it does not settle the outcome by itself (issue 13)."""
    with_us, without_us = _stalls(us_involvement=1.0), _stalls(us_involvement=0.0)
    assert 0 < with_us < 50
    assert with_us < without_us
    assert analysis.simulate_cycle().attrs["final_disarmament"] < 1


def test_trust_moves_only_with_the_balance_of_each_round():
    """Break-even: when compensation equals the step (reciprocity x capacity = 1) and nothing
    spoils, trust stays where it started; overpaying raises it, underpaying lowers it."""
    calm = {"spoiler_chance": 0.0}
    even = analysis.simulate_cycle(analysis.CycleParameters(reciprocity=1.0, us_involvement=1.0, **calm))
    assert even["trust"].round(12).eq(0.5).all()
    generous = analysis.simulate_cycle(analysis.CycleParameters(reciprocity=1.5, **calm))
    assert generous["trust"].is_monotonic_increasing and generous["trust"].iloc[-1] > 0.5
    # without the US, half the compensation (the sanctions-relief half) cannot be paid
    stingy = analysis.simulate_cycle(analysis.CycleParameters(us_involvement=0.0, **calm))
    assert stingy["trust"].is_monotonic_decreasing and stingy["trust"].iloc[-1] < 0.5


def test_a_stalled_cycle_does_not_restart():
    run = analysis.simulate_cycle(analysis.CycleParameters(us_involvement=0.0, rounds=120))
    after = run[run["round"] > run.attrs["stalled_at"]]  # the round it stalls in still took its step
    assert (after["step"] == 0).all() and (after["compensation"] == 0).all()
    assert after["trust"].is_monotonic_decreasing
