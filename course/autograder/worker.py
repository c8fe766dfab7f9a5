"""Grade one submission: the unit of work a `course grade` worker (or `course check`) runs.

A worker copies the submission into a scratch folder of its own, reads each notebook
defensively, rebuilds it around the instructor's template (course.autograder.rebuild), runs it in
a process the zygote forks into the sandbox (the student runner, course.autograder.kernelless; or
a Jupyter kernel: course.autograder.execute, .kernel, .sandbox), ends
whatever the kernel left running (course.autograder.leftovers) and returns what the notebook
earned (course.autograder.verdicts) with the executed notebook. It writes nothing outside its
scratch folder: recording results is the batch's job (course.pipeline.grade).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course.autograder import verdict
from course.autograder.execute import execute
from course.autograder.leftovers import end_processes, end_uid
from course.autograder.limits import Limits
from course.autograder.rebuild import ROLE_TEST, Template, grade_id, rebuild, role_of
from course.autograder.verdicts import score_test_cell, written_responses
from course.autograder.zygote import batch_marker, own_zygote, use_shared_zygote
from course.errors import SubmissionError
from course.paths import course_root, data_dir

UID_BLOCK = 128  # uids per batch: one per worker slot for student kernels, one for verdict kernels
VERDICT_UID_OFFSET = 64  # a slot's verdict kernel runs as its student uid + this


def new_uid_base() -> int:
    """A block of uids no other grading batch on this machine is using (no passwd entry needed).
    Random, so two batches at once (two courses, two graders) neither share process limits nor
    end each other's kernels when they clean up."""
    return random.SystemRandom().randrange(100_000, 2_000_000_000, UID_BLOCK)


def slot_uids(uid_base: int, slot: int) -> tuple[int, int]:
    """(student kernel uid, verdict kernel uid) of a worker slot."""
    student = uid_base + slot % VERDICT_UID_OFFSET
    return student, student + VERDICT_UID_OFFSET


@dataclass
class NotebookResult:
    name: str
    scores: dict[str, float] = field(default_factory=dict)
    responded: dict[str, bool] = field(default_factory=dict)
    graded_json: str | None = None
    problems: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # seconds: fork, run, export, tests


@dataclass
class SubmissionResult:
    student: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(
        default_factory=dict
    )  # seconds: fork, run, export, tests (all notebooks); gradebook

    @property
    def all_problems(self) -> list[str]:
        return self.problems + [f"{n.name}: {p}" for n in self.notebooks for p in n.problems]


@dataclass
class Job:
    uid_base: int
    student: str
    folder: Path
    templates: dict[str, list[dict]]
    checksums: dict[str, dict[str, str]]  # notebook -> written-answer grade id -> released checksum
    scratch_root: Path
    limits: Limits
    hide: list[Path]
    keep: list[Path]
    alone: bool = False  # no other kernel of this process's batch runs meanwhile (course check)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD. JSON may spell one (a submitted cell's
    source holding "\\ud800", or a student's output), Python carries it in a str, and UTF-8
    cannot encode it: written as it is, the graded notebook would stop the batch's parent."""
    return _LONE_SURROGATE.sub("\ufffd", text)


# --- reading submissions ---------------------------------------------------------------------


def read_notebook(path: Path, limits: Limits) -> NotebookNode:
    """Read a submitted notebook, or raise SubmissionError with a reason an instructor can act on."""
    if not path.exists() and not path.is_symlink():
        raise SubmissionError("missing from the submission (links are not followed)")
    if path.is_symlink() or not path.is_file():
        raise SubmissionError("not a regular file")
    size = path.stat().st_size
    if size > limits.max_notebook_bytes:
        raise SubmissionError(f"file is {size / 1e6:.1f} MB, over the {limits.max_notebook_bytes / 1e6:.0f} MB limit")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark, added by some editors: harmless
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SubmissionError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"not valid notebook JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        raise SubmissionError("JSON, but not a notebook (no list of cells)")
    major = data.get("nbformat")
    if major not in (3, 4):
        raise SubmissionError(f"notebook format version {major!r} is not supported (expected 4)")
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise SubmissionError(f"notebook cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from exc
    for cell in notebook.cells:  # a lone surrogate (spelled in JSON) would stop Python compiling the cell
        if isinstance(cell.get("source"), str):
            cell.source = encodable(cell.source)
    return notebook


def _copy_submission(source: Path, target: Path, limits: Limits) -> None:
    """Copy regular files only (no symlinks), within the size limit."""
    total = 0
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        total += path.stat().st_size
        if total > 5 * limits.max_notebook_bytes:
            raise SubmissionError("the submission folder is too large")
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)


