"""Execute one rebuilt notebook in a sandboxed kernel.

Limits (course.autograder.limits): a timeout per cell (the cell is interrupted; if the kernel
does not respond within a few seconds, nothing more is run), a wall-time budget per submission, a
cap on the output kept, the sandbox's limits on memory, processes and each file, and the disk
all the kernel's files take together (course.autograder.disk). What the executed notebook earns
is course.autograder.verdicts' business.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from course.autograder import cgroups, compat, kernelless
from course.autograder.disk import DiskWatch
from course.autograder.execution import ExecutionReport, death_output, grader_error, is_memory_error, last_words
from course.autograder.kernel import kernel_manager, zygote_supported
from course.autograder.limits import Limits
from course.autograder.zygote import zygote


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
                    outs.append(
                        nbformat.v4.new_output(
                            "stream", name="stdout", text="\n[output truncated by the grader: too much output]\n"
                        )
                    )
                return None
        else:
            content = msg["content"]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-50:]]
        try:
            return super().output(outs, msg, display_id, cell_index)
        except (KeyError, TypeError, ValueError, AttributeError):
            # a malformed message (the kernel's display machinery was tampered with): drop it,
            # never stop grading the notebook because of it
            return None

    if compat.DISPLAY_UPDATE.present:

        def _update_display_id(self, display_id, msg):
            """An update rewrites every output shown with its display id: it costs its size once for
            each, or 20,000 tiny outputs and one large update would make gigabytes of notebook."""
            targets = sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
            self._spent += len(json.dumps(msg.get("content", {}), default=str)) * targets
            if self._spent > self.max_output_bytes:
                return None
            return super()._update_display_id(display_id, msg)


def execute(
    notebook: NotebookNode,
    workdir: Path,
    limits: Limits,
    uid: int,
    hide: list[Path],
    keep: list[Path],
    skip=None,
    kernel: bool = False,
) -> ExecutionReport:
    """Run every cell in order in a fresh sandboxed kernel; never raises for the student's faults.
    `skip(index, notebook)`, if given, is asked before each cell: a message means "do not run it;
    record this error instead" (the verdict kernel skips a test whose values could not be loaded).
    Where the zygote runs, and unless `kernel` or `skip` asks for a Jupyter kernel, the cells run
    in the student runner instead (course.autograder.kernelless), with the same limits and report."""
    if not kernel and skip is None and kernelless.enabled():
        return kernelless.execute_kernelless(notebook, workdir, limits, uid, hide, keep)
    report = ExecutionReport(notebook)
    group = None
    try:
        where = cgroups.hierarchy()
        if where is not None:
            group = cgroups.KernelCgroup.create(where, str(uid), limits.memory_mb << 20, limits.max_processes)
        if zygote_supported():
            zygote()  # started (or restarted) here, in the calling thread, before the event loop
        asyncio.run(_execute(notebook, workdir, limits, uid, hide, keep, report, skip, group))
    except Exception as exc:  # a kernel that cannot start, a broken connection: never fatal to the batch
        report.lost(f"grading stopped: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        if group is not None:
            report.peak_bytes = group.peak_bytes()
            group.remove()  # ends whatever the kernel left running, however it detached itself
    if report.kernel_lost:
        words = last_words(workdir)
        if words:
            report.problems.append(f"the kernel's last error output: {words}")
    return report


async def _execute(notebook, workdir, limits, uid, hide, keep, report, skip=None, group=None) -> None:
    from course.autograder.exposure import kernel_should_be_restricted

    km = kernel_manager(
        workdir, uid, hide, keep, limits, cgroup=group.paths if group else (), landlock=kernel_should_be_restricted()
    )
    # nbclient's own timeout is a backstop; the watchdog below interrupts first.
    client = _LimitedClient(
        notebook,
        km=km,
        timeout=int(limits.cell_timeout) + 30,
        allow_errors=True,
        interrupt_on_timeout=False,
        record_timing=False,
        startup_timeout=60,
        iopub_timeout=5,
        shutdown_kernel="immediate",
    )
    client.max_output_bytes = limits.max_output_bytes
    started = time.monotonic()
    try:
        # cleanup_kc: stop the client's channels and its zmq context too (nbclient keeps them when
        # it is given a kernel manager, and a worker grading many submissions would run out of files)
        async with client.async_setup_kernel(cleanup_kc=True):
            report.kernel_pid = km.provisioner.pid
            report.seconds_start = time.monotonic() - started
            watch = (
                cgroups.TreeWatch(report.kernel_pid, limits.memory_mb << 20, limits.max_processes)
                if group is None
                else None
            )
            disk = DiskWatch(workdir, limits.max_disk_mb << 20, limits.max_files)
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                reason = skip(index, notebook) if skip else None
                if reason is not None:
                    cell.outputs = [grader_error("AnswerNotCheckable", reason)]
                    report.ran.add(index)
                    continue
                if time.monotonic() - started > limits.submission_timeout:
                    report.problems.append(
                        f"the submission used up its {limits.submission_timeout:.0f} s; "
                        f"cells from #{index} on did not run"
                    )
                    break
                outcome = await _run_cell(client, km, cell, index, limits.cell_timeout, group or watch, disk)
                if outcome in ("ok", "timeout"):
                    report.ran.add(index)
                if outcome == "ok":
                    report.executed_upto = index
                elif outcome == "timeout":
                    report.problems.append(
                        f"cell #{index} ran longer than {limits.cell_timeout:.0f} s and was interrupted"
                    )
                    cell.outputs.append(
                        grader_error("TimeoutError", f"cell exceeded {limits.cell_timeout:.0f} s", traceback=False)
                    )
                    report.executed_upto = index
                    if not await _responsive(client, km):
                        report.problems.append(
                            "the kernel did not respond after the interrupt; later cells did not run"
                        )
                        break
                elif outcome == "disk":
                    report.lost(f"cell #{index}: {disk.message()}")
                    cell.outputs.append(grader_error("DiskLimitExceeded", disk.message()))
                    break
                else:
                    problem, output = death_output(index, limits, group, watch)
                    report.lost(problem)
                    cell.outputs.append(output)
                    break
                if any(is_memory_error(o) for o in cell.outputs):
                    report.problems.append(
                        f"cell #{index} ran out of memory (MemoryError): a kernel may use at most "
                        f"{limits.memory_mb} MB per process"
                    )
    finally:
        report.seconds_cells = time.monotonic() - started - report.seconds_start
        try:  # nbclient has shut it down unless something failed on the way: then end it here
            if km.has_kernel:
                await km.provisioner.kill()
                await km.provisioner.wait()
        except Exception:
            pass
        # nbclient registers an exit-time cleanup for this kernel; it is already shut down
        if compat.NBCLIENT_CLEANUP.present:
            atexit.unregister(client._cleanup_kernel)


async def _run_cell(
    client: NotebookClient,
    km: AsyncKernelManager,
    cell: NotebookNode,
    index: int,
    timeout: float,
    group=None,
    disk: DiskWatch | None = None,
) -> str:
    """'ok', 'timeout', 'dead' or 'disk': a watchdog around nbclient, which can wait forever on a
    dead kernel. With a cgroup, an OOM kill anywhere in the kernel's group (a child it forked, say)
    ends the whole kernel: the limit is the submission's, not one process's. Past the disk limit
    (course.autograder.disk), during the cell or at its end, the kernel is stopped."""
    before = asyncio.all_tasks()
    task = asyncio.ensure_future(client.async_execute_cell(cell, index))
    try:
        outcome = await _watch_cell(task, km, timeout, group, disk)
        if outcome == "ok" and disk is not None and disk.check(force=True):
            outcome = "disk"
        if outcome == "disk":
            await _stop_kernel(km, group)
        return outcome
    finally:
        await _end_polls_started_since(before)


async def _stop_kernel(km: AsyncKernelManager, group) -> None:
    """End the kernel and, with a cgroup, everything it started (without one, the worker ends the
    rest after the notebook: course.autograder.worker)."""
    if isinstance(group, cgroups.KernelCgroup):
        group.kill_all()
    try:
        await km.provisioner.kill()
    except Exception:
        pass


async def _end_polls_started_since(before: set) -> None:
    """nbclient starts a kernel-alive poll (and an output poll) per cell, and cancels them only on
    its own paths: a cell we stop leaves them running, to fail later on the closed client with an
    asyncio traceback in the instructor's terminal. End them with the cell."""
    left = [
        t
        for t in asyncio.all_tasks() - before
        if t is not asyncio.current_task() and "_async_poll" in getattr(t.get_coro(), "__qualname__", "")
    ]
    for leftover in left:
        leftover.cancel()
    await asyncio.gather(*left, return_exceptions=True)


