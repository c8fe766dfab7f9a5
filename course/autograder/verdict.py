"""Test verdicts decided where student code cannot reach: a second, pristine kernel.

The guarantee: student code may change its own answers, never whether a test passes.

    student kernel (forked, sandboxed, uid A)          verdict kernel (forked, sandboxed, uid B)
    ---------------------------------------            ------------------------------------------
    the student's cells, in the student's order        the template's read-only (setup) cells
    at each test cell's place: an EXPORT cell  --+     for each test, in template order:
      writes the names the test reads as data    |       a LOADER cell binds the checked values
      (course.autograder.values.export)          |       the test cell, the instructor's code
                                                 |
              grader (worker process) <----------+---->  values.json (checked, canonical)
              reads .course-export/*.json without following links, size-capped,
              json only, only known tags, only the names each test reads (values.check)

What runs in the verdict kernel is the instructor's code and plain data: numbers, text, dates,
lists, dicts, numpy scalars, pandas tables rebuilt by allow-listed constructors. No student code,
no student object, no pickle. Whatever the student's code did to its own kernel (exception hooks,
traceback display, input or AST transformers, run_cell, ipykernel, course.checks, builtins,
pandas methods, sys.settrace, signal handlers, threads, os._exit, stdout) happened in the other
kernel, which has ended (with every process of its uid or session) before this one starts.

"The student's kernel" here is whatever runs the student's cells: on Linux the student runner
(course.autograder.kernelless, a forked process without a Jupyter kernel), else a Jupyter kernel.

The notebook the student and the instructor see is the student's executed notebook with each
test cell's outputs taken from the verdict kernel. Scores follow nbgrader's rule on those outputs.

Where the verdict runs: by default in the kernel-less verdict runner (course.autograder.runner), a
process forked from the zygote before any student code ran, into the same sandbox as kernels;
COURSE_GRADING_VERDICT=kernel uses a second Jupyter kernel instead. Uid B differs from A when the
grader is root (never uid 0: course.autograder.sandbox); a grader without root runs both as its
own account, and then Landlock keeps processes the student's kernel left behind from opening the
verdict's folder or signalling it (Linux 6.12+ for signals). The student's processes are ended
before the verdict starts in every mode.

Limits of the guarantee (also in docs/instructor-guide.md, "What grading guarantees"):
- a test sees the student's values, not the student's kernel: a test that inspects a file the
  student wrote, a figure, stdout, or an object that is not data cannot be checked this way (it
  must declare its reads, or the exercise must ask for data);
- a function answer is checked on the arguments its test passes (literal ones are found in the
  test's code; others are declared in the cell's metadata); the results are computed in the
  student's kernel, so they are the student's answers too;
- names the setup cells define come from the verdict kernel: a student who reassigns `events`
  does not change what the test's `events` is (stock nbgrader would use the student's);
- the student's kernel runs first and decides which values exist: a submission that kills its
  kernel before a test's place gets zero for that test, as with nbgrader.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course import settings
from course.autograder.reads import Reads, cell_reads, defined_names
from course.autograder.rebuild import ROLE_LOCKED, ROLE_TEST, Template, grade_id, new_cell, new_notebook, role_of
from course.autograder.values import EXPORT_DIR, Invalid, check, read_export

VALUES_FILE = "values.json"  # in the verdict kernel's scratch folder, written by the grader
NOT_CHECKED = "AnswerNotCheckable"  # ename of the error output of a test whose values could not be read


@dataclass
class Plan:
    """What the verdict needs from one template: the cells the verdict kernel runs and, for each
    test, the names it reads."""

    name: str
    setup: list[NotebookNode]  # read-only code cells, in template order (tests interleaved below)
    order: list[tuple[str, str | int]]  # ("setup", index into setup) or ("test", grade id)
    tests: dict[str, NotebookNode]
    reads: dict[str, Reads]
    problems: list[str] = field(default_factory=list)  # for the instructor: tests that cannot be planned


def plan(template: Template) -> Plan:
    """Find, for each test cell of `template`, the names it reads (course.autograder.reads), less
    the names the read-only cells before it define; a test cell's metadata may declare them:
    {"course": {"reads": [...], "calls": {"f": ["3", "x=2"]}}}."""
    setup, order, tests, reads, problems = [], [], {}, {}, []
    provided: set[str] = set()
    for cell in template.cells:
        if cell.cell_type != "code":
            continue
        role = role_of(cell)
        if role == ROLE_LOCKED:
            order.append(("setup", len(setup)))
            setup.append(cell)
            try:
                provided |= defined_names(cell.source)
            except SyntaxError:
                pass
        elif role == ROLE_TEST:
            gid = grade_id(cell)
            declared = cell.metadata.get("course") or {}
            try:
                found = cell_reads(cell.source, provided)
            except SyntaxError as exc:
                found = Reads()
                problems.append(f"{gid}: the test cell is not valid Python ({exc.msg}); it will fail")
            if "reads" in declared:
                found = Reads(required=list(declared["reads"]), calls=found.calls)
            for name, argument_lists in (declared.get("calls") or {}).items():
                found.calls[name] = list(argument_lists)
                found.uncallable.pop(name, None)
            for name, site in found.uncallable.items():
                if name in found.required:
                    problems.append(
                        f"{gid}: calls {site!r} with computed arguments; if `{name}` is a function "
                        f'answer, declare them: {{"course": {{"calls": {{"{name}": [...]}}}}}}'
                    )
            order.append(("test", gid))
            tests[gid] = cell
            reads[gid] = found
    return Plan(template.name, setup, order, tests, reads, problems)


def export_source(gid: str, reads: Reads) -> str:
    """The cell the student's kernel runs in place of test `gid`."""
    # builtins.globals(), not globals(): a notebook may have a variable called `globals`
    return (
        f"__import__('course.autograder.values', fromlist=['export']).export("
        f"__import__('builtins').globals(), {gid!r}, {reads.required!r}, {reads.optional!r}, {reads.calls!r})"
    )


