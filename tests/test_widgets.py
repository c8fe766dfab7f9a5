"""Widgets driven in-process: set a control, check that the view changes; models checked directly."""

from __future__ import annotations

import html
import itertools
import json
import re

import ipywidgets as w
import nbformat
import pandas as pd
import pytest

from course.analysis import (
    ANY,
    DIMENSIONS,
    ArsenalModel,
    CycleParameters,
    check_answer,
    comparison_summary,
    dimension_evidence,
    filter_events,
    simulate_cycle,
)
from course.data import load_arsenal, load_event_actors, load_events, load_meetings
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
from course.widgets.arsenal import drawn_shares
from course.widgets.controls import _Base as _LabelledBase
from course.widgets.keys import KEY_FILE, key_matches, make_key, quiz_keys
from course.widgets.timeline_chart import CHAR_PX
from course.widgets.timeline_chart import WIDTH as CHART_WIDTH


def alt_text(html: str) -> str:
    """The text alternative of a figure: its <img alt>, or the course's own text-alternative line."""
    match = re.search(r'<img [^>]*alt="([^"]+)"', html) or re.search(
        r'class="course-alt-text"><strong>Text alternative:</strong> ([^<]+)</p>', html
    )
    assert match, "every figure needs a text alternative"
    return match.group(1)


def labelled_controls(widget: w.Widget):
    """Every interactive control inside `widget`."""
    stack = [widget]
    while stack:
        current = stack.pop()
        if isinstance(current, w.Box):
            stack.extend(current.children)
        elif isinstance(current, (w.ValueWidget, w.Button, _LabelledBase)) and not isinstance(
            current, (w.HTML, w.Label)
        ):
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


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_no_slider_is_an_unlabelled_ipywidgets_slider(factory):
    """ipywidgets' slider handle has no accessible name (axe: aria-input-field-name)."""
    noui = (w.FloatSlider, w.IntSlider, w.SelectionSlider, w.SelectionRangeSlider)
    assert not [c for c in labelled_controls(factory()) if isinstance(c, noui)]


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
    box.controls["channel"].value = "summit"
    assert box.controls["events"].options == () and "No event matches" in box.outputs["details"].value


def test_the_actor_list_follows_the_other_filters():
    """Korea only: Yeltsin is not offered (he would give an empty timeline); with Ukraine he is,
    and an actor who drops out of the list is replaced by "(any)", never kept invisibly."""
    box = timeline_explorer()
    offered = lambda: {a for _, a in box.controls["actor"].options}
    assert "moon-jae-in" in offered() and "boris-yeltsin" not in offered()
    box.controls["dates"].value = (pd.Timestamp("1993-01-01"), pd.Timestamp("1994-12-01"))
    box.controls["cases"]["ukraine"].value = True
    assert "boris-yeltsin" in offered() and "moon-jae-in" not in offered()
    box.controls["actor"].value = "boris-yeltsin"
    assert box.controls["events"].options and all(
        e in set(load_event_actors().query("actor_id == 'boris-yeltsin'")["event_id"])
        for _, e in box.controls["events"].options
    )
    box.controls["cases"]["ukraine"].value = False
    assert box.controls["actor"].value == ANY and "boris-yeltsin" not in offered()


def _svg_label(svg: str, event_id: str) -> tuple[float, str]:
    match = re.search(rf'<text x="([\d.]+)"[^>]*data-for="{event_id}">([^<]*)</text>', svg)
    assert match, f"no label for {event_id}"
    return float(match.group(1)), html.unescape(match.group(2))


@pytest.mark.parametrize("edge", ["first", "last"])
def test_the_selected_event_is_labelled_inside_the_chart(edge):
    """Issue 16: the selected label was cut off at the left edge. At either edge it stays inside."""
    box = timeline_explorer()
    ids = [e for _, e in box.controls["events"].options]
    chosen = ids[0] if edge == "first" else ids[-1]
    box.controls["events"].value = chosen
    for svg in (box.outputs["chart"].svg, box.outputs["chart"].static_svg):
        x, text = _svg_label(svg, chosen)
        title = load_events().set_index("event_id").loc[chosen, "title"]
        assert title[:20] in text
        assert x >= 0 and x + len(text) * CHAR_PX <= CHART_WIDTH, (x, text)
    assert 'aria-selected="true" aria-label="' in box.outputs["chart"].svg


