"""The student runner's pieces that need no process: reading its outputs file as untrusted data,
and the output budget inside the runner (course.autograder.kernelless, course.autograder.runner)."""

from __future__ import annotations

import json
import os

import nbformat

from course.autograder.execution import ExecutionReport
from course.autograder.kernelless import _output, _read_outputs
from course.autograder.limits import Limits
from course.autograder.runner import TRUNCATED, _Capture


def notebook(n: int):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(n)])


DEFAULT = Limits()


def read(tmp_path, lines, ran, n=3, limits=DEFAULT):
    path = tmp_path / "outputs.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    nb = notebook(n)
    report = ExecutionReport(nb)
    report.ran = set(ran)
    _read_outputs(path, nb, report, limits, list(range(n)))
    return nb


def test_well_formed_outputs_of_cells_that_ran_are_kept_with_their_counts(tmp_path):
    nb = read(
        tmp_path,
        [
            {"cell": 0, "execution_count": 1, "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]},
            {
                "cell": 1,
                "execution_count": 2,
                "outputs": [
                    {"output_type": "execute_result", "data": {"text/plain": "3"}, "metadata": {}, "execution_count": 2}
                ],
            },
        ],
        ran={0, 1},
    )
    assert nb.cells[0].outputs[0].text == "hi\n" and nb.cells[0].execution_count == 1
    assert nb.cells[1].outputs[0].data == {"text/plain": "3"} and nb.cells[1].outputs[0].execution_count == 2
    nbformat.validate(nb)


def test_lines_for_cells_that_did_not_run_or_do_not_exist_are_ignored(tmp_path):
    ghost = [{"output_type": "stream", "name": "stdout", "text": "ghost"}]
    nb = read(
        tmp_path,
        [{"cell": 2, "outputs": ghost}, {"cell": 7, "outputs": ghost}, {"cell": True, "outputs": ghost}],
        ran={0},
    )
    assert all(c.outputs == [] for c in nb.cells)


def test_malformed_lines_and_outputs_are_dropped_and_the_notebook_stays_valid(tmp_path):
    nb = read(
        tmp_path,
        [
            "not json",
            "[1, 2]",
            '{"cell": 0, "outputs": "nope"}',
            {
                "cell": 1,
                "execution_count": "1",
                "outputs": [
                    {"output_type": "stream", "name": "stdin", "text": "x"},
                    {"output_type": "stream", "name": "stdout", "text": 5},
                    {"output_type": "display_data", "data": {"text/html": ["<b>", 3]}, "metadata": {}},
                    {"output_type": "display_data", "data": {"text/html": "<b>ok</b>"}, "metadata": []},
                    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": "not a list"},
                    {"output_type": "update_display_data"},
                    "a string",
                    {"output_type": "display_data", "data": {"text/plain": "kept"}, "metadata": {}},
                ],
            },
        ],
        ran={0, 1},
    )
    assert nb.cells[0].outputs == []
    assert [o.data["text/plain"] for o in nb.cells[1].outputs] == ["kept"]
    assert nb.cells[1].execution_count is None
    nbformat.validate(nb)


def test_display_updates_reach_earlier_cells_by_display_id_only(tmp_path):
    shown = {"output_type": "display_data", "data": {"text/plain": "old"}, "metadata": {}, "display_id": "d1"}
    other = {"output_type": "display_data", "data": {"text/plain": "other"}, "metadata": {}}
    nb = read(
        tmp_path,
        [{"cell": 0, "outputs": [shown, other]}, {"update": "d1", "data": {"text/plain": "new"}, "metadata": {}}],
        ran={0},
    )
    assert [o.data["text/plain"] for o in nb.cells[0].outputs] == ["new", "other"]
    assert "display_id" not in nb.cells[0].outputs[0]
    nbformat.validate(nb)


def test_no_more_than_the_cap_is_read(tmp_path):
    limits = Limits(max_output_bytes=1000)
    big = {"cell": 0, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x" * 2_000_000}]}
    nb = read(
        tmp_path,
        [big, {"cell": 1, "outputs": [{"output_type": "stream", "name": "stdout", "text": "y"}]}],
        ran={0, 1},
        limits=limits,
    )
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs == []  # the line was cut: neither is whole


def test_a_link_in_place_of_the_outputs_file_is_not_followed(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text(json.dumps({"cell": 0, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]}))
    (tmp_path / "outputs.jsonl").symlink_to(target)
    nb = notebook(1)
    report = ExecutionReport(nb)
    report.ran = {0}
    _read_outputs(tmp_path / "outputs.jsonl", nb, report, Limits(), [0])
    assert nb.cells[0].outputs == []


def test_an_error_output_keeps_at_most_fifty_traceback_lines():
    output = _output({"output_type": "error", "ename": "E", "evalue": "v", "traceback": [str(i) for i in range(80)]})
    assert output.traceback == [str(i) for i in range(30, 80)]


def test_the_capture_budget_counts_every_kind_of_output_but_errors():
    capture = _Capture(100)
    capture.add({"output_type": "display_data", "data": {"text/plain": "x"}, "metadata": {}}, 60)
    capture.text("stdout", "y" * 30)
    capture.add({"output_type": "display_data", "data": {"text/plain": "z"}, "metadata": {}}, 60)
    capture.add({"output_type": "error", "ename": "E", "evalue": "kept", "traceback": []}, 0)
    capture.text("stdout", "dropped")
    kinds = [(o["output_type"], o.get("text")) for o in capture.outputs]
    assert kinds == [("display_data", None), ("stream", "y" * 30), ("stream", TRUNCATED), ("error", None)]


def test_consecutive_text_joins_one_stream_and_empty_text_adds_nothing():
    capture = _Capture(1000)
    capture.text("stdout", "a")
    capture.text("stdout", "")
    capture.text("stdout", "b")
    capture.text("stderr", "c")
    assert [(o["name"], o["text"]) for o in capture.outputs] == [("stdout", "ab"), ("stderr", "c")]


def test_a_fifo_in_place_of_the_outputs_file_is_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "outputs.jsonl")
    holder = os.open(tmp_path / "outputs.jsonl", os.O_RDONLY | os.O_NONBLOCK)  # a writer could now open it
    try:
        nb = notebook(1)
        report = ExecutionReport(nb)
        report.ran = {0}
        _read_outputs(tmp_path / "outputs.jsonl", nb, report, Limits(), [0])
        assert nb.cells[0].outputs == [] and report.problems == []
    finally:
        os.close(holder)


def test_lines_nested_past_the_parsers_depth_are_dropped_not_raised(tmp_path):
    lines = ["[" * 5000, '{"cell": 0, "outputs": [' + "[" * 5000 + "]}"]
    nb = read(
        tmp_path,
        [*lines, {"cell": 1, "outputs": [{"output_type": "stream", "name": "stdout", "text": "ok"}]}],
        ran={0, 1},
    )
    assert nb.cells[1].outputs[0].text == "ok"


def test_display_updates_count_once_for_every_output_they_change(tmp_path):
    """5,000 small outputs with one display id, then updates of 100 KB each: applied, they
    would make a notebook of gigabytes. Past the cap they are not applied."""
    limits = Limits(max_output_bytes=1_000_000)
    small = [{"output_type": "display_data", "data": {"text/plain": ""}, "metadata": {}, "display_id": "a"}] * 5_000
    update = {"update": "a", "data": {"text/plain": "y" * 100_000}, "metadata": {}}
    nb = read(tmp_path, [{"cell": 0, "outputs": small}, *[update] * 50], ran={0}, n=1, limits=limits)
    assert len(nb.cells[0].outputs) == 5_000
    assert all(o.data["text/plain"] == "" for o in nb.cells[0].outputs)


def test_nan_and_infinity_become_null_and_the_notebook_stays_valid(tmp_path):
    line = (
        '{"cell": 0, "outputs": [{"output_type": "display_data", "data": {"application/json": {"v": NaN}},'
        ' "metadata": {"w": Infinity}}]}'
    )
    nb = read(tmp_path, [line], ran={0}, n=1)
    assert nb.cells[0].outputs[0].data["application/json"] == {"v": None}
    nbformat.validate(nb)
    assert "NaN" not in nbformat.writes(nb)


def test_json_data_only_under_a_json_mime_type(tmp_path):
    bad = {"output_type": "display_data", "data": {"text/json": {"a": 1}}, "metadata": {}}
    good = {"output_type": "display_data", "data": {"application/vnd.course+json": {"a": 1}}, "metadata": {}}
    nb = read(tmp_path, [{"cell": 0, "outputs": [bad, good]}], ran={0}, n=1)
    assert [list(o.data) for o in nb.cells[0].outputs] == [["application/vnd.course+json"]]


def test_a_file_past_the_cap_is_said(tmp_path):
    limits = Limits(max_output_bytes=1000)
    filler = {"cell": 0, "outputs": [{"output_type": "stream", "name": "stdout", "text": "x" * 100}]}
    nb = notebook(1)
    report = ExecutionReport(nb)
    report.ran = {0}
    (tmp_path / "o.jsonl").write_text("\n".join(json.dumps(filler) for _ in range(3000)) + "\n")
    _read_outputs(tmp_path / "o.jsonl", nb, report, limits, [0])
    assert report.problems and report.problems[0].startswith("outputs past")
    assert nb.cells[0].outputs[0].text == "x" * 100
