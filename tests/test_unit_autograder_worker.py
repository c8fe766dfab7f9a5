"""course.autograder.worker, the parts before a kernel: reading a submitted notebook defensively,
copying a submission into scratch, what the sandbox hides and keeps, and the batch's uids.
grade_submission itself runs a kernel: tests/test_adversarial.py and tests/test_check.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

import course
from course.autograder import worker
from course.autograder.limits import Limits
from course.autograder.worker import UID_BLOCK, _copy_submission, new_uid_base, read_notebook, sandbox_paths
from course.errors import SubmissionError
from course.paths import course_root, data_dir
from tests.unit_fixtures import answer, notebook

LIMITS = Limits()


def valid_json() -> str:
    return nbformat.writes(notebook([answer("a", "x = 1")]))


def reason(path, limits: Limits = LIMITS) -> str:
    with pytest.raises(SubmissionError) as raised:
        read_notebook(path, limits)
    return str(raised.value)


def test_a_valid_notebook_is_read(tmp_path):
    (tmp_path / "nb.ipynb").write_text(valid_json())
    assert read_notebook(tmp_path / "nb.ipynb", LIMITS).cells[0].source == "x = 1"


def test_a_missing_notebook(tmp_path):
    assert reason(tmp_path / "nb.ipynb").startswith("missing from the submission")


@pytest.mark.parametrize("target", ["elsewhere.ipynb", "/nonexistent/elsewhere.ipynb"], ids=["live", "dangling"])
def test_a_symlink_is_not_followed(tmp_path, target):
    (tmp_path / "elsewhere.ipynb").write_text(valid_json())
    (tmp_path / "nb.ipynb").symlink_to(target)
    assert reason(tmp_path / "nb.ipynb") == "not a regular file"


def test_a_folder_is_not_a_notebook(tmp_path):
    (tmp_path / "nb.ipynb").mkdir()
    assert reason(tmp_path / "nb.ipynb") == "not a regular file"


def test_a_notebook_over_the_size_limit_is_not_read(tmp_path):
    text = valid_json()
    (tmp_path / "nb.ipynb").write_text(text)
    assert "over the" in reason(tmp_path / "nb.ipynb", Limits(max_notebook_bytes=len(text) - 1))
    assert read_notebook(tmp_path / "nb.ipynb", Limits(max_notebook_bytes=len(text)))  # at the limit: fine


def test_a_byte_order_mark_is_harmless(tmp_path):
    (tmp_path / "nb.ipynb").write_bytes(b"\xef\xbb\xbf" + valid_json().encode())
    assert read_notebook(tmp_path / "nb.ipynb", LIMITS).cells[0].source == "x = 1"


def test_text_that_is_not_utf8(tmp_path):
    (tmp_path / "nb.ipynb").write_bytes(valid_json().encode().replace(b"x = 1", b"x = \xe9"))
    assert reason(tmp_path / "nb.ipynb").startswith("not UTF-8 text")


def test_broken_json_is_reported_with_its_line(tmp_path):
    (tmp_path / "nb.ipynb").write_text('{\n "cells": [\n  {,\n ]\n}')
    assert reason(tmp_path / "nb.ipynb").startswith("not valid notebook JSON (line 3:")


@pytest.mark.parametrize("data", [[1, 2], {"cells": "none"}, {"metadata": {}}, "a string"])
def test_json_that_is_not_a_notebook(tmp_path, data):
    (tmp_path / "nb.ipynb").write_text(json.dumps(data))
    assert reason(tmp_path / "nb.ipynb") == "JSON, but not a notebook (no list of cells)"


@pytest.mark.parametrize("version", [5, 2, None, "4"])
def test_unsupported_format_versions(tmp_path, version):
    data = json.loads(valid_json())
    data["nbformat"] = version
    (tmp_path / "nb.ipynb").write_text(json.dumps(data))
    assert reason(tmp_path / "nb.ipynb") == f"notebook format version {version!r} is not supported (expected 4)"


def test_a_notebook_nbformat_cannot_read(tmp_path):
    data = json.loads(valid_json())
    data["cells"] = ["not a cell"]
    (tmp_path / "nb.ipynb").write_text(json.dumps(data))
    assert reason(tmp_path / "nb.ipynb").startswith("notebook cannot be read:")


def test_a_version_3_notebook_is_converted(tmp_path):
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[nbformat.v3.new_code_cell("y = 2")])])
    (tmp_path / "nb.ipynb").write_text(nbformat.writes(v3, version=3))
    read = read_notebook(tmp_path / "nb.ipynb", LIMITS)
    assert read.nbformat == 4 and read.cells[0].source == "y = 2"


def test_copying_a_submission_keeps_regular_files_and_skips_links(tmp_path):
    source, target = tmp_path / "submitted", tmp_path / "scratch"
    (source / "data").mkdir(parents=True)
    (source / "nb.ipynb").write_text("notebook")
    (source / "data" / "mine.csv").write_text("a,b")
    (source / "passwords").symlink_to("/etc/passwd")
    (source / "linked-folder").symlink_to(tmp_path)
    target.mkdir()
    _copy_submission(source, target, LIMITS)
    copied = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    assert copied == ["data", "data/mine.csv", "nb.ipynb"]
    assert (target / "data" / "mine.csv").read_text() == "a,b"


def test_copying_stops_at_five_times_the_notebook_limit(tmp_path):
    source, target = tmp_path / "submitted", tmp_path / "scratch"
    source.mkdir()
    target.mkdir()
    for name in "abcdef":
        (source / name).write_bytes(b"0" * 100)  # 600 bytes in all
    with pytest.raises(SubmissionError, match="too large"):
        _copy_submission(source, target, Limits(max_notebook_bytes=119))  # 595 allowed
    _copy_submission(source, target, Limits(max_notebook_bytes=120))  # 600 allowed
    assert len(list(target.iterdir())) == 6


def test_the_sandbox_hides_the_course_and_keeps_the_package_and_the_data(tmp_path):
    root, scratch = tmp_path / "course", tmp_path / "scratch"
    root.mkdir()
    scratch.mkdir()
    hide, keep = sandbox_paths(root, scratch)
    assert {course_root(), root.resolve(), scratch.resolve()} <= set(hide)
    assert {Path(p).resolve() for p in course.__path__} <= set(keep)  # the course package the kernel imports
    assert data_dir().resolve() in keep
    assert any(p == sys.prefix or sys.prefix.startswith(str(p) + "/") for p in map(str, keep))


def test_nothing_kept_exposes_the_solutions(tmp_path):
    """The instructor's notebooks (with solutions and hidden tests) stay hidden: no kept folder is
    the course root, an ancestor of it, or inside notebooks/."""
    _hide, keep = sandbox_paths(tmp_path, tmp_path)
    solutions = course_root() / "notebooks"
    for kept in keep:
        assert kept != course_root() and kept not in solutions.parents and solutions not in [kept, *kept.parents]


def test_a_uid_block_is_aligned_and_in_the_range_kept_for_sandboxes():
    """Every block starts at the same offset modulo UID_BLOCK, so two batches' blocks are either
    the same block or do not overlap at all; and they stay clear of ordinary users."""
    bases = {new_uid_base() for _ in range(200)}
    assert len({base % UID_BLOCK for base in bases}) == 1
    assert all(base >= 100_000 and base + UID_BLOCK - 1 < 2**31 - 1 for base in bases)
    assert len(bases) > 190  # random, not one block for everyone


def _report(**fields):
    from course.autograder.execution import ExecutionReport

    report = ExecutionReport(nbformat.v4.new_notebook())
    for name, value in fields.items():
        setattr(report, name, value)
    return report


def _job(tmp_path):
    return worker.Job(4_600_000, "s", tmp_path, {}, {}, tmp_path, Limits(), [], [])


def test_a_kernel_that_never_answered_is_started_once_more(tmp_path, monkeypatch):
    reports = [_report(kernel_lost=True, problems=["grading stopped: Kernel died before replying"]), _report(ran={0})]
    calls, ended = [], []
    monkeypatch.setattr(worker, "execute", lambda nb, *a, **k: calls.append(nb) or reports.pop(0))
    monkeypatch.setattr(worker, "_end_student_processes", lambda uid, kernels: ended.append(uid))
    report = worker._run_student(nbformat.v4.new_notebook, tmp_path, _job(tmp_path), 4_600_000, [])
    assert report.ran == {0} and not report.problems
    assert len(calls) == 2 and calls[0] is not calls[1]  # a fresh copy each time
    assert ended == [4_600_000]  # whatever the first attempt left is ended before the second


@pytest.mark.parametrize(
    "first",
    [
        {"kernel_lost": True, "kernel_pid": 1234},  # the kernel answered, then died: the student's doing
        {"kernel_lost": True, "ran": {0}},  # a cell ran
        {"kernel_lost": False},
    ],
)
def test_a_kernel_that_ran_anything_is_not_started_again(tmp_path, monkeypatch, first):
    calls = []
    monkeypatch.setattr(worker, "execute", lambda nb, *a, **k: calls.append(nb) or _report(**first))
    monkeypatch.setattr(worker, "_end_student_processes", lambda uid, kernels: None)
    worker._run_student(nbformat.v4.new_notebook, tmp_path, _job(tmp_path), 4_600_000, [])
    assert len(calls) == 1


def test_a_second_failure_to_start_is_reported(tmp_path, monkeypatch):
    failed = {"kernel_lost": True, "problems": ["grading stopped: Kernel died before replying"]}
    monkeypatch.setattr(worker, "execute", lambda nb, *a, **k: _report(**failed))
    monkeypatch.setattr(worker, "_end_student_processes", lambda uid, kernels: None)
    report = worker._run_student(nbformat.v4.new_notebook, tmp_path, _job(tmp_path), 4_600_000, [])
    assert report.kernel_lost and report.problems == ["grading stopped: Kernel died before replying"]


def test_lone_surrogates_are_replaced_so_the_graded_notebook_can_be_written():
    """JSON may spell a lone surrogate ("\\ud800", in a submitted cell or a student's output);
    UTF-8 cannot encode it, and writing it would stop the batch's parent."""
    text = worker.encodable(json.loads('"a \\ud800 b \\udfff c \\ud83d\\ude00"'))
    assert text == "a \ufffd b \ufffd c \U0001f600"
    text.encode("utf-8")