def test_labels_never_overlap_and_every_point_has_a_name():
    box = timeline_explorer(start="2018-01-01", end="2018-12-31", cases=("korea", "context"))
    svg = box.outputs["chart"].svg
    rows = {}
    for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*data-for="[^"]+">([^<]*)</text>', svg):
        rows.setdefault(y, []).append((float(x), float(x) + len(html.unescape(text)) * CHAR_PX))
    for spans in rows.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
    options = re.findall(r'role="option"[^>]*aria-label="([^"]+)"', svg)
    assert len(options) == len(box.controls["events"].options)
    assert all(re.match(r"\d{1,2} \w{3} \d{4}: .+|\w+ \d{4}: .+", html.unescape(o)) for o in options)
    static = box.outputs["chart"].static_svg
    assert 'role="img"' in static and static.count("<title>") == len(options) and 'role="option"' not in static


def test_picking_a_point_selects_the_event():
    box = timeline_explorer()
    chart = box.outputs["chart"]
    chart.selected = "KOR-16"  # what a click or Enter on the chart does
    assert box.controls["events"].value == "KOR-16" and "Punggye-ri" in box.outputs["details"].value
    assert re.search(r'id="[^"]+-KOR-16" role="option" aria-selected="true"', chart.svg)
    box.controls["events"].value = "KOR-09"  # and the other way round
    assert chart.selected == "KOR-09" and re.search(r'id="[^"]+-KOR-09" role="option" aria-selected="true"', chart.svg)


def test_arsenal_opens_on_the_date_asked_for():
    """Issue 16: arsenal_drawdown("1994-01-14") was titled "1 January 1994"."""
    box = arsenal_drawdown("1994-01-14")
    assert alt_text(box.outputs["figure"].value).startswith("On 14 January 1994,")
    assert box.controls["date"].label == "14 Jan 1994"
    assert [label for label in box.controls["date"].labels if label.endswith("1994")][:3] == [
        "Jan 1994",
        "14 Jan 1994",
        "Feb 1994",
    ]
    assert alt_text(arsenal_drawdown("1996-06-01").outputs["figure"].value).startswith("On 1 June 1996,")


def test_no_whisker_reaches_past_the_whole_stock():
    """Issue 16: the bombers' whisker reached 112% (sources count up to 49 of the 44 usually
    counted). Drawn shares stop at 100%; the text alternative keeps the full range."""
    model = ArsenalModel(load_arsenal())
    for month in pd.date_range("1991-12-01", "2001-12-01", freq="MS"):
        shares = drawn_shares(model.remaining(month))
        assert (shares.fillna(0) <= 100).all().all(), month
    text = alt_text(arsenal_drawdown("1991-12-01").outputs["figure"].value)
    assert "Heavy bombers: about 44 of 44 (range 30-49)" in text


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


def test_comparison_never_sets_a_variable_and_shows_the_line_to_keep():
    namespace = {}
    box = comparison_matrix(namespace)
    box.controls["initiative"].value = 3
    box.controls["security"].value = 0
    assert namespace == {}
    summary = box.outputs["summary"].value
    assert "mean similarity <strong>1.5</strong>" in summary
    assert "comparison_ratings = {&#x27;initiative&#x27;: 3, &#x27;security&#x27;: 0}" in summary


def test_comparison_labels_are_whole_and_the_readout_fits_every_value():
    """Issue 16: "The weapons themsel..." was cut, and the track changed width with the readout."""
    box = comparison_matrix()
    for dimension in DIMENSIONS:
        slider = box.controls[dimension.key]
        assert slider.description == f"{dimension.label}: similarity"
        assert slider.readout_chars > max(len(label) for label in slider.labels)


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


def test_quiz_says_right_or_wrong_from_a_key_and_never_sets_a_variable():
    namespace = {}
    choice = multiple_choice(
        "q_choice", "Which?", {"A": "one", "B": "two"}, namespace, key=make_key("q_choice", "choice", "B")
    )
    choice.check()
    assert "Choose an answer" in choice.outputs["feedback"].value
    choice.controls["answer"].value = "A"
    choice.check()
    assert "Not quite" in choice.outputs["feedback"].value and "q_choice =" not in choice.outputs["feedback"].value
    choice.controls["answer"].value = "B"
    choice.check()
    assert (
        "Right" in choice.outputs["feedback"].value and "q_choice = &quot;B&quot;" in choice.outputs["feedback"].value
    )
    number = numeric_question("q_days", "How many days?", key=make_key("q_days", "numeric", 29))
    number.controls["answer"].value = 29
    number.check()
    assert "Right" in number.outputs["feedback"].value
    order = ordering_question(
        "q_order", "Order them", ["b", "a", "c"], key=make_key("q_order", "ordering", ["a", "b", "c"])
    )
    order.controls["answer"].value = "a"
    order.controls["up"].click()
    order.check()
    assert (
        "Right" in order.outputs["feedback"].value
        and "[&quot;a&quot;, &quot;b&quot;, &quot;c&quot;]" in order.outputs["feedback"].value
    )
    assert namespace == {}


