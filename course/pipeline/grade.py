"""`course grade`: autograde every submission of an assignment, in parallel, safely.

The parent reads the instructor's templates (notebooks/<assignment>/) and the gradebook, finds
submitted/<student>/<assignment>/, starts the batch's kernel zygote (course.autograder.zygote) and
hands one submission at a time to a pool of worker processes, each of which grades it with
course.autograder.worker. Only the parent writes: autograded/<student>/<assignment>/ and the
gradebook, one submission at a time, so one bad submission can never change another student's
grade.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from course.errors import IsolationError, UsageError
from course.paths import grading_root, source_notebooks
from course.pipeline.students import usable_student_id

if TYPE_CHECKING:
    from course.autograder.limits import Limits
    from course.autograder.worker import Job, SubmissionResult

# The worker module, imported once by the pool's server (forkserver) and inherited by every worker.
WORKER_MODULE = "course.autograder.worker"


def start_worker_server() -> None:
    """Start the pool's server now, so that it imports the worker module (a second or more: the
    notebook, Jupyter and nbgrader libraries) while this process imports and reads the rest.
    `course grade` calls this first thing; this module imports nothing heavy at its top for the
    same reason. Idempotent; the server ends with this process."""
    import multiprocessing.forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([WORKER_MODULE])
    multiprocessing.forkserver.ensure_running()


def find_submissions(
    root: Path, assignment: str, students: list[str] | None = None
) -> tuple[list[tuple[str, Path]], list[str]]:
    """(student, folder) pairs under submitted/, and the names that were skipped with why."""
    found, skipped = [], []
    base = root / "submitted"
    for folder in sorted(base.glob(f"*/{assignment}")) if base.is_dir() else []:
        student = folder.parent.name
        if students and student not in students:
            continue
        if not usable_student_id(student) or folder.is_symlink() or folder.parent.is_symlink():
            skipped.append(f"{student!r}: not a usable student id or folder")
            continue
        found.append((student, folder))
    return found, skipped


def load_templates(root: Path, assignment: str) -> dict[str, list[dict]]:
    """The instructor's notebooks of `assignment`, as cells, by notebook name."""
    import nbformat

    templates = {
        p.name: [dict(c) for c in nbformat.read(p, as_version=4).cells] for p in source_notebooks(assignment, root)
    }
    if not templates:
        raise UsageError(f"no source notebooks for {assignment!r} in {root / 'notebooks'}")
    return templates


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
        print(
            f"[{bar:<20}] {self.done}/{self.total}  {elapsed:5.0f}s elapsed, ETA {eta:4.0f}s  "
            f"{result.student}: {status}",
            file=self.stream,
            flush=True,
        )


@dataclass
class BatchReport:
    assignment: str
    results: list[SubmissionResult]
    skipped: list[str]
    seconds: float
    isolation: str
    uid_base: int
    given_back: int = 0  # files and folders handed from root to the course's owner (course.pipeline.ownership)


