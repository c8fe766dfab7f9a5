"""What running a notebook's cells reports, whatever ran them (a Jupyter kernel,
course.autograder.execute, or the student runner, course.autograder.kernelless): the report, the
error outputs the grader writes into cells it stopped, and a dead kernel's last words. One copy,
so both paths tell the student and the instructor the same thing."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course.autograder import cgroups
from course.autograder.limits import Limits
from course.autograder.sandbox import KERNEL_LOG


@dataclass
class ExecutionReport:
    notebook: NotebookNode
    problems: list[str] = field(default_factory=list)
    executed_upto: int = -1  # index of the last cell that ran
    kernel_pid: int | None = None  # the process the zygote forked (without namespaces, the kernel)
    kernel_lost: bool = False  # the kernel died, or could not be started or reached
    ran: set[int] = field(default_factory=set)  # indexes of the cells that ran (to the end or to an error)
    seconds_start: float = 0.0  # from the request to the kernel answering (fork, sandbox, ipykernel)
    seconds_cells: float = 0.0  # running the cells
    peak_bytes: int | None = None  # the kernel group's peak memory (with a cgroup)

    def lost(self, problem: str) -> None:
        """The kernel is gone: record why (its last words are added by `execute`)."""
        self.kernel_lost = True
        self.problems.append(problem)


def last_words(workdir: Path) -> str:
    """The last line a dead kernel (or the sandbox around it) wrote to its error output."""
    return _last_line(workdir / KERNEL_LOG)


def _last_line(log: Path) -> str:
    """The log is in the student's folder, where student code may have put a link, a FIFO or a
    huge file in its place: never followed, never waited on, at most its last 4 KB read."""
    try:
        fd = os.open(log, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        size = os.fstat(fd)
        if not stat.S_ISREG(size.st_mode):
            return ""
        tail = os.pread(fd, 4096, max(0, size.st_size - 4096))
    except OSError:
        return ""
    finally:
        os.close(fd)
    lines = [line.strip() for line in tail.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def death_output(index: int, limits: Limits, group, watch) -> tuple[str, nbformat.NotebookNode]:
    """Why the kernel ended in cell `index` (the problem to report) and the error output for the
    cell: over the process limit, over the memory limit, or a crash."""
    if watch is not None and watch.too_many:
        why = f"the kernel started more than {limits.max_processes} processes and was stopped"
        return f"cell #{index}: {why}", grader_error("ProcessLimitExceeded", why)
    if (group is not None and group.oom_kills()) or (watch is not None and watch.exceeded):
        why = cgroups.limit_message(limits.memory_mb)
        return f"cell #{index}: {why}", grader_error("MemoryLimitExceeded", why)
    return (
        f"the kernel died in cell #{index} (crash, memory or process limit)",
        grader_error("DeadKernelError", "kernel died", traceback=False),
    )


def grader_error(ename: str, why: str, traceback: bool = True) -> nbformat.NotebookNode:
    """The error output the grader writes into a cell it stopped or did not run: nbgrader scores
    the test 0, and feedback shows `why`."""
    return nbformat.v4.new_output("error", ename=ename, evalue=why, traceback=[f"{ename}: {why}"] if traceback else [])


def is_memory_error(output) -> bool:
    """A MemoryError in a cell: an error output, or, when IPython itself ran out of memory while
    formatting the traceback, the plain traceback it falls back to on stderr. (Only a note in the
    problem list: what a student prints cannot change a score.)"""
    if output.get("output_type") == "error":
        return output.get("ename") == "MemoryError"
    if output.get("output_type") == "stream" and output.get("name") == "stderr":
        text = output.get("text", "")
        return "Traceback (most recent call last)" in text and text.rstrip().endswith("MemoryError")
    return False