def test_a_key_does_not_show_the_answer():
    key = make_key("precision_answer", "choice", "B")
    assert "B" not in key.split(":", 2)[2] or not key.endswith(":B")
    assert key_matches(key, "precision_answer", "choice", "B")
    assert not key_matches(key, "precision_answer", "choice", "A")
    assert not key_matches(key, "other_name", "choice", "B"), "a key belongs to its variable"
    assert make_key("q", "choice", "B") != make_key("q", "choice", "B"), "salted: equal answers, different keys"
    assert not key_matches("garbage", "q", "choice", "B")


def test_in_a_class_the_quiz_only_records(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "class")
    choice = multiple_choice("q", "Which?", {"A": "one", "B": "two"}, key=make_key("q", "choice", "B"))
    assert choice.controls["check"].description == "Show the line to keep"
    for letter in "AB":
        choice.controls["answer"].value = letter
        choice.check()
        feedback = choice.outputs["feedback"].value
        assert "Right" not in feedback and "Not quite" not in feedback and f"q = &quot;{letter}&quot;" in feedback


def test_without_a_key_the_quiz_only_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    choice = multiple_choice("q", "Which?", {"A": "one", "B": "two"})
    choice.controls["answer"].value = "A"
    choice.check()
    assert "Your choice" in choice.outputs["feedback"].value and "Right" not in choice.outputs["feedback"].value


def test_the_quiz_reads_its_key_beside_the_notebook(tmp_path, monkeypatch):
    (tmp_path / KEY_FILE).write_text(json.dumps({"q": make_key("q", "choice", "B")}))
    monkeypatch.chdir(tmp_path)  # a kernel runs in its notebook's folder
    choice = multiple_choice("q", "Which?", {"A": "one", "B": "two"})
    choice.controls["answer"].value = "B"
    choice.check()
    assert "Right" in choice.outputs["feedback"].value


def test_keys_come_from_the_solution_cells():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell('multiple_choice("q", "Which?", {"A": "a", "B": "b"})'),
            nbformat.v4.new_code_cell(
                '### BEGIN SOLUTION\nq = "B"\n### END SOLUTION', metadata={"nbgrader": {"solution": True}}
            ),
            nbformat.v4.new_code_cell('numeric_question("n", "How many?", decimals=1)'),
            nbformat.v4.new_code_cell("n = 2.5", metadata={"nbgrader": {"solution": True}}),
            nbformat.v4.new_code_cell('multiple_choice("unanswered", "?", {"A": "a"})'),
        ]
    )
    keys = quiz_keys(nb)
    assert set(keys) == {"q", "n"}
    assert key_matches(keys["q"], "q", "choice", "B") and key_matches(keys["n"], "n", "numeric", 2.5, 1)
    assert quiz_keys(nb, previous=keys) == keys, "a key that still matches is kept"
    nb.cells[1].source = 'q = "A"'
    assert key_matches(quiz_keys(nb, previous=keys)["q"], "q", "choice", "A")


def test_quiz_never_waits_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    namespace = {"q": "kept"}
    for widget in (
        multiple_choice("q", "Which?", {"A": "a"}, namespace),
        numeric_question("q", "How many?", namespace),
        ordering_question("q", "Order", ["x", "y"], namespace),
    ):
        assert not isinstance(widget, w.Widget) and "Self-check quiz" in widget._repr_html_()
    assert namespace == {"q": "kept"}


def test_check_answer():
    assert check_answer("numeric", 29.4, 29, tolerance=0.5) and not check_answer("numeric", 30, 29)
    assert check_answer("ordering", ("a", "b"), ["a", "b"]) and not check_answer("choice", None, "A")


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_an_exported_page_shows_the_figure_not_a_repr(factory):
    """Issue 16: without widget state, nbconvert (the checked copy, nbgrader's feedback, the
    formgrader) fell through to the repr `VBox(children=(HTML(value=...`."""
    from nbconvert import HTMLExporter

    box = factory()
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle, "JupyterLab still gets the live widget"
    cell = nbformat.v4.new_code_cell("widget()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    page, _ = HTMLExporter().from_notebook_node(nbformat.v4.new_notebook(cells=[cell]))
    assert "VBox(" not in page and "HTML(value=" not in page and "run the notebook in JupyterLab" in page
    text = html.unescape(page)  # nbconvert re-serialises the HTML it is given
    if "figure" in box.outputs:
        assert html.unescape(alt_text(box.outputs["figure"].value)) in text
    else:
        assert "Rate each dimension" in text
    for control in labelled_controls(box):
        if getattr(control, "description", "") and not isinstance(control, w.Button):
            assert f"{control.description}:" in text, control.description
