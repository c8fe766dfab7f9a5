"""`course grade`: autograde every submission of an assignment, in parallel, safely.

Flow: the parent reads the instructor's templates (notebooks/<assignment>/) and the gradebook,
finds submitted/<student>/<assignment>/, starts the batch's kernel zygote (course.grading.zygote)
and hands one submission at a time to a pool of worker processes. A worker copies the submission
into a scratch folder of its own, reads each notebook defensively, rebuilds it around the template
(course.grading.rebuild), runs it in a kernel the zygote forks into the sandbox
(course.grading.execute, .kernel, .sandbox), ends whatever the kernel left running
(course.grading.leftovers) and returns scores and the executed notebook. Only the parent
writes: autograded/<student>/<assignment>/ and the gradebook, one submission at a time, so one
bad submission can never change another student's grade.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course.grading.execute import Limits, execute, scores
from course.grading.kernel import zygote_supported
from course.grading.leftovers import end_processes, end_uid
from course.grading.rebuild import ROLE_WRITTEN, Template, rebuild, role_of
from course.grading.sandbox import full_isolation_available
from course.grading.zygote import Zygote, ZygoteError, batch_marker, own_zygote, use_shared_zygote
from course.paths import course_root, data_dir, grading_root

STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}")
UID_BLOCK = 64  # uids per batch: one per worker slot


def new_uid_base() -> int:
    """A block of uids no other grading batch on this machine is using (no passwd entry needed).
    Random, so two batches at once (two courses, two graders) neither share process limits nor
    end each other's kernels when they clean up."""
    return random.SystemRandom().randrange(100_000, 2_000_000_000, UID_BLOCK)


class SubmissionError(ValueError):
    """A submitted file cannot be graded; the message says why, for the instructor's list."""


@dataclass
class NotebookResult:
    name: str
    scores: dict[str, float] = field(default_factory=dict)
    responded: dict[str, bool] = field(default_factory=dict)
    graded_json: str | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class SubmissionResult:
    student: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def all_problems(self) -> list[str]:
        return self.problems + [f"{n.name}: {p}" for n in self.notebooks for p in n.problems]


@dataclass
class Job:
    uid_base: int
    student: str
    folder: Path
    templates: dict[str, list[dict]]
    checksums: dict[str, dict[str, str]]
    scratch_root: Path
    limits: Limits
    hide: list[Path]
    keep: list[Path]
    alone: bool = False  # no other kernel of this process's batch runs meanwhile (course check)


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
        return nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise SubmissionError(f"notebook cannot be read: {type(exc).__name__}: {str(exc)[:200]}") from exc


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


# --- the worker ----------------------------------------------------------------------------------

_SLOT = None
_STOP = None  # set by the parent when the instructor interrupts the batch