def sandbox_paths(root: Path, scratch_root: Path) -> tuple[list[Path], list[Path]]:
    """What the kernel must not see, and what it needs inside those places."""
    hide = [
        Path("/home"),
        Path("/root"),
        Path("/tmp"),
        Path("/mnt"),
        Path("/srv"),
        Path("/opt"),
        root,
        scratch_root,
        Path(tempfile.gettempdir()),
        course_root(),
    ]  # course_root: the repository, with its solutions
    keep = [Path(sys.prefix), Path(sys.base_prefix), Path(__file__).resolve().parents[1], data_dir()]
    keep += [
        Path(p) for p in sys.path if p and Path(p).is_dir() and ("site-packages" in p or p.startswith(sys.base_prefix))
    ]
    return [h.resolve() for h in hide if h.exists()], sorted({k.resolve() for k in keep})


# --- the worker ----------------------------------------------------------------------------------

_SLOT = None
_STOP = None  # set by the parent when the instructor interrupts the batch


def init_worker(counter, stop, zygote_address: str | None, marker: str) -> None:
    """A pool worker's start: its slot (which uid of the batch's block it uses), the batch's stop
    flag, and the batch's zygote."""
    global _SLOT, _STOP
    _STOP = stop
    with counter.get_lock():
        _SLOT = counter.value
        counter.value += 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    use_shared_zygote(zygote_address, marker)


