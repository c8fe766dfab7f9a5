"""Hostile and broken submissions: one bad submission never stops the batch, never changes
another student's grade, never reaches the course files, the gradebook or the network, and
leaves no process behind. Honest students are not penalised for warnings or extra cells.

Uses a small assignment built here (no pandas), so the 39 cases grade in well under a minute.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from course.autograder.limits import Limits
from course.autograder.sandbox import MARKER, full_isolation_available
from course.autograder.worker import UID_BLOCK
from course.nbgrader_run import environment_for_tools, run_nbgrader
from course.paths import course_root
from course.pipeline import results
from course.pipeline.grade import grade_assignment
from tests.helpers import (
    IN_SANDBOX_ONLY,
    carries,
    cmdline,
    course_argv,
    destructive_cases_can_run,
    gradebook_scores,
    in_session,
    name,
    owner,
    pids,
    running,
)
from tests.unit_fixtures import wait_until

pytestmark = pytest.mark.slow
ASSIGNMENT = "adv"
TESTS = ("test-answer", "test-double", "test-last")


def _cell(kind, source, **meta):
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if meta:
        cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False, "locked": False, **meta}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        _cell("md", "# Adversarial test assignment", grade_id="intro", locked=True),
        _cell("code", "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", grade_id="answer", solution=True),
        _cell("code", "assert answer == 42", grade_id="test-answer", grade=True, locked=True, points=1),
        _cell(
            "code",
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            grade_id="double",
            solution=True,
        ),
        _cell(
            "code",
            "assert double(3) == 6\n### BEGIN HIDDEN TESTS\nassert double(-2) == -4\n### END HIDDEN TESTS",
            grade_id="test-double",
            grade=True,
            locked=True,
            points=1,
        ),
        _cell(
            "md",
            "### BEGIN SOLUTION\nAn essay.\n### END SOLUTION",
            grade_id="essay",
            grade=True,
            solution=True,
            points=1,
        ),
        _cell("code", '### BEGIN SOLUTION\nlast = "done"\n### END SOLUTION', grade_id="last", solution=True),
        _cell("code", 'assert last == "done"', grade_id="test-last", grade=True, locked=True, points=1),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


# --- the cases --------------------------------------------------------------------------------------


def with_answer(code: str):
    """The honest solution, with the answer cell replaced."""

    def build(nb):
        nb.cells[1].source = code
        return nb

    return build


def replaced(text: str, old: str, new: str) -> str:
    """The submitted file's text with `old` replaced once (which must be there: a case that
    changes nothing would prove nothing)."""
    assert old in text, old
    return text.replace(old, new, 1)


def edit(fn):
    def build(nb):
        fn(nb)
        return nb

    return build


FULL = {"test-answer": 1, "test-double": 1, "test-last": 1}
ALL_ZERO = {"test-answer": 0, "test-double": 0, "test-last": 0}
ANSWER_LOST = {"test-answer": 0, "test-double": 1, "test-last": 1}


def _strip_all(nb):
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)


CASES = {
    # (how to build the submitted file, expected scores, problem text)
    "truncated-json": ("raw", lambda text: text[: len(text) // 2], ALL_ZERO, "not valid notebook JSON"),
    "binary-garbage": ("bytes", lambda text: bytes(range(256)) * 50, ALL_ZERO, "not UTF-8"),
    "empty-file": ("raw", lambda text: "", ALL_ZERO, "not valid notebook JSON"),
    "json-not-a-notebook": ("raw", lambda text: '{"hello": 1}', ALL_ZERO, "not a notebook"),
    "future-nbformat": ("raw", lambda text: text.replace('"nbformat": 4', '"nbformat": 5'), ALL_ZERO, "format version"),
    "utf16": ("bytes", lambda text: text.encode("utf-16"), ALL_ZERO, "not UTF-8"),
    # JSON can spell a lone surrogate, which UTF-8 cannot encode: the graded notebook is written all
    # the same (the character replaced) and the batch's parent goes on
    "lone-surrogate-in-source": (
        "raw",
        lambda text: text.replace("answer = 42", "answer = 42  # \\ud800", 1),
        FULL,
        None,
    ),
    "lone-surrogate-in-output": ("nb", with_answer("print('\\ud800')\nanswer = 42"), FULL, None),
    "huge-file": (
        "raw",
        lambda text: text.replace('"metadata": {', '"metadata": {"pad": "' + "x" * 25_000_000 + '", ', 1),
        ALL_ZERO,
        "limit",
    ),
    "utf8-bom-honest": ("bytes", lambda text: b"\xef\xbb\xbf" + text.encode(), FULL, None),
    "deleted-test-cell": ("nb", edit(lambda nb: nb.cells.pop(4)), FULL, None),
    "deleted-answer-cell": ("nb", edit(lambda nb: nb.cells.pop(1)), ANSWER_LOST, None),
    "duplicated-answer-cell": (
        "nb",
        edit(lambda nb: nb.cells.insert(2, nbformat.from_dict({**nb.cells[1], "id": "copy-of-answer"}))),
        FULL,
        None,
    ),
    "split-answer-cell": (
        "nb",
        edit(
            lambda nb: (
                setattr(nb.cells[1], "source", "x = 40"),
                nb.cells.insert(2, nbformat.v4.new_code_cell("answer = x + 2")),
            )
        ),
        FULL,
        None,
    ),
    "extra-cells-honest": (
        "nb",
        edit(
            lambda nb: (
                nb.cells.insert(1, nbformat.v4.new_markdown_cell("my notes")),
                nb.cells.insert(5, nbformat.v4.new_code_cell("helper = double(10)")),
            )
        ),
        FULL,
        None,
    ),
    "forged-test-replaced": (
        "nb",
        edit(
            lambda nb: (
                setattr(nb.cells[1], "source", "answer = 0"),
                setattr(nb.cells[2], "source", "pass"),
                nb.cells[2].metadata["nbgrader"].update(solution=True, grade=False),
            )
        ),
        ANSWER_LOST,
        None,
    ),
    "forged-points": ("nb", edit(lambda nb: nb.cells[2].metadata["nbgrader"].update(points=100)), FULL, None),
    "metadata-stripped": ("nb", edit(_strip_all), FULL, None),
    "renamed-grade-id": ("nb", edit(lambda nb: nb.cells[4].metadata["nbgrader"].update(grade_id="my-own")), FULL, None),
    "stderr-warnings-honest": (
        "nb",
        edit(
            lambda nb: setattr(
                nb.cells[3],
                "source",
                "import sys, warnings\ndef double(x):\n    print('debug', file=sys.stderr)\n"
                "    warnings.warn('careful')\n    return 2 * x",
            )
        ),
        FULL,
        None,
    ),
    "kernel-exit": ("nb", with_answer("import os\nos._exit(1)"), ALL_ZERO, "kernel died"),
    "segfault": ("nb", with_answer("import ctypes\nctypes.string_at(0)"), ALL_ZERO, "kernel died"),
    "infinite-loop": ("nb", with_answer("while True:\n    pass\nanswer = 42"), ANSWER_LOST, "interrupted"),
    "interrupt-ignoring-loop": (
        "nb",
        with_answer(
            "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass"
        ),
        ALL_ZERO,
        "did not respond",
    ),
    "sleep-forever": ("nb", with_answer("import time\ntime.sleep(10**6)"), ANSWER_LOST, "interrupted"),
    "memory-bomb": (
        "nb",
        with_answer(IN_SANDBOX_ONLY + "block = bytearray(16 * 1024**3)\nanswer = 42"),
        ANSWER_LOST,
        None,
    ),
    # the loop stops at the process limit (or at 5000), then the answer is set: the kernel goes on
    "fork-bomb": (
        "nb",
        with_answer(
            IN_SANDBOX_ONLY + "import os, time\nfor _ in range(5000):\n    try:\n"
            "        if os.fork() == 0:\n            time.sleep(60)\n            os._exit(0)\n"
            "    except OSError:\n        break\nanswer = 42"
        ),
        FULL,
        None,
    ),
    # the sandboxed uid may not signal the namespace's root-owned init: the cell fails, nothing else
    "kill-parent": (
        "nb",
        with_answer(IN_SANDBOX_ONLY + "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nanswer = 42"),
        ANSWER_LOST,
        None,
    ),
    # kill(-1) reaches only the sandbox's own processes (Linux spares the caller): the grader is untouched
    "kill-everything": (
        "nb",
        with_answer(IN_SANDBOX_ONLY + "import os, signal\nos.kill(-1, signal.SIGKILL)"),
        ANSWER_LOST,
        None,
    ),
    "output-flood": ("nb", with_answer("for i in range(100_000):\n    print('spam ' * 40)\nanswer = 42"), FULL, None),
    "network": (
        "nb",
        with_answer("import urllib.request\nanswer = int(urllib.request.urlopen(URL, timeout=3).read())"),
        ANSWER_LOST,
        None,
    ),
    "read-solutions": (
        "nb",
        with_answer("answer = 42 if 'answer = 42' in open(SOURCE).read() else 0"),
        ANSWER_LOST,
        None,
    ),
    "read-repository-solutions": (
        "nb",
        with_answer("answer = 42 if 'BEGIN SOLUTION' in open(REPO_SOURCE).read() else 0"),
        ANSWER_LOST,
        None,
    ),
    "read-gradebook": ("nb", with_answer("answer = len(open(GRADEBOOK, 'rb').read())"), ANSWER_LOST, None),
    "read-other-student": (
        "nb",
        with_answer(
            "import glob\nanswer = 42 if glob.glob('../honest-1/*') or glob.glob(SUBMITTED + '/honest-1/*/*') else 0"
        ),
        ANSWER_LOST,
        None,
    ),
    "write-course-data": ("nb", with_answer("open(DATA_FILE, 'a').write('hacked')\nanswer = 42"), ANSWER_LOST, None),
    "background-process": (
        "nb",
        with_answer("import subprocess\nsubprocess.Popen(['sleep', '300'], start_new_session=True)\nanswer = 42"),
        FULL,
        None,
    ),
    "symlink-notebook": ("symlink", None, ALL_ZERO, "missing"),
    # the kernel is forked by the grader's zygote: nothing of the grader may come with it
    "grader-environment": (
        "nb",
        with_answer(
            "import os\nanswer = 0 if {'PYTEST_CURRENT_TEST', 'COURSE_GRADER_SECRET'} & set(os.environ) else 42"
        ),
        FULL,
        None,
    ),
    "inherited-grader-socket": (
        "nb",
        with_answer(  # getsockopt(SO_TYPE) on every descriptor: a SEQPACKET one is the zygote's
            "import ctypes\nlibc, answer = ctypes.CDLL(None), 0\nfor fd in range(3, 256):\n"
            "    kind, size = ctypes.c_int(0), ctypes.c_uint(4)\n"
            "    if libc.getsockopt(fd, 1, 3, ctypes.byref(kind), ctypes.byref(size)) == 0 and kind.value == 5:\n"
            "        answer = 42"
        ),
        ANSWER_LOST,
        None,
    ),
    "find-the-zygote": ("nb", with_answer("import glob\nanswer = 42 if glob.glob(ZYGOTES) else 0"), ANSWER_LOST, None),
}


class _Spy(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"42")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("adversarial-course")
    shutil.copy2(course_root() / "nbgrader_config.py", course)
    (course / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), course / "notebooks" / ASSIGNMENT / "adv.ipynb")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")

    server = http.server.HTTPServer(("127.0.0.1", 0), _Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    names = {
        "URL": f"http://127.0.0.1:{server.server_port}/secret",
        "SOURCE": str(course / "notebooks" / ASSIGNMENT / "adv.ipynb"),
        "REPO_SOURCE": str(next((course_root() / "notebooks").glob("*/*.ipynb"))),
        "GRADEBOOK": str(course / "gradebook.db"),
        "SUBMITTED": str(course / "submitted"),
        "DATA_FILE": str(course_root() / "data" / "events.csv"),
        "ZYGOTES": str(Path(tempfile.gettempdir()) / "course-zygote-*" / "zygote.sock"),
    }
    honest_text = nbformat.writes(source_notebook())
    submitted = course / "submitted"
    for student in ("honest-1", "honest-2"):
        (submitted / student / ASSIGNMENT).mkdir(parents=True)
        (submitted / student / ASSIGNMENT / "adv.ipynb").write_text(honest_text)
    for case, (kind, build, _, _) in CASES.items():
        folder = submitted / case / ASSIGNMENT
        folder.mkdir(parents=True)
        target = folder / "adv.ipynb"
        if kind == "raw":
            target.write_text(build(honest_text))
        elif kind == "bytes":
            target.write_bytes(build(honest_text))
        elif kind == "symlink":
            target.symlink_to("/etc/passwd")
        else:
            nb = build(source_notebook())
            for cell in nb.cells:  # longest names first, so SOURCE does not clobber REPO_SOURCE
                for key in sorted(names, key=len, reverse=True):
                    cell.source = cell.source.replace(key, repr(names[key]))
            nbformat.write(nb, target)
    (submitted / "timestamp-garbage" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "timestamp-garbage" / ASSIGNMENT / "adv.ipynb").write_text(honest_text)
    (submitted / "timestamp-garbage" / ASSIGNMENT / "timestamp.txt").write_text("\x00not a date" * 1000)
    (submitted / "unrecordable" / ASSIGNMENT).mkdir(parents=True)
    (submitted / "unrecordable" / ASSIGNMENT / "adv.ipynb").write_text(honest_text)

    protected = [
        course / "notebooks",
        course / "nbgrader_config.py",
        course_root() / "data",
        course_root() / "notebooks",
    ]
    before = _fingerprint(protected)
    os.environ["COURSE_GRADER_SECRET"] = "the gradebook's password"
    real_write = results.write_result

    def write_failing_once(gb, root, assignment, folder, result):  # a fault of ours, for one student
        if result.student == "unrecordable":
            raise RuntimeError("simulated: the gradebook refused this one")
        return real_write(gb, root, assignment, folder, result)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(results, "write_result", write_failing_once)
        report = grade_assignment(
            ASSIGNMENT,
            root=course,
            jobs=2,
            progress=False,
            limits=Limits(
                cell_timeout=3, submission_timeout=25, memory_mb=1024, max_processes=64, max_notebook_bytes=10_000_000
            ),
        )
    del os.environ["COURSE_GRADER_SECRET"]
    after = _fingerprint(protected)
    server.shutdown()
    scores = recorded_scores(course)
    return {
        "course": course,
        "report": report,
        "scores": scores,
        "before": before,
        "after": after,
        "spy_hits": _Spy.hits,
    }


def _fingerprint(paths):
    digest = {}
    for path in paths:
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file():
                digest[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return digest


def test_the_batch_grades_everyone(batch):
    graded = {r.student for r in batch["report"].results}
    assert graded == set(CASES) | {"honest-1", "honest-2", "timestamp-garbage", "unrecordable"}


def test_a_submission_that_cannot_be_recorded_is_said_and_the_batch_goes_on(batch):
    result = next(r for r in batch["report"].results if r.student == "unrecordable")
    assert any(p.startswith("not recorded in the gradebook: RuntimeError") for p in result.problems)
    assert all(batch["scores"][(student, t)] == 1 for student in ("honest-1", "honest-2") for t in TESTS)


def test_honest_students_get_full_marks(batch):
    for student in ("honest-1", "honest-2", "timestamp-garbage"):
        result = next(r for r in batch["report"].results if r.student == student)
        got = {t: batch["scores"][(student, t)] for t in TESTS}
        assert got == FULL, f"{student}: {got}; problems: {result.all_problems}"
        assert batch["scores"][(student, "essay")] is None  # awaits manual grading


# cases that act only inside a grading sandbox under a slot uid (tests.helpers.IN_SANDBOX_ONLY)
DESTRUCTIVE = ("fork-bomb", "kill-parent", "kill-everything", "memory-bomb")


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_is_contained(batch, case):
    if case in DESTRUCTIVE and not destructive_cases_can_run():
        pytest.skip("kernels run as this account here: a destructive case refuses to act, so it proves nothing")
    _, _, expected, problem = CASES[case]
    result = next(r for r in batch["report"].results if r.student == case)
    got = {t: batch["scores"][(case, t)] for t in TESTS}
    assert got == expected, f"{case}: {got} != {expected}; problems: {result.all_problems}"
    if problem:
        assert any(problem in p for p in result.all_problems), (
            f"{case}: expected a problem mentioning {problem!r}, got {result.all_problems}"
        )


def test_course_files_and_data_are_untouched(batch):
    assert batch["before"] == batch["after"]


def test_no_network_request_left_the_sandbox(batch):
    if not full_isolation_available():
        pytest.skip("network isolation needs root and a kernel that allows namespaces (CI has both)")
    assert batch["spy_hits"] == 0


def test_no_process_is_left_behind(batch):
    base = batch["report"].uid_base
    leftovers = [(pid, cmdline(pid)[:80]) for pid in pids() if base <= (owner(pid) or -1) < base + UID_BLOCK]
    assert not leftovers


def test_grading_records_why(batch):
    report = json.loads(
        (batch["course"] / "autograded" / "kernel-exit" / ASSIGNMENT / "grading-report.json").read_text()
    )
    assert any("kernel died" in p for p in report["problems"])
    flood = batch["course"] / "autograded" / "output-flood" / ASSIGNMENT / "adv.ipynb"
    assert flood.stat().st_size < 3_000_000 and "output truncated" in flood.read_text()


def make_course(where: Path, answers: dict[str, str]) -> Path:
    """A released copy of the test assignment with one submission per student, each with its answer cell."""
    where.mkdir()
    shutil.copy2(course_root() / "nbgrader_config.py", where)
    (where / "notebooks" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), where / "notebooks" / ASSIGNMENT / "adv.ipynb")
    run_nbgrader(where, "generate_assignment", ASSIGNMENT, "--force")
    for student, answer in answers.items():
        folder = where / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(with_answer(answer)(source_notebook()), folder / "adv.ipynb")
    return where


def recorded_scores(course: Path) -> dict[tuple[str, str], float]:
    return gradebook_scores(course, ASSIGNMENT)


def test_two_batches_at_once_do_not_interfere(tmp_path):
    """Two graders on one machine (two courses, or two terminals) must not end each other's kernels."""
    courses = [
        make_course(tmp_path / folder, {f"s{student}": "answer = 42" for student in range(4)})
        for folder in ("course-a", "course-b")
    ]
    batches = [
        subprocess.Popen(
            course_argv("grade", ASSIGNMENT, "--jobs", "2"),
            cwd=c,
            env=environment_for_tools(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for c in courses
    ]
    outputs = [b.communicate(timeout=300)[0] for b in batches]
    for course, output in zip(courses, outputs, strict=True):
        assert "no problems" in output, output
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            assert all(s.score == 3 for s in gb.find_assignment(ASSIGNMENT).submissions)


LIMITS_ONLY = {
    # student: (answer cell, expected scores)
    "honest-a": ("answer = 42", FULL),
    "honest-b": ("answer = 42", FULL),
    "slow-honest": ("import time\ntime.sleep(3)\nanswer = 42", FULL),  # runs while others are cleaned up
    "escaping-program": (
        "import subprocess\nsubprocess.Popen(['sleep', '301'], start_new_session=True)\nanswer = 42",
        FULL,
    ),
    "escaping-fork": (
        "import ctypes, os, time\nif os.fork() == 0:\n    os.setsid()\n"
        "    ctypes.CDLL(None).prctl(15, b'escaped-fork', 0, 0, 0)\n    time.sleep(302)\n    os._exit(0)\nanswer = 42",
        FULL,
    ),
    "kernel-exit": ("import os\nos._exit(1)", ALL_ZERO),
}


@pytest.mark.parametrize("kernels", ["forked", "started"])
def test_without_namespaces_students_stay_apart_and_nothing_is_left(tmp_path, kernels):
    """The fallback for graders without root (a JupyterHub pod, a laptop): kernels share the
    grader's uid, so leftovers are found by session and by the batch's marker. Cleaning up after
    one student must not end another student's kernel that is still running. "started": kernels
    launched the usual way, as on systems where the zygote cannot run (macOS)."""
    course = make_course(tmp_path / "course", {student: answer for student, (answer, _) in LIMITS_ONLY.items()})
    env = environment_for_tools() | {"COURSE_GRADING_ISOLATION": "limits"}
    if kernels == "started":
        env["COURSE_GRADING_NO_ZYGOTE"] = "1"
    done = subprocess.run(
        course_argv("grade", ASSIGNMENT, "--jobs", "3", "--cell-timeout", "10"),
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode == 2 and ("never runs as root" in done.stderr or "cannot isolate" in done.stderr):
        pytest.skip(f"course grade refused without namespaces here, as it must: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    assert "isolation: without namespaces" in done.stdout
    scores = recorded_scores(course)
    for student, (_, expected) in LIMITS_ONLY.items():
        assert {t: scores[(student, t)] for t in TESTS} == expected, (student, done.stdout)
    time.sleep(0.5)
    left = [(pid, name(pid)) for pid in pids() if _escaped(pid)]
    assert not left, left


def _escaped(pid: int) -> bool:
    """A student's leftover still running (a zombie, already ended and waiting for init to
    collect it, does not count)."""
    return running(pid) and (name(pid) == "escaped-fork" or cmdline(pid) == "sleep 301")


def test_ctrl_c_stops_the_batch_at_once_and_keeps_what_was_graded(tmp_path):
    """The instructor presses Ctrl-C (SIGINT to the terminal's process group) after the first
    result: the command ends within seconds, not after grading the queue; no kernel takes the
    signal as a KeyboardInterrupt in a student's cell (every recorded score is full); nothing is
    left running."""
    course = make_course(
        tmp_path / "course", {f"s{n:02d}": "import time\ntime.sleep(2)\nanswer = 42" for n in range(16)}
    )
    batch = subprocess.Popen(
        course_argv("grade", ASSIGNMENT, "--jobs", "2"),
        cwd=course,
        env=environment_for_tools(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a terminal's foreground job gets Ctrl-C. A test run started in the background by a
        # non-interactive shell (a CI runner, `cmd &`) has SIGINT ignored, and an ignored signal is
        # inherited through exec, so the grader would never see the test's Ctrl-C
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # a process group of its own, as a terminal's foreground job
    for line in batch.stderr:
        if "1/16" in line:
            break
    time.sleep(1.0)  # kernels are in the middle of a cell
    forked = [pid for pid in pids() if in_session(pid, batch.pid) and "course.autograder.zygote" in cmdline(pid)]
    assert len(forked) == 1, "only the zygote may share the terminal's session; kernels must not get its Ctrl-C"
    # the batch's marker, carried by its zygote and everything the zygote forked (kernels, keepers,
    # runners, what they started): this batch's processes, not another program's on the machine
    marker = psutil.Process(forked[0]).environ()[MARKER]
    assert marker and any(carries(pid, marker) for pid in pids() if pid != forked[0]), "no kernel was running"
    os.killpg(batch.pid, signal.SIGINT)
    pressed = time.monotonic()
    rest = batch.stderr.read()
    assert batch.wait(timeout=60) == 130, rest
    assert time.monotonic() - pressed < 10, "the batch went on after Ctrl-C"
    assert "interrupted" in rest
    scores = recorded_scores(course)
    graded = {student for student, _ in scores}
    assert 1 <= len(graded) < 16
    assert all(scores[(student, t)] == 1 for student in graded for t in TESTS), scores

    # nothing of the batch is left: they end on their own (the zygote with its owner, each kernel
    # with its zygote), so wait for that state rather than a fixed time
    def left() -> list[int]:
        return [pid for pid in pids() if running(pid) and (in_session(pid, batch.pid) or carries(pid, marker))]

    assert wait_until(lambda: not left(), timeout=10), [(pid, cmdline(pid)) for pid in left()]


def test_a_fork_bomb_does_not_starve_the_next_student_of_processes(tmp_path):
    """One worker, a fork bomb then an honest student under the same sandbox uid: the bomb's
    processes are still being collected when the next kernel starts, and would count against its
    process limit (the kernel then cannot start its threads) unless the grader waits for them."""
    if not destructive_cases_can_run():
        pytest.skip("kernels run as this account here: the fork bomb refuses to act")
    bomb = CASES["fork-bomb"][1](source_notebook()).cells[1].source
    # graded in name order by one worker: bomb, honest, bomb, honest...
    answers = {f"{n}-a-bomb": bomb for n in range(4)} | {f"{n}-b-honest": "answer = 42" for n in range(4)}
    course = make_course(tmp_path / "course", answers)
    report = grade_assignment(
        ASSIGNMENT,
        root=course,
        jobs=1,
        progress=False,
        limits=Limits(cell_timeout=3, submission_timeout=25, memory_mb=1024, max_processes=64),
    )
    scores = recorded_scores(course)
    for n in range(4):
        student = f"{n}-b-honest"
        problems = next(r for r in report.results if r.student == student).all_problems
        assert {t: scores[(student, t)] for t in TESTS} == FULL, (student, problems)