def student_notebook(rebuilt: NotebookNode, the_plan: Plan) -> NotebookNode:
    """The rebuilt notebook with every test cell's code replaced by its export cell."""
    notebook = copy.deepcopy(rebuilt)
    for cell in notebook.cells:
        if role_of(cell) == ROLE_TEST and grade_id(cell) in the_plan.reads:
            cell.source = export_source(grade_id(cell), the_plan.reads[grade_id(cell)])
            cell.outputs = []
    return notebook


@dataclass
class Collected:
    documents: dict[str, dict]  # grade id -> checked export (only tests whose export exists)
    problems: list[str] = field(default_factory=list)


def collect(workdir: Path, the_plan: Plan, max_bytes: int) -> Collected:
    """Read and check the student kernel's exports (after that kernel and its processes ended)."""
    result = Collected({})
    try:
        folder = os.open(workdir / EXPORT_DIR, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return result  # no test's place was reached
    try:
        for gid, reads in the_plan.reads.items():
            try:
                raw = read_export(folder, gid, max_bytes)
                if raw is not None:
                    result.documents[gid] = check(raw, gid, reads.required, reads.optional, reads.calls)
            except Invalid as exc:
                result.documents[gid] = {"invalid": str(exc)}
    finally:
        os.close(folder)
    return result


def loader_source(values_path: str, gid: str) -> str:
    return f"__import__('course.autograder.values', fromlist=['load']).load(globals(), {values_path!r}, {gid!r})"


@dataclass
class VerdictRun:
    notebook: NotebookNode
    test_cells: dict[str, int]  # grade id -> index of its test cell in `notebook`
    loader_cells: dict[str, int]
    verdicts: dict[str, str] = field(default_factory=dict)  # grade id -> a failure decided before running


def verdict_notebook(the_plan: Plan, collected: Collected, folder: Path) -> VerdictRun:
    """The verdict kernel's notebook (setup, then loader and test for each test whose place the
    student's kernel reached), and the values file it reads, written to `folder`."""
    cells, tests, loaders, verdicts, documents = [], {}, {}, {}, {}
    values_path = str(folder / VALUES_FILE)
    for kind, key in the_plan.order:
        if kind == "setup":
            cells.append(new_cell("code", the_plan.setup[key].source))
            continue
        gid = key
        document = collected.documents.get(gid)
        if document is None:
            continue  # the student's kernel never reached this test: it did not run (scores 0)
        if "invalid" in document:
            verdicts[gid] = f"the values this test reads could not be read: {document['invalid']}"
        elif document["refused"]:
            verdicts[gid] = "; ".join(document["refused"].values())
        else:
            documents[gid] = document
            loaders[gid] = len(cells)
            cells.append(new_cell("code", loader_source(values_path, gid)))
            tests[gid] = len(cells)
            cells.append(new_cell("code", the_plan.tests[gid].source))
    with open(folder / VALUES_FILE, "w", encoding="utf-8") as file:
        json.dump(documents, file, allow_nan=False, separators=(",", ":"))
    notebook = new_notebook(cells)
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return VerdictRun(notebook, tests, loaders, verdicts)


def skip_failed_loads(run: VerdictRun):
    """For execute(): do not run a test whose loader cell failed; its error becomes the test's."""
    test_of = {index: gid for gid, index in run.test_cells.items()}

    def skip(index: int, notebook: NotebookNode) -> str | None:
        gid = test_of.get(index)
        if gid is None:
            return None
        loader = notebook.cells[run.loader_cells[gid]]
        errors = [o for o in loader.get("outputs", []) if o.get("output_type") == "error"]
        return f"{errors[0].get('evalue', '')}" if errors else None

    return skip


def merge(
    student_run: NotebookNode, rebuilt: NotebookNode, run: VerdictRun, ran: set[int]
) -> tuple[NotebookNode, dict[str, bool]]:
    """The notebook to record: the student's executed cells, the template's test cells with the
    verdict kernel's outputs. Returns it and, per test, whether it ran."""
    merged = copy.deepcopy(student_run)
    ran_by_test: dict[str, bool] = {}
    for cell, original in zip(merged.cells, rebuilt.cells, strict=False):
        if role_of(cell) != ROLE_TEST:
            continue
        gid = grade_id(cell)
        cell.source = original.source
        cell.execution_count = None
        if gid in run.verdicts:
            cell.outputs = [
                nbformat.v4.new_output(
                    "error",
                    ename=NOT_CHECKED,
                    evalue=run.verdicts[gid],
                    traceback=[f"{NOT_CHECKED}: {run.verdicts[gid]}"],
                )
            ]
            ran_by_test[gid] = True
        elif gid in run.test_cells:
            verdict_cell = run.notebook.cells[run.test_cells[gid]]
            cell.outputs = copy.deepcopy(verdict_cell.get("outputs", []))
            ran_by_test[gid] = run.test_cells[gid] in ran
        else:
            cell.outputs = []
            ran_by_test[gid] = False
    return merged, ran_by_test


# --- the verdict runner: the same pristine process, without a Jupyter kernel -------------------------


def use_runner() -> bool:
    """The runner needs the zygote (Linux); elsewhere, and with COURSE_GRADING_VERDICT=kernel, the
    verdict runs in a second Jupyter kernel through execute()."""
    from course.autograder.kernel import zygote_supported

    return zygote_supported() and settings.VERDICT.get() != "kernel"


@dataclass
class Judged:
    ran: set[int]
    problems: list[str]
    seconds_start: float = 0.0


def judge(run: VerdictRun, folder: Path, limits, uid: int, hide: list[Path], keep: list[Path]) -> Judged:
    """Run `run.notebook` in the verdict runner, forked by the zygote into the sandbox as `uid`,
    in a cgroup of its own (or watched); fill in its cells' outputs."""
    import select
    import time

    from course.autograder import cgroups, exposure, runner
    from course.autograder.sandbox import MARKER, SandboxOptions, full_isolation_available, require_kernel_uid
    from course.autograder.zygote import batch_marker, kernel_environment, zygote

    require_kernel_uid()
    loader_of = {index: run.loader_cells[gid] for gid, index in run.test_cells.items()}
    job = {
        "cells": [{"source": c.source, "unless_error_in": loader_of.get(i)} for i, c in enumerate(run.notebook.cells)],
        "cell_timeout": limits.cell_timeout,
        "max_output_bytes": limits.max_output_bytes,
    }
    (folder / runner.INPUT).write_text(json.dumps(job))
    judged = Judged(set(), [])
    group = None
    where = cgroups.hierarchy()
    started = time.monotonic()
    pidfd = -1
    try:
        if where is not None:
            group = cgroups.KernelCgroup.create(where, f"verdict-{uid}", limits.memory_mb << 20, limits.max_processes)
        options = SandboxOptions(
            workdir=str(folder),
            uid=uid,
            namespaces=full_isolation_available(),
            hide=tuple(map(str, hide)),
            keep=tuple(map(str, keep)),
            limits=limits,
            cgroup=group.paths if group else (),
            landlock=exposure.kernel_should_be_restricted(),
        )
        pid, pidfd = zygote().spawn(
            options,
            str(folder / runner.INPUT),
            [],
            kernel_environment(folder) | {MARKER: batch_marker()},
            runner="verdict",
        )
        judged.seconds_start = time.monotonic() - started
        watch = cgroups.TreeWatch(pid, limits.memory_mb << 20, limits.max_processes) if group is None else None
        deadline = started + limits.submission_timeout
        while not select.select([pidfd], [], [], 0.2)[0]:
            if watch is not None and watch.check():
                judged.problems.append("the verdict runner went over its memory or process limit")
                break
            if time.monotonic() > deadline:
                judged.problems.append(f"the tests took longer than {limits.submission_timeout:.0f} s")
                break
        try:
            signal_kill = __import__("signal")
            signal_kill.pidfd_send_signal(pidfd, signal_kill.SIGKILL)
        except OSError:
            pass
    except Exception as exc:  # never fatal to the batch
        judged.problems.append(f"the tests could not run: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        if pidfd >= 0:
            os.close(pidfd)
        if group is not None:
            if group.oom_kills():
                judged.problems.append(cgroups.limit_message(limits.memory_mb))
            group.remove()
    try:
        with open(folder / runner.OUTPUT, "rb") as file:
            produced = json.loads(file.read(4 * limits.max_output_bytes + 10_000_000))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        produced = []
    for index, outputs in enumerate(produced[: len(run.notebook.cells)]):
        if isinstance(outputs, list):
            try:
                run.notebook.cells[index].outputs = [nbformat.from_dict(o) for o in outputs if isinstance(o, dict)]
                judged.ran.add(index)
            except Exception:
                pass
    return judged