def grade_submission(job: Job) -> SubmissionResult:
    """Grade one submission in its own scratch folder. Never raises for the student's faults."""
    started = time.monotonic()
    result = SubmissionResult(job.student)
    if _STOP is not None and _STOP.value:  # already queued when the batch was interrupted
        result.problems.append("not graded: the batch was interrupted")
        return result
    uid, verdict_uid = slot_uids(job.uid_base, _SLOT or 0)
    workdir = job.scratch_root / job.student
    kernels: list[int] = []
    try:
        workdir.mkdir(parents=True)
        _copy_submission(job.folder, workdir, job.limits)
        if _kernels_get_own_uid():
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, uid, uid)
        for name, cells in job.templates.items():
            result.notebooks.append(_grade_notebook(workdir, name, cells, job, (uid, verdict_uid), kernels))
    except SubmissionError as exc:
        result.problems.append(str(exc))
    except Exception as exc:  # our bug or an unforeseen case: report it, keep the batch going
        result.problems.append(f"grader error: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        _end_leftovers(uid, kernels, job.alone)
        if os.geteuid() == 0:
            end_uid(verdict_uid)
        shutil.rmtree(workdir, ignore_errors=True)
        for folder in job.scratch_root.glob(f"{job.student}.verdict-*"):
            shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.monotonic() - started
    result.problems = [encodable(p) for p in result.problems]  # printed and written by the parent
    for notebook in result.notebooks:
        notebook.problems = [encodable(p) for p in notebook.problems]
        for phase, seconds in notebook.phases.items():
            result.phases[phase] = result.phases.get(phase, 0.0) + seconds
    return result


def _kernels_get_own_uid() -> bool:
    """A root grader runs every kernel under a slot uid of the batch, with namespaces or without;
    never as root (where the slot uid cannot run this Python, grading refuses to start:
    course.autograder.sandbox.require_kernel_uid)."""
    return os.geteuid() == 0


def _end_leftovers(uid: int, kernels: list[int], alone: bool) -> None:
    """End what the submission's kernels left running (see course.autograder.leftovers)."""
    if os.geteuid() == 0:  # kernels ran under the slot's uid: end all of its processes
        end_uid(uid)
    for kernel in kernels:  # without namespaces a kernel leads a session of its own
        end_processes(session=kernel)
    if alone:  # no other kernel carries the marker: sweep it now (a batch sweeps it at its end)
        own = own_zygote()
        end_processes(marker=batch_marker(), spare=frozenset({own.process.pid}) if own else frozenset())


_PLANS: dict[tuple[str, int], verdict.Plan] = {}  # per worker: each template is analysed once


def _plan(name: str, cells: list[dict]) -> tuple[Template, verdict.Plan]:
    template = Template(name, [nbformat.from_dict(c) for c in cells])
    key = (name, hash(json.dumps(cells, sort_keys=True, default=str)))
    if key not in _PLANS:
        _PLANS[key] = verdict.plan(template)
    return template, _PLANS[key]


def _grade_notebook(
    workdir: Path, name: str, cells: list[dict], job: Job, uids: tuple[int, int], kernels: list[int]
) -> NotebookResult:
    """Two kernels (course.autograder.verdict): the student's cells run in the first, which at each
    test's place exports the values the test reads; the tests run in the second, a pristine kernel
    with the instructor's setup cells and those values only."""
    uid, verdict_uid = uids
    template, the_plan = _plan(name, cells)
    outcome = NotebookResult(name)
    try:
        submitted = read_notebook(workdir / name, job.limits)
    except SubmissionError as exc:
        outcome.problems.append(str(exc))
        submitted = nbformat.v4.new_notebook()
    notebook = rebuild(submitted, template)
    report = _run_student(lambda: verdict.student_notebook(notebook, the_plan), workdir, job, uid, kernels)
    if report.kernel_pid:
        kernels.append(report.kernel_pid)
    outcome.problems.extend(report.problems)
    outcome.phases.update(fork=report.seconds_start, run=report.seconds_cells)
    # Nothing of the student's kernel may run while the verdict kernel does.
    t0 = time.monotonic()
    _end_student_processes(uid, kernels)
    collected = verdict.collect(workdir, the_plan, job.limits.max_export_bytes)
    folder = job.scratch_root / f"{job.student}.verdict-{len(kernels)}"
    folder.mkdir(mode=0o700)
    run = verdict.verdict_notebook(the_plan, collected, folder)
    if _kernels_get_own_uid():
        for path in [folder, *folder.iterdir()]:
            os.chown(path, verdict_uid, verdict_uid)
    outcome.phases["export"] = time.monotonic() - t0
    t0 = time.monotonic()
    if verdict.use_runner():
        judged = verdict.judge(run, folder, job.limits, verdict_uid, job.hide, job.keep)
    else:
        judged = execute(
            run.notebook, folder, job.limits, verdict_uid, job.hide, job.keep, skip=verdict.skip_failed_loads(run)
        )
        if judged.kernel_pid:
            kernels.append(judged.kernel_pid)
    outcome.phases["verdict_fork"] = judged.seconds_start
    outcome.phases["tests"] = time.monotonic() - t0 - judged.seconds_start
    outcome.problems.extend(f"checking the answers: {p}" for p in judged.problems)
    merged, ran = verdict.merge(report.notebook, notebook, run, judged.ran)
    outcome.scores = {
        grade_id(c): score_test_cell(c, ran.get(grade_id(c), False)) for c in merged.cells if role_of(c) == ROLE_TEST
    }
    outcome.responded = written_responses(merged, job.checksums.get(name, {}))
    outcome.graded_json = encodable(nbformat.writes(merged))
    return outcome


def _run_student(student_copy, workdir: Path, job: Job, uid: int, kernels: list[int]):
    """Run a fresh `student_copy()` of the notebook in the student's kernel. When the kernel never
    answered, nothing of the student's ran: a start that failed for the grader's reasons (without
    namespaces a kernel binds TCP ports on loopback, and another program may take one between their
    choice and the bind) is tried once more, so the notebook is not graded 0 for it. A second
    failure is reported as it is."""
    report = execute(student_copy(), workdir, job.limits, uid, job.hide, job.keep)
    if report.kernel_lost and report.kernel_pid is None and not report.ran:
        _end_student_processes(uid, kernels)
        report = execute(student_copy(), workdir, job.limits, uid, job.hide, job.keep)
    return report


def _end_student_processes(uid: int, kernels: list[int]) -> None:
    """Every process of the student's kernel ends before the verdict kernel starts: with full
    isolation, all of the sandbox uid's; without, the kernel's session (processes that escaped
    it are contained by Landlock where available: course.autograder.landlock)."""
    if os.geteuid() == 0:
        end_uid(uid)
    for kernel in kernels:
        end_processes(session=kernel)