def grade_assignment(
    assignment: str,
    root: Path | None = None,
    db_url: str | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
    students: list[str] | None = None,
    progress: bool = True,
    insecure: bool = False,
) -> BatchReport:
    """Grade every submission of `assignment` (or only `students`'); `limits` default to the
    course's (course.autograder.limits)."""
    from course.autograder.exposure import isolation_level, refusal
    from course.autograder.kernel import zygote_supported
    from course.autograder.leftovers import end_processes
    from course.autograder.limits import Limits
    from course.autograder.sandbox import full_isolation_available, require_kernel_uid
    from course.autograder.zygote import Zygote, ZygoteError

    root = (root or grading_root()).resolve()
    limits = limits or Limits.from_config(root)
    require_kernel_uid()  # never kernels as root, --insecure or not
    level = isolation_level()
    if level == "none":
        if not insecure:
            raise IsolationError(refusal(root))
        print(refusal(root).replace("or accept the risk with", "you accepted the risk with"), file=sys.stderr)
    started = time.monotonic()
    submissions, skipped = find_submissions(root, assignment, students)
    # One zygote for the batch, started before anything else is read: it imports the kernels'
    # libraries while this process reads the templates and the gradebook and the workers start.
    marker = secrets.token_hex(8)  # carried by every kernel of the batch (course.autograder.leftovers)
    shared = Zygote(marker) if submissions and zygote_supported() else None
    if submissions:
        start_worker_server()
    scratch_root = Path(tempfile.mkdtemp(prefix="course-grade-"))
    os.chmod(scratch_root, 0o711)
    results: list[SubmissionResult] = []
    try:
        from course.autograder.worker import Job, new_uid_base, sandbox_paths
        from course.pipeline.gradebook import open_gradebook, release_checksums

        templates = load_templates(root, assignment)
        with open_gradebook(root, db_url) as gb:
            checksums = release_checksums(gb, assignment, list(templates))
        hide, keep = sandbox_paths(root, scratch_root)
        # One worker more than CPUs: a worker and its kernel take turns (a message, then a cell), so
        # an extra worker keeps every CPU busy (measured with benchmarks/autograde_speed.py).
        jobs = max(1, min(jobs or (os.cpu_count() or 1) + 1, len(submissions) or 1))
        meter = Progress(len(submissions)) if progress and submissions else None
        uid_base = new_uid_base()
        todo = [Job(uid_base, s, f, templates, checksums, scratch_root, limits, hide, keep) for s, f in submissions]
        address = None
        if shared:
            try:
                shared.wait_listening()
                address = shared.ticket  # its socket and its token
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
        # graded as root (`sudo course grade`): the instructor's files stay the instructor's
        from course.pipeline.ownership import give_back

        given_back = give_back(root, _written_by_grading(root, assignment, results, db_url))
    from course.autograder import cgroups, landlock

    isolation = {
        "namespaces": "full (namespaces, no network, hidden course files)",
        "landlock": f"without namespaces: {landlock.summary()} (course files, gradebook, other students and "
        "network out of reach)",
        "none": "NONE (--insecure: student code could read what this account can)",
    }[level] + f"; limits: {cgroups.describe()}"
    return BatchReport(assignment, results, skipped, time.monotonic() - started, isolation, uid_base, given_back)


def _written_by_grading(root: Path, assignment: str, results: list[SubmissionResult], db_url: str | None) -> list[Path]:
    from course.config import database_url
    from course.pipeline.ownership import sqlite_files

    graded = [root / "autograded" / r.student / assignment for r in results]
    return graded + sqlite_files(database_url(root, db_url))


def _run_pool(
    todo: list[Job],
    jobs: int,
    results: list,
    meter,
    root: Path,
    assignment: str,
    gb,
    zygote_address: str | None,
    marker: str,
) -> list[Job]:
    """Grade `todo`; return the jobs that must be retried because a worker process was killed."""
    from course.autograder.worker import SubmissionResult, grade_submission, init_worker
    from course.pipeline.results import write_result

    # forkserver, not fork: the parent holds a gradebook connection that must not be shared. The
    # server (started by grade_assignment, restarted by multiprocessing if it ever died) imports the
    # worker module once, and every worker starts with it already imported.
    context = multiprocessing.get_context("forkserver")
    counter, stop = context.Value("i", 0), context.Value("b", 0)
    pending = {}
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=init_worker, initargs=(counter, stop, zygote_address, marker)
    ) as pool:
        pending = {pool.submit(grade_submission, job): job for job in todo}
        try:
            for future in as_completed(pending):
                job = pending[future]
                result = future.result()
                t0 = time.monotonic()
                try:
                    write_result(gb, root, assignment, job.folder, result)
                except Exception as exc:  # our bug or an unforeseen case: said, and the batch goes on
                    gb.db.rollback()
                    result.problems.append(f"not recorded in the gradebook: {type(exc).__name__}: {str(exc)[:300]}")
                result.phases["gradebook"] = time.monotonic() - t0
                for notebook in result.notebooks:  # written: the batch keeps only scores and problems
                    notebook.graded_json = None
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
