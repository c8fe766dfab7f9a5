"""Execute one rebuilt notebook in a sandboxed kernel and score its test cells.

Limits: a timeout per cell (the cell is interrupted; if the kernel does not respond within a few
seconds, nothing more is run), a wall-time budget per submission, a cap on the output kept, and
the sandbox's limits on memory, processes and files. Scores follow nbgrader's rule for test
cells (an error scores zero; a numeric result gives partial credit; otherwise full marks), with
one deliberate difference: text on stderr, such as a warning, does not cost points.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from course.grading.rebuild import ROLE_TEST, role_of
from course.grading.sandbox import UNSHARE, full_isolation_available


@dataclass(frozen=True)
class Limits:
    """Grading limits; the defaults suit the course's notebooks (each runs in about 2 s)."""

    cell_timeout: float = 60.0
    submission_timeout: float = 300.0
    memory_mb: int = 2048
    max_processes: int = 256
    max_output_bytes: int = 1_000_000
    max_notebook_bytes: int = 20_000_000


@dataclass
class ExecutionReport:
    notebook: NotebookNode
    problems: list[str] = field(default_factory=list)
    executed_upto: int = -1  # index of the last cell that ran


class _LimitedClient(NotebookClient):
    """nbclient that keeps at most `max_output_bytes` of output, but always keeps errors."""

    max_output_bytes = 1_000_000
    _spent = 0
    _truncated = False

    def output(self, outs, msg, display_id, cell_index):
        kind = msg["header"]["msg_type"]
        if kind != "error":
            self._spent += len(json.dumps(msg.get("content", {}), default=str))
            if self._spent > self.max_output_bytes:
                if not self._truncated:
                    self._truncated = True
                    outs.append(nbformat.v4.new_output("stream", name="stdout",
                                                       text="\n[output truncated by the grader: too much output]\n"))
                return None
        else:
            content = msg["content"]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-50:]]
        return super().output(outs, msg, display_id, cell_index)


class _SandboxSpecs(KernelSpecManager):
    """Serves one kernelspec: the python3 kernel wrapped by course.grading.sandbox."""

    def __init__(self, spec: KernelSpec, **kwargs):
        super().__init__(**kwargs)
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self._spec


def kernel_environment(workdir: Path) -> dict[str, str]:
    """A clean environment for the kernel: nothing of the instructor's (tokens, database URLs)."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    from course.paths import data_dir
    return keep | {
        "HOME": str(workdir), "TMPDIR": str(workdir), "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "COURSE_DATA_DIR": str(data_dir()),
        "PYTHONNOUSERSITE": "1", "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": str(workdir / ".ipython"),
        "MPLCONFIGDIR": str(workdir / ".matplotlib"),
    }


def sandbox_spec(workdir: Path, limits: Limits, uid: int, hide: list[Path], keep: list[Path]) -> KernelSpec:
    # With namespaces, call unshare directly (one Python start-up fewer per kernel).
    launcher = [*UNSHARE, sys.executable, "-m", "course.grading.sandbox", "--inner"] if full_isolation_available() \
        else [sys.executable, "-m", "course.grading.sandbox"]
    argv = [*launcher, "--workdir", str(workdir), "--uid", str(uid),
            "--memory-mb", str(limits.memory_mb), "--max-processes", str(limits.max_processes),
            "--cpu-seconds", str(int(limits.submission_timeout) + 30)]
    argv += [a for h in hide for a in ("--hide", str(h))] + [a for k in keep for a in ("--keep", str(k))]
    argv += ["--", sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    return KernelSpec(argv=argv, display_name="Python 3 (grading sandbox)", language="python",
                      interrupt_mode="message", env=kernel_environment(workdir))


def execute(notebook: NotebookNode, workdir: Path, limits: Limits, uid: int,
            hide: list[Path], keep: list[Path]) -> ExecutionReport:
    """Run every cell in order in a fresh sandboxed kernel; never raises for the student's faults."""
    report = ExecutionReport(notebook)
    try:
        asyncio.run(_execute(notebook, workdir, limits, uid, hide, keep, report))
    except Exception as exc:  # a kernel that cannot start, a broken connection: never fatal to the batch
        report.problems.append(f"grading stopped: {type(exc).__name__}: {str(exc)[:300]}")
    return report