def _init_worker(counter, stop, zygote_address: str | None, marker: str) -> None:
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
    uid = job.uid_base + (_SLOT or 0) % UID_BLOCK
    workdir = job.scratch_root / job.student
    kernels: list[int] = []
    try:
        workdir.mkdir(parents=True)
        _copy_submission(job.folder, workdir, job.limits)
        if full_isolation_available():
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, uid, uid)
        for name, cells in job.templates.items():
            result.notebooks.append(_grade_notebook(workdir, name, cells, job, uid, kernels))
    except SubmissionError as exc:
        result.problems.append(str(exc))
    except Exception as exc:  # our bug or an unforeseen case: report it, keep the batch going
        result.problems.append(f"grader error: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        _end_leftovers(uid, kernels, job.alone)
        shutil.rmtree(workdir, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return result


def _end_leftovers(uid: int, kernels: list[int], alone: bool) -> None:
    """End what the submission's kernels left running (see course.grading.leftovers)."""
    if full_isolation_available():
        end_uid(uid)
        return
    for kernel in kernels:  # without namespaces a kernel leads a session of its own
        end_processes(session=kernel)
    if alone:  # no other kernel carries the marker: sweep it now (a batch sweeps it at its end)
        own = own_zygote()
        end_processes(marker=batch_marker(), spare=frozenset({own.process.pid}) if own else frozenset())


def _grade_notebook(workdir: Path, name: str, cells: list[dict], job: Job, uid: int, kernels: list[int]) -> NotebookResult:
    template = Template(name, [nbformat.from_dict(c) for c in cells])
    outcome = NotebookResult(name)
    try:
        submitted = read_notebook(workdir / name, job.limits)
    except SubmissionError as exc:
        outcome.problems.append(str(exc))
        submitted = nbformat.v4.new_notebook()
    notebook = rebuild(submitted, template)
    report = execute(notebook, workdir, job.limits, uid, job.hide, job.keep)
    if report.kernel_pid:
        kernels.append(report.kernel_pid)
    outcome.problems.extend(report.problems)
    outcome.scores = scores(report)
    from nbgrader.utils import compute_checksum
    for cell in report.notebook.cells:
        if role_of(cell) == ROLE_WRITTEN:
            gid = cell.metadata["nbgrader"]["grade_id"]
            stub = job.checksums.get(name, {}).get(gid)
            outcome.responded[gid] = bool(cell.source.strip()) and compute_checksum(cell) != stub
    outcome.graded_json = nbformat.writes(report.notebook)
    return outcome


# --- the parent ----------------------------------------------------------------------------------

def find_submissions(root: Path, assignment: str, students: list[str] | None = None) -> tuple[list[tuple[str, Path]], list[str]]:
    """(student, folder) pairs under submitted/, and the names that were skipped with why."""
    found, skipped = [], []
    base = root / "submitted"
    for folder in sorted(base.glob(f"*/{assignment}")) if base.is_dir() else []:
        student = folder.parent.name
        if students and student not in students:
            continue
        if not STUDENT_ID.fullmatch(student) or folder.is_symlink():
            skipped.append(f"{student!r}: not a usable student id or folder")
            continue
        found.append((student, folder))
    return found, skipped


def load_templates(root: Path, assignment: str) -> dict[str, list[dict]]:
    folder = root / "notebooks" / assignment
    templates = {p.name: [dict(c) for c in nbformat.read(p, as_version=4).cells] for p in sorted(folder.glob("*.ipynb"))}
    if not templates:
        raise SystemExit(f"no source notebooks in {folder}")
    return templates


def sandbox_paths(root: Path, scratch_root: Path) -> tuple[list[Path], list[Path]]:
    """What the kernel must not see, and what it needs inside those places."""
    hide = [Path("/home"), Path("/root"), Path("/tmp"), Path("/mnt"), Path("/srv"), Path("/opt"), root, scratch_root,
            Path(tempfile.gettempdir()), course_root()]  # course_root: the repository, with its solutions
    keep = [Path(sys.prefix), Path(sys.base_prefix), Path(__file__).resolve().parents[1], data_dir()]
    keep += [Path(p) for p in sys.path if p and Path(p).is_dir() and ("site-packages" in p or p.startswith(sys.base_prefix))]
    return [h.resolve() for h in hide if h.exists()], sorted({k.resolve() for k in keep})


class Progress:
    """One line per finished submission, with an estimate of the time left."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total, self.done, self.started, self.stream = total, 0, time.monotonic(), stream
        self.first: float | None = None

    def update(self, result: SubmissionResult) -> None:
        self.done += 1
        now = time.monotonic()
        elapsed = now - self.started
        self.first = self.first or now
        # the pace since the first result: the start-up (workers, the zygote) is not paid again
        pace = (now - self.first) / (self.done - 1) if self.done > 1 else elapsed
        eta = pace * (self.total - self.done)
        bar = "#" * int(20 * self.done / self.total)
        status = "ok" if not result.all_problems else f"{len(result.all_problems)} problem(s)"
        print(f"[{bar:<20}] {self.done}/{self.total}  {elapsed:5.0f}s elapsed, ETA {eta:4.0f}s  {result.student}: {status}",
              file=self.stream, flush=True)


@dataclass
class BatchReport:
    assignment: str
    results: list[SubmissionResult]
    skipped: list[str]
    seconds: float
    isolation: str
    uid_base: int


def grade_assignment(assignment: str, root: Path | None = None, db_url: str | None = None, jobs: int | None = None,
                     limits: Limits = Limits(), students: list[str] | None = None, progress: bool = True) -> BatchReport:
    from course.grading.gradebook import open_gradebook, release_checksums

    root = (root or grading_root()).resolve()
    started = time.monotonic()
    templates = load_templates(root, assignment)
    with open_gradebook(root, db_url) as gb:
        checksums = release_checksums(gb, assignment, list(templates))
    submissions, skipped = find_submissions(root, assignment, students)
    # One zygote for the batch: it imports the kernel's libraries while the workers start.
    marker = secrets.token_hex(8)  # carried by every kernel of the batch (course.grading.leftovers)
    shared = Zygote(marker) if submissions and zygote_supported() else None
    scratch_root = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(scratch_root, 0o711)
    hide, keep = sandbox_paths(root, scratch_root)
    # One worker more than CPUs: a worker and its kernel take turns (a message, then a cell), so
    # an extra worker keeps every CPU busy (measured with benchmarks/autograde_speed.py).
    jobs = max(1, min(jobs or (os.cpu_count() or 1) + 1, len(submissions) or 1))
    meter = Progress(len(submissions)) if progress and submissions else None
    results: list[SubmissionResult] = []
    uid_base = new_uid_base()
    todo = [Job(uid_base, s, f, templates, checksums, scratch_root, limits, hide, keep) for s, f in submissions]
    try:
        address = None
        if shared:
            try:
                shared.wait_listening()
                address = shared.address
            except ZygoteError:
                pass  # each worker then tries to start its own, and any failure is reported per submission
        with open_gradebook(root, db_url) as gb:
            while todo:
                todo = _run_pool(todo, jobs, results, meter, root, assignment, gb, address, marker)
                jobs = 1  # after a broken pool, isolate the culprit by grading the rest one at a time
    finally:
        if shared:
            shared.close()  # its kernels end with it
        if not full_isolation_available():  # and whatever they started in sessions of their own
            end_processes(marker=marker)
        shutil.rmtree(scratch_root, ignore_errors=True)
    isolation = "full (namespaces, no network, hidden course files)" if full_isolation_available() else \
        "partial (resource limits only: run as root on a kernel that allows namespaces for full isolation)"
    return BatchReport(assignment, results, skipped, time.monotonic() - started, isolation, uid_base)


def _run_pool(todo: list[Job], jobs: int, results: list, meter, root: Path, assignment: str, gb,
              zygote_address: str | None, marker: str) -> list[Job]:
    """Grade `todo`; return the jobs that must be retried because a worker process was killed."""
    from course.grading.gradebook import write_result

    # forkserver, not fork: the parent holds a gradebook connection that must not be shared.
    # The server imports this module once, and every worker starts with it already imported.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    counter, stop = context.Value("i", 0), context.Value("b", 0)
    pending = {}
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                             initargs=(counter, stop, zygote_address, marker)) as pool:
        pending = {pool.submit(grade_submission, job): job for job in todo}
        try:
            for future in as_completed(pending):
                job = pending[future]
                result = future.result()
                write_result(gb, root, assignment, job.folder, result)
                results.append(result)
                if meter:
                    meter.update(result)
        except KeyboardInterrupt:
            # Stop now: without this the pool would grade every queued submission before exiting,
            # and throw the results away. What is recorded so far stays recorded.
            stop.value = 1
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        except BrokenProcessPool:
            finished = {r.student for r in results}
            left = [job for job in pending.values() if job.student not in finished]
            if len(left) == 1 or jobs == 1:
                culprit, rest = left[0], left[1:]
                failed = SubmissionResult(culprit.student, problems=["the submission killed the grading process"])
                write_result(gb, root, assignment, culprit.folder, failed)
                results.append(failed)
                if meter:
                    meter.update(failed)
                return rest
            return left
    return []
