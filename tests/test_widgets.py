"""Widgets driven in-process: set a control, check that the view changes; models checked directly."""

from __future__ import annotations

import re

import ipywidgets as w
import pandas as pd
import pytest

from course.analysis import (
    DIMENSIONS,
    CycleParameters,
    check_answer,
    comparison_summary,
    dimension_evidence,
    filter_events,
    simulate_cycle,
)
from course.data import load_events, load_meetings
from course.widgets import (
    arsenal_drawdown,
    channels_view,
    comparison_matrix,
    cycle_simulator,
    multiple_choice,
    numeric_question,
    ordering_question,
    timeline_explorer,
)


def alt_text(html: str) -> str:
    match = re.search(r'<img [^>]*alt="([^"]+)"', html)
    assert match, "every figure needs an alt text"
    return match.group(1)


def labelled_controls(widget: w.Widget):
    """Every interactive control inside `widget`."""
    stack = [widget]
    while stack:
        current = stack.pop()
        if isinstance(current, w.Box):
            stack.extend(current.children)
        elif isinstance(current, (w.ValueWidget, w.Button)) and not isinstance(current, (w.HTML, w.Label)):
            yield current


FACTORIES = [timeline_explorer, arsenal_drawdown, channels_view, comparison_matrix, cycle_simulator]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_every_control_is_labelled(factory):
    widget = factory()
    assert isinstance(widget, w.VBox)
    for control in labelled_controls(widget):
        label = getattr(control, "description", "") or getattr(control, "tooltip", "")
        has_label = bool(label) or isinstance(control, w.Checkbox)
        assert has_label, f"{type(control).__name__} in {factory.__name__} has no label"


def test_timeline_redraws_and_shows_the_source():
    events = load_events()
    shown = lambda cases: len(filter_events(events, "2018-01-01", "2018-07-31", cases))
    box = timeline_explorer()
    before = box.outputs["figure"].value
    assert f"Timeline of {shown(['korea'])} events" in alt_text(before)
    box.controls["cases"]["context"].value = True
    both = shown(["korea", "context"])
    assert both > shown(["korea"])
    after = box.outputs["figure"].value
    assert after != before and f"Timeline of {both} events" in alt_text(after)
    box.controls["events"].value = "KOR-16"
    details = box.outputs["details"].value
    assert "Punggye-ri" in details and "Xinhua" in details and "http://xinhuanet.com" in details
    box.controls["dates"].value = (pd.Timestamp("1994-01-01"), pd.Timestamp("1994-12-01"))
    box.controls["cases"]["ukraine"].value = True
    box.controls["cases"]["korea"].value = False
    assert {e for _, e in box.controls["events"].options} >= {"UKR-18", "UKR-22"}
    box.controls["actor"].value = "moon-jae-in"
    assert box.controls["events"].options == () and "No event matches" in box.outputs["details"].value


def test_arsenal_slider_changes_the_view():
    box = arsenal_drawdown("1991-12-01")
    first = alt_text(box.outputs["figure"].value)
    assert "Strategic warheads: about 1,900 of 1,900 (range 1,600-2,000)" in first
    box.controls["date"].value = pd.Timestamp("1996-06-01")
    later = alt_text(box.outputs["figure"].value)
    assert later != first and "Strategic warheads: about 0 of 1,900" in later


def test_channels_toggle_changes_the_counts():
    meetings = load_meetings()
    held, informal_held = meetings["status"] == "held", ~meetings["formal"] & (meetings["status"] == "held")
    box = channels_view()
    everything = alt_text(box.outputs["figure"].value)
    box.controls["formality"].value = "informal only"
    informal = alt_text(box.outputs["figure"].value)
    assert f"{held.sum()} contacts" in everything and f" {informal_held.sum()} contacts" in informal
    box.controls["cancelled"].value = True
    box.controls["formality"].value = "all contacts"
    assert len(meetings) > held.sum() and f"{len(meetings)} contacts" in alt_text(box.outputs["figure"].value)


