"""course.autograder.execute, the parts that need no kernel: the output cap, a dead kernel's last
words, and how a lost kernel is recorded. Running cells is left to the slow tests
(tests/test_adversarial.py, tests/test_zygote.py)."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from course.autograder.execute import _LimitedClient
from course.autograder.execution import ExecutionReport, _last_line

v4 = nbformat.v4


def message(kind: str, content: dict) -> dict:
    """An IOPub message as jupyter_client delivers it to nbclient."""
    return {
        "header": {"msg_type": kind, "msg_id": "m"},
        "msg_type": kind,
        "parent_header": {"msg_id": "request"},
        "metadata": {},
        "content": content,
    }


def printed(text: str) -> dict:
    return message("stream", {"name": "stdout", "text": text})


def cost(msg: dict) -> int:
    """What one message counts against the cap: its content as JSON."""
    return len(json.dumps(msg["content"]))


@pytest.fixture
def client():
    made = _LimitedClient(v4.new_notebook(cells=[v4.new_code_cell("print('x')")]))
    made.clear_before_next_output = False  # nbclient sets this when a cell starts
    return made


def test_output_within_the_cap_is_kept_whole(client):
    client.max_output_bytes = 10 * cost(printed("a" * 50))
    outs = []
    for _ in range(10):
        client.output(outs, printed("a" * 50), None, 0)
    assert [o.text for o in outs] == ["a" * 50] * 10


def test_output_beyond_the_cap_is_dropped_with_one_note(client):
    client.max_output_bytes = 3 * cost(printed("a" * 50))
    outs = []
    for _ in range(10):
        client.output(outs, printed("a" * 50), None, 0)
    assert [o.text for o in outs[:3]] == ["a" * 50] * 3
    assert len(outs) == 4 and "output truncated by the grader" in outs[3].text  # one note, not seven


def test_results_and_displays_count_against_the_cap_too(client):
    big = message("display_data", {"data": {"text/plain": "b" * 500}, "metadata": {}, "transient": {}})
    client.max_output_bytes = cost(big) - 1
    outs = []
    client.output(outs, big, None, 0)
    client.output(
        outs, message("execute_result", {"data": {"text/plain": "1"}, "metadata": {}, "execution_count": 1}), None, 0
    )
    assert [o.output_type for o in outs] == ["stream"]  # only the note


def test_errors_are_kept_after_the_cap_with_their_traceback_bounded(client):
    """A failing test must still score zero, however much the student printed before it."""
    client.max_output_bytes = 1
    outs = []
    client.output(outs, printed("a" * 50), None, 0)
    traceback = [f"frame {i} " + "x" * 5000 for i in range(80)]
    client.output(
        outs, message("error", {"ename": "AssertionError", "evalue": "wrong", "traceback": traceback}), None, 0
    )
    error = outs[-1]
    assert error.output_type == "error" and error.ename == "AssertionError"
    assert len(error.traceback) == 50 and error.traceback[0].startswith("frame 30 ")  # the innermost frames
    assert max(len(line) for line in error.traceback) == 2000


def test_each_client_has_its_own_budget():
    """The cap is per notebook: a student who used it up leaves the next submission's intact."""
    first = _LimitedClient(v4.new_notebook())
    first.clear_before_next_output = False
    first.max_output_bytes = 10
    first.output([], printed("a" * 100), None, 0)
    second = _LimitedClient(v4.new_notebook())
    second.clear_before_next_output = False
    outs = []
    second.output(outs, printed("hello"), None, 0)
    assert [o.text for o in outs] == ["hello"]


def test_last_line_is_the_last_non_empty_line(tmp_path):
    log = tmp_path / ".kernel-log"
    log.write_text("starting\nsandbox: OSError: unshare: Operation not permitted\n\n   \n")
    assert _last_line(log) == "sandbox: OSError: unshare: Operation not permitted"


def test_last_line_of_a_missing_or_empty_log_is_empty(tmp_path):
    assert _last_line(tmp_path / "none") == ""
    (tmp_path / "empty").write_text("\n\n")
    assert _last_line(tmp_path / "empty") == ""


def test_last_line_reads_only_the_end_of_a_big_log_and_bounds_the_line(tmp_path):
    log = tmp_path / ".kernel-log"
    log.write_bytes(b"first line\n" + b"z" * 1_000_000 + b"\nMemoryError: " + b"m" * 1000 + b"\n")
    line = _last_line(log)
    assert line.startswith("MemoryError: ") and len(line) == 300


def test_last_line_survives_bytes_that_are_not_text(tmp_path):
    log = tmp_path / ".kernel-log"
    log.write_bytes(b"killed \xff\xfe by signal 9\n")
    assert _last_line(log).startswith("killed ") and _last_line(log).endswith("by signal 9")


def test_a_lost_kernel_is_marked_and_its_reason_kept():
    report = ExecutionReport(v4.new_notebook())
    assert not report.kernel_lost and report.problems == []
    report.lost("the kernel died in cell #3")
    assert report.kernel_lost and report.problems == ["the kernel died in cell #3"]


def test_a_memory_error_is_noted_also_when_ipython_could_not_format_its_traceback():
    """Under the memory limit IPython may fail to format the traceback and print a plain one to
    stderr instead: that cell ran out of memory all the same. Other text is not taken for it."""
    from course.autograder.execution import is_memory_error as _is_memory_error

    fallback = (
        "Unexpected exception formatting exception. Falling back to standard exception\n\n"
        'Traceback (most recent call last):\n  File "<cell>", line 3, in <module>\nMemoryError\n'
    )
    assert _is_memory_error(nbformat.v4.new_output("error", ename="MemoryError", evalue="", traceback=[]))
    assert _is_memory_error(nbformat.v4.new_output("stream", name="stderr", text=fallback))
    assert not _is_memory_error(nbformat.v4.new_output("error", ename="ValueError", evalue="", traceback=[]))
    assert not _is_memory_error(nbformat.v4.new_output("stream", name="stdout", text=fallback))
    assert not _is_memory_error(nbformat.v4.new_output("stream", name="stderr", text="MemoryError\n"))


def test_last_line_follows_no_link_and_waits_on_no_fifo(tmp_path):
    """The log is in the student's folder: a link to a secret, or a FIFO that would block the
    grader forever, gives no last words."""
    secret = tmp_path / "secret"
    secret.write_text("the password\n")
    (tmp_path / "link").symlink_to(secret)
    assert _last_line(tmp_path / "link") == ""
    os.mkfifo(tmp_path / "fifo")
    holder = os.open(tmp_path / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(tmp_path / "fifo", os.O_WRONLY)  # a live writer: a plain open() would block on read
    try:
        assert _last_line(tmp_path / "fifo") == ""
    finally:
        os.close(writer)
        os.close(holder)