async def _watch_cell(task: asyncio.Task, km: AsyncKernelManager, timeout: float, group, disk=None) -> str:
    deadline = time.monotonic() + timeout
    while True:
        done, _ = await asyncio.wait({task}, timeout=0.2)
        if disk is not None and not done and disk.check():
            return await _abandon(task, "disk")
        if isinstance(group, cgroups.TreeWatch):
            if group.check():
                return await _abandon(task, "dead")
        elif group is not None and group.oom_kills():
            group.kill_all()
            return await _abandon(task, "dead")
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
            return await _abandon(task, "dead")
        if time.monotonic() > deadline:
            return await _abandon(task, "timeout")


async def _abandon(task: asyncio.Task, outcome: str) -> str:
    """Stop waiting for nbclient's cell (it is cancelled and its end awaited); return `outcome`."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return outcome


async def _responsive(client: NotebookClient, km: AsyncKernelManager, wait: float = 5.0) -> bool:
    """After an interrupt, does the kernel run a trivial cell within `wait` seconds? The probe runs
    as a cell of its own at the notebook's end, and is taken out again: nbclient stores an executed
    cell at the index it is given, and the probe must not take the place of a notebook's cell."""
    probe = nbformat.v4.new_code_cell("pass")
    client.nb.cells.append(probe)
    index = len(client.nb.cells) - 1
    try:
        await km.interrupt_kernel()
        return await _run_cell(client, km, probe, index, wait) == "ok"
    except Exception:
        return False
    finally:
        del client.nb.cells[index]