def test_comparison_ratings_reach_the_namespace():
    namespace = {}
    box = comparison_matrix(namespace)
    box.controls["initiative"].value = 3
    box.controls["security"].value = 0
    assert namespace["comparison_ratings"] == {"initiative": 3, "security": 0}
    assert "mean similarity <strong>1.5</strong>" in box.outputs["summary"].value


def test_comparison_model():
    summary = comparison_summary({"initiative": 4, "verification": 2})
    assert summary.attrs == {"mean_rating": 3.0, "n_rated": 2}
    with pytest.raises(ValueError):
        comparison_summary({"initiative": 7})
    events = load_events()
    for dimension in DIMENSIONS:  # every dimension's evidence is a sourced event of the right case
        evidence = dimension_evidence(dimension, events)
        assert evidence["korea"] and evidence["ukraine"]
        cases = events.set_index("event_id").loc[list(dimension.ukraine), "case"].astype(str)
        assert set(cases) == {"ukraine"}


def test_cycle_model_is_deterministic_and_bounded():
    run = simulate_cycle()
    assert run.equals(simulate_cycle())
    assert run["trust"].between(0, 1).all() and run["disarmament"].is_monotonic_increasing
    assert run["disarmament"].max() <= 1 + 1e-12
    without_us = simulate_cycle(CycleParameters(us_involvement=0.0))
    assert without_us.attrs["stalled_at"] is not None
    assert without_us.attrs["final_disarmament"] < run.attrs["final_disarmament"]
    calm = simulate_cycle(CycleParameters(spoiler_chance=0.0))
    assert not calm["spoiler"].any()
    with pytest.raises(ValueError):
        CycleParameters(initial_trust=1.5)


def test_cycle_slider_redraws():
    box = cycle_simulator()
    before = alt_text(box.outputs["figure"].value)
    box.controls["us_involvement"].value = 0.0
    assert alt_text(box.outputs["figure"].value) != before and "stalls in round" in alt_text(
        box.outputs["figure"].value
    )


def test_quiz_widgets_store_named_answers():
    namespace = {}
    choice = multiple_choice("q_choice", "Which?", {"A": "one", "B": "two"}, namespace, correct="B")
    choice.check()
    assert "q_choice" not in namespace and "Choose an answer" in choice.outputs["feedback"].value
    choice.controls["answer"].value = "A"
    choice.check()
    assert namespace["q_choice"] == "A" and "Not quite" in choice.outputs["feedback"].value
    assert "q_choice = &#x27;A&#x27;" in choice.outputs["feedback"].value
    number = numeric_question("q_days", "How many days?", namespace, correct=29)
    number.controls["answer"].value = 29
    number.check()
    assert (
        namespace["q_days"] == 29 and type(namespace["q_days"]) is int and "Right" in number.outputs["feedback"].value
    )
    order = ordering_question("q_order", "Order them", ["b", "a", "c"], namespace, correct=["a", "b", "c"])
    order.controls["answer"].value = "a"
    order.controls["up"].click()
    order.check()
    assert namespace["q_order"] == ["a", "b", "c"] and "Right" in order.outputs["feedback"].value


def test_quiz_never_waits_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    namespace = {"q": "kept"}
    for widget in (
        multiple_choice("q", "Which?", {"A": "a"}, namespace),
        numeric_question("q", "How many?", namespace),
        ordering_question("q", "Order", ["x", "y"], namespace),
    ):
        assert isinstance(widget, w.HTML) and "not shown while grading" in widget.value
    assert namespace == {"q": "kept"}


def test_check_answer():
    assert check_answer("numeric", 29.4, 29, tolerance=0.5) and not check_answer("numeric", 30, 29)
    assert check_answer("ordering", ("a", "b"), ["a", "b"]) and not check_answer("choice", None, "A")