async def _execute(notebook, workdir, limits, uid, hide, keep, report) -> None:
    spec = sandbox_spec(workdir, limits, uid, hide, keep)
    transport = "ipc" if full_isolation_available() else "tcp"
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_SandboxSpecs(spec), transport=transport,
                            ip=str(workdir / ".kernel") if transport == "ipc" else "127.0.0.1",
                            connection_file=str(workdir / ".kernel.json"))
    # nbclient's own timeout is a backstop; the watchdog below interrupts first.
    client = _LimitedClient(notebook, km=km, timeout=int(limits.cell_timeout) + 30, allow_errors=True,
                            interrupt_on_timeout=False, record_timing=False, startup_timeout=60,
                            iopub_timeout=5, shutdown_kernel="immediate")
    client.max_output_bytes = limits.max_output_bytes
    started = time.monotonic()
    try:
        # the kernel's own console output ("To connect another client...") is noise here
        async with client.async_setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                if time.monotonic() - started > limits.submission_timeout:
                    report.problems.append(f"the submission used up its {limits.submission_timeout:.0f} s; "
                                           f"cells from #{index} on did not run")
                    break
                outcome = await _run_cell(client, km, cell, index, limits.cell_timeout)
                if outcome == "ok":
                    report.executed_upto = index
                elif outcome == "timeout":
                    report.problems.append(f"cell #{index} ran longer than {limits.cell_timeout:.0f} s and was interrupted")
                    cell.outputs.append(nbformat.v4.new_output("error", ename="TimeoutError",
                                                               evalue=f"cell exceeded {limits.cell_timeout:.0f} s", traceback=[]))
                    report.executed_upto = index
                    if not await _responsive(client, km):
                        report.problems.append("the kernel did not respond after the interrupt; later cells did not run")
                        break
                else:
                    report.problems.append(f"the kernel died in cell #{index} (crash, memory or process limit)")
                    cell.outputs.append(nbformat.v4.new_output("error", ename="DeadKernelError", evalue="kernel died", traceback=[]))
                    break
    finally:
        try:
            await km.shutdown_kernel(now=True)
        except Exception:
            pass
        # nbclient registers an exit-time cleanup for this kernel; it is already shut down
        atexit.unregister(client._cleanup_kernel)


async def _run_cell(client: NotebookClient, km: AsyncKernelManager, cell: NotebookNode, index: int, timeout: float) -> str:
    """'ok', 'timeout' or 'dead': a watchdog around nbclient, which can wait forever on a dead kernel."""
    task = asyncio.ensure_future(client.async_execute_cell(cell, index))
    deadline = time.monotonic() + timeout
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.2)
        if done:
            error = task.exception()  # retrieved here, so asyncio does not report it as lost
            if error is None:
                return "ok"
            if isinstance(error, DeadKernelError):
                return "dead"
            if isinstance(error, CellTimeoutError):
                return "timeout"
            raise error
        if not await km.is_alive():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return "dead"
        if time.monotonic() > deadline:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return "timeout"


async def _responsive(client: NotebookClient, km: AsyncKernelManager, wait: float = 5.0) -> bool:
    """After an interrupt, does the kernel run a trivial cell within `wait` seconds?"""
    try:
        await km.interrupt_kernel()
        return await _run_cell(client, km, nbformat.v4.new_code_cell("pass"), 0, wait) == "ok"
    except Exception:
        return False


def score_test_cell(cell: NotebookNode, ran: bool) -> float:
    """Points earned by one test cell (nbgrader's rule, without the stderr penalty)."""
    points = float(cell.metadata["nbgrader"]["points"])
    if not ran:
        return 0.0
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return 0.0
    for output in cell.get("outputs", []):
        if output.output_type == "execute_result":
            try:
                return max(0.0, min(float(output.data["text/plain"]), points))
            except (KeyError, ValueError, TypeError):
                pass
    return points


def scores(report: ExecutionReport) -> dict[str, float]:
    """Auto scores of the test cells, by grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: score_test_cell(cell, index <= report.executed_upto)
            for index, cell in enumerate(report.notebook.cells) if role_of(cell) == ROLE_TEST}
