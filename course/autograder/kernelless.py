"""Execute a student's notebook in the student runner: the zygote's forked, sandboxed process
running the cells in-process (course.autograder.runner.run_student), without a Jupyter kernel.

Why: a Jupyter kernel costs far more than the cells of a short notebook. Starting ipykernel
(ZeroMQ sockets, the heartbeat, the kernel_info handshake) and speaking its protocol (signed
messages, an nbclient and its polls on the grader's side) took about 0.4 s of CPU per submission,
against a tenth of that for the cells themselves (benchmarks/autograde_speed.py). The runner is
the same sandboxed process, forked from the same zygote, as the same uid, in the same cgroup or
watch: only the protocol differs, a line per cell over a socket.

What stays as with a kernel (course.autograder.execute), and is tested in every path
(tests/test_limits.py): the limits, each enforced from this side, never by the runner, since
student code controls that process entirely:
- time per cell: past it, the cell is interrupted (SIGINT, a KeyboardInterrupt in the cell);
  if the cell has not ended a few seconds later, the runner is killed and later cells do not run;
- time per submission, checked before each cell: the runner starts a cell only when told to;
- memory and processes (the cgroup, or the watch), the disk (checked while a cell runs and when
  it ends, before the next may start), the output kept (the runner's budget, and a cap on what
  is read back);
- and the same messages in the problem list and the cells.

What student code can do here that it could not to a kernel: write its own outputs file and
speak on its channel. Both are read as untrusted data, and decide nothing: a test's verdict comes
from the verdict runner, on exported values (course.autograder.verdict). A runner that breaks the
protocol is stopped, and the cells it had not finished did not run.

Differences a reader of the graded notebook may see (scores never depend on them):
- no widget state is saved (nbclient keeps it in the notebook's metadata; the course's widgets
  carry a static HTML snapshot in their output either way: course.widgets.static), and output an
  `ipywidgets.Output` captures appears in the cell itself;
- what a program the cell starts writes straight to the process's output (`os.system`,
  `subprocess` without capture) is not in the cell (ipykernel forwards it; `!cmd` works in both);
- a cell stopped by a limit keeps only the grader's error output, not what it printed before.
COURSE_GRADING_STUDENT=kernel grades with a Jupyter kernel instead.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import stat
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course import settings
from course.autograder import cgroups, exposure, runner
from course.autograder.disk import DiskWatch
from course.autograder.execution import ExecutionReport, death_output, grader_error, is_memory_error, last_words
from course.autograder.kernel import zygote_supported
from course.autograder.limits import Limits
from course.autograder.sandbox import MARKER, SandboxOptions, full_isolation_available, require_kernel_uid
from course.autograder.zygote import batch_marker, kernel_environment, zygote

INTERRUPT_GRACE = 5.0  # seconds a cell has to end after the interrupt, as execute._responsive allows
START_TIMEOUT = 60.0  # as nbclient's startup_timeout for a kernel
NEXT_CELL_TIMEOUT = 30.0  # from "go" to the next cell's start: nothing runs between (a loaded machine may be slow)
POLL = 0.2  # seconds between checks of memory, processes and disk while a cell runs


def enabled() -> bool:
    """The student runner needs the zygote (Linux); COURSE_GRADING_STUDENT=kernel, or a platform
    without it, grades with a Jupyter kernel (course.autograder.execute)."""
    return zygote_supported() and settings.STUDENT.get() != "kernel"


class _Protocol(Exception):
    """The runner said something out of turn: student code spoke on its channel."""


class _Lines:
    """The runner's messages: one JSON object per line on a stream socket, read without trust
    (a line longer than LIMIT, or one that is not a JSON object, breaks the protocol)."""

    LIMIT = 4096

    def __init__(self, sock: socket.socket):
        self.sock, self.buffer, self.closed = sock, b"", False

    def ready(self, timeout: float, others: tuple = ()) -> list:
        """select() over the channel and `others`: the channel is in the result when a whole
        message (or its end) is waiting."""
        if b"\n" in self.buffer or self.closed or len(self.buffer) > self.LIMIT:
            return [self, *(o for o in others if select.select([o], [], [], 0)[0])]
        readable = select.select([self.sock, *others], [], [], timeout)[0]
        result = [o for o in readable if o is not self.sock]
        if self.sock in readable:
            try:
                chunk = self.sock.recv(self.LIMIT)
            except OSError:
                chunk = b""
            if chunk:
                self.buffer += chunk
            else:
                self.closed = True
            if b"\n" in self.buffer or self.closed or len(self.buffer) > self.LIMIT:
                result.insert(0, self)
        return result

    def message(self) -> dict | None:
        """The next message; None once the runner has closed its end."""
        if b"\n" in self.buffer:
            line, _, self.buffer = self.buffer.partition(b"\n")
            if len(line) > self.LIMIT:
                raise _Protocol
            try:
                message = json.loads(line)
            except Exception as exc:  # not JSON, or nested past the parser's depth
                raise _Protocol from exc
            if not isinstance(message, dict):
                raise _Protocol
            return message
        if len(self.buffer) > self.LIMIT:
            raise _Protocol
        return None


def execute_kernelless(
    notebook: NotebookNode, workdir: Path, limits: Limits, uid: int, hide: list[Path], keep: list[Path]
) -> ExecutionReport:
    """execute()'s contract (an ExecutionReport; never raises for the student's faults), in the
    student runner."""
    report = ExecutionReport(notebook)
    code = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    group = watch = None
    ours = theirs = None
    pidfd = -1
    started = time.monotonic()
    added: dict[int, list[NotebookNode]] = {}  # the grader's own outputs, after the cell's
    try:
        require_kernel_uid()
        where = cgroups.hierarchy()
        if where is not None:
            group = cgroups.KernelCgroup.create(where, str(uid), limits.memory_mb << 20, limits.max_processes)
        job_path = workdir / runner.CELLS
        _write_new(
            job_path,
            {"cells": [[i, notebook.cells[i].source] for i in code], "max_output_bytes": limits.max_output_bytes},
        )
        _remove(workdir / runner.OUTPUTS)  # a file of the submission's by that name is not the runner's
        options = SandboxOptions(
            workdir=str(workdir),
            uid=uid,
            namespaces=full_isolation_available(),
            hide=tuple(map(str, hide)),
            keep=tuple(map(str, keep)),
            limits=limits,
            cgroup=group.paths if group else (),
            landlock=exposure.kernel_should_be_restricted(),
        )
        # a stream socket, one JSON message per line: nothing in a sandboxed process is a SEQPACKET
        # socket, the zygote's kind (tests/test_adversarial.py looks for one)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid, pidfd = zygote().spawn(
            options,
            str(job_path),
            [],
            kernel_environment(workdir) | {MARKER: batch_marker()},
            runner="student",
            channel=theirs.fileno(),
        )
        theirs.close()
        theirs = None
        report.kernel_pid = pid
        if group is None:
            watch = cgroups.TreeWatch(pid, limits.memory_mb << 20, limits.max_processes)
        disk = DiskWatch(workdir, limits.max_disk_mb << 20, limits.max_files)
        session = _Session(ours, pidfd, report, limits, group, watch, disk, code, added, started)
        session.run()
    except Exception as exc:  # a runner that cannot start: never fatal to the batch
        report.lost(f"grading stopped: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        if report.seconds_start:
            report.seconds_cells = time.monotonic() - started - report.seconds_start
        if pidfd >= 0:
            try:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except OSError:
                pass
            select.select([pidfd], [], [], 5.0)
            os.close(pidfd)
        for end in (ours, theirs):
            if end is not None:
                end.close()
        if group is not None:
            report.peak_bytes = group.peak_bytes()
            group.remove()  # ends whatever the runner left running, however it detached itself
    try:
        _read_outputs(workdir / runner.OUTPUTS, notebook, report, limits, code)
    except Exception as exc:  # never expected (each line is guarded): said, and grading goes on
        report.problems.append(f"the cells' outputs could not be read: {type(exc).__name__}")
    for index, outputs in added.items():
        cell = notebook.cells[index]
        if any(o.get("ename") == "TimeoutError" for o in outputs):  # the grader's interrupt, as with a kernel:
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]  # not the student's
        cell.outputs.extend(outputs)
    for index in sorted(report.ran):
        if any(is_memory_error(o) for o in notebook.cells[index].outputs):
            report.problems.append(
                f"cell #{index} ran out of memory (MemoryError): a kernel may use at most "
                f"{limits.memory_mb} MB per process"
            )
    if report.kernel_lost:
        words = last_words(workdir)
        if words:
            report.problems.append(f"the kernel's last error output: {words}")
    return report


class _Session:
    """The grader's side of one runner: its messages, the limits, the verdict on each cell."""

    def __init__(self, channel, pidfd, report, limits: Limits, group, watch, disk, code, added, started):
        self.channel, self.lines, self.pidfd = channel, _Lines(channel), pidfd
        self.report, self.limits = report, limits
        self.group, self.watch, self.disk, self.code, self.added = group, watch, disk, code, added
        self.started = started
        self.position = 0  # index into `code` of the next cell expected to start
        self.current: int | None = None  # the notebook index of the running cell
        self.cell_started = 0.0
        self.interrupted_at: float | None = None

    def run(self) -> None:
        report, limits = self.report, self.limits
        self._wait_for("ready", self.started + START_TIMEOUT)
        report.seconds_start = time.monotonic() - self.started
        while self.position < len(self.code) or self.current is not None:
            if self.current is None:
                index = self.code[self.position]
                if time.monotonic() - self.started > limits.submission_timeout:
                    report.problems.append(
                        f"the submission used up its {limits.submission_timeout:.0f} s; "
                        f"cells from #{index} on did not run"
                    )
                    return
                if self.position:
                    self._go()
                if not self._started(index):
                    return
                self.current, self.cell_started, self.interrupted_at = index, time.monotonic(), None
                self.position += 1
            outcome = self._watch_cell()
            index, self.current = self.current, None
            if outcome == "timeout":
                report.ran.add(index)
                report.executed_upto = index
                report.problems.append(f"cell #{index} ran longer than {limits.cell_timeout:.0f} s and was interrupted")
                self._add(
                    index, grader_error("TimeoutError", f"cell exceeded {limits.cell_timeout:.0f} s", traceback=False)
                )
            elif outcome == "ok":
                report.ran.add(index)
                report.executed_upto = index
            elif outcome == "unresponsive":
                report.ran.add(index)
                report.executed_upto = index
                report.problems.append(f"cell #{index} ran longer than {limits.cell_timeout:.0f} s and was interrupted")
                self._add(
                    index, grader_error("TimeoutError", f"cell exceeded {limits.cell_timeout:.0f} s", traceback=False)
                )
                report.problems.append("the kernel did not respond after the interrupt; later cells did not run")
                return
            else:
                self._stopped(index, outcome)
                return
        if self.code:
            self._go()  # after the last cell: the runner then ends

    def _go(self) -> None:
        """Let the runner start its next cell (if it has gone, the wait for that start says so)."""
        try:
            self.channel.sendall(b"go\n")
        except OSError:
            pass

    def _add(self, index: int, output: NotebookNode) -> None:
        self.added.setdefault(index, []).append(output)

    def _stopped(self, index: int, outcome: str) -> None:
        if outcome == "disk":
            self.report.lost(f"cell #{index}: {self.disk.message()}")
            self._add(index, grader_error("DiskLimitExceeded", self.disk.message()))
        elif outcome == "protocol":
            why = "the submission interfered with the grader's runner"
            self.report.lost(f"cell #{index}: {why}; later cells did not run")
            self._add(index, grader_error("GraderRunnerError", why))
        else:
            problem, output = death_output(index, self.limits, self.group, self.watch)
            self.report.lost(problem)
            self._add(index, output)

    def _watch_cell(self) -> str:
        """'ok', 'timeout' (interrupted, then ended), 'unresponsive', 'disk', 'dead' or 'protocol'."""
        limits = self.limits
        while True:
            readable = self.lines.ready(POLL, (self.pidfd,))
            if self.lines in readable:
                try:
                    message = self.lines.message()
                except _Protocol:
                    return "protocol"
                if message is None:  # the runner closed its channel: it has ended, or is ending
                    select.select([self.pidfd], [], [], 1.0)
                    return "dead"
                if message.get("end") != self.current:
                    return "protocol"
                if self.disk.check(force=True):
                    return "disk"
                return "timeout" if self.interrupted_at is not None else "ok"
            if self.pidfd in readable:
                return "dead" if not self._drained_end() else ("timeout" if self.interrupted_at is not None else "ok")
            over = self._over_limit()
            if over:
                return over
            now = time.monotonic()
            if self.interrupted_at is None and now - self.cell_started > limits.cell_timeout:
                self.interrupted_at = now
                try:
                    signal.pidfd_send_signal(self.pidfd, signal.SIGINT)
                except OSError:
                    pass
            elif self.interrupted_at is not None and now - self.interrupted_at > INTERRUPT_GRACE:
                return "unresponsive"

    def _over_limit(self) -> str | None:
        """'disk' or 'dead' (memory, processes) when the runner's processes are past a limit:
        checked every POLL seconds whenever student code may be running, in a cell or not."""
        if self.disk.check():
            return "disk"
        if isinstance(self.watch, cgroups.TreeWatch) and self.watch.check():
            return "dead"
        if self.group is not None and self.group.oom_kills():
            self.group.kill_all()
            return "dead"
        return None

    def _drained_end(self) -> bool:
        """The runner has ended: did it end the running cell just before (its last message)?"""
        try:
            while self.lines.ready(0):
                message = self.lines.message()
                if message is None:
                    return False
                if message.get("end") == self.current:
                    return True
        except _Protocol:
            return False
        return False

    def _started(self, index: int) -> bool:
        """Wait for the runner to start cell `index`: False, with the cell recorded as stopped,
        when the runner ends, breaks the protocol or never starts it."""
        deadline = time.monotonic() + NEXT_CELL_TIMEOUT
        while True:
            readable = self.lines.ready(POLL, (self.pidfd,))
            if self.lines in readable:
                try:
                    message = self.lines.message()
                except _Protocol:
                    message = {}
                if message is not None and message.get("start") == index:
                    return True
                self._stopped(index, "protocol" if message is not None else "dead")
                return False
            if self.pidfd in readable:
                self._stopped(index, "dead")
                return False
            over = self._over_limit()  # student code (a thread, a child) may run between cells too
            if over or time.monotonic() > deadline:
                self._stopped(index, over or "protocol")
                return False

    def _wait_for(self, key: str, deadline: float) -> None:
        """The runner's first message, before any student code ran."""
        while True:
            readable = self.lines.ready(POLL, (self.pidfd,))
            if self.lines in readable:
                try:
                    message = self.lines.message()
                except _Protocol:
                    message = None
                if message is not None and message.get(key):
                    return
                raise RuntimeError("the runner did not start")
            if self.pidfd in readable:
                raise RuntimeError("the runner ended before it started")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the runner did not start within {START_TIMEOUT:.0f} s")


def _write_new(path: Path, job: dict) -> None:
    """The runner's job, 0600, never through a link the submission planted."""
    _remove(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump(job, file)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except FileNotFoundError:
        pass


# --- reading the runner's outputs: untrusted data ---------------------------------------------------


def _read_outputs(path: Path, notebook: NotebookNode, report, limits: Limits, code: list[int]) -> None:
    """Put each cell's outputs, as the runner wrote them, into `notebook`: only cells that ran,
    only well-formed outputs (anything else is dropped), at most `cap` bytes in all, display
    updates counted once for every output they change. Student code can write this file: nothing
    in it may raise, loop or allocate past the cap."""
    cap = 2 * limits.max_output_bytes + 200_000 * max(1, len(code))
    raw = _bounded_read(path, cap + 1)
    if len(raw) > cap:
        report.problems.append(f"outputs past {cap / 1e6:.1f} MB were not kept")
        raw = raw[:cap]
    spent = 0
    by_display_id: dict[str, list[NotebookNode]] = {}
    for line in raw.splitlines():
        try:
            entry = json.loads(line, parse_constant=lambda _: None)  # no NaN or Infinity in a notebook
            if isinstance(entry, dict) and "update" in entry:
                targets = by_display_id.get(str(entry["update"]), [])
                spent += len(line) * len(targets)
                data, metadata = _mime(entry.get("data")), entry.get("metadata")
                if data is None or spent > cap:
                    continue
                for output in targets:
                    output["data"] = data
                    output["metadata"] = metadata if isinstance(metadata, dict) else {}
            elif isinstance(entry, dict):
                spent += len(line)
                _fill_cell(entry, notebook, report, by_display_id)
        except Exception:  # nested past the parser's depth, or anything else malformed: dropped
            continue


def _bounded_read(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, never through a link, never waiting on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _fill_cell(entry: dict, notebook: NotebookNode, report, by_display_id: dict) -> None:
    index = entry.get("cell")
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or index not in report.ran
        or not isinstance(entry.get("outputs"), list)
    ):
        return
    cell = notebook.cells[index]
    cell.outputs = []
    for item in entry["outputs"]:
        output = _output(item)
        if output is not None:
            cell.outputs.append(output)
            if isinstance(item.get("display_id"), str):
                by_display_id.setdefault(item["display_id"], []).append(output)
    count = entry.get("execution_count")
    cell.execution_count = count if isinstance(count, int) and not isinstance(count, bool) else None


_JSON_MIME = re.compile(r"^application/(.*\+)?json$")


def _mime(data) -> dict | None:
    """A MIME bundle as nbformat allows it (text, lines of text, or JSON data under a JSON type),
    or None. (Lone surrogates are replaced when the graded notebook is written:
    course.autograder.worker.encodable.)"""
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        return None
    for key, value in data.items():
        text = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not (text or (_JSON_MIME.match(key) and isinstance(value, (dict, list)))):
            return None  # one malformed representation: the whole output is dropped
    return dict(data)


def _output(item) -> NotebookNode | None:
    """An nbformat output from what the runner wrote, or None when it is not one."""
    if not isinstance(item, dict):
        return None
    kind = item.get("output_type")
    try:
        if kind == "stream" and item.get("name") in ("stdout", "stderr") and isinstance(item.get("text"), str):
            return nbformat.v4.new_output("stream", name=item["name"], text=item["text"])
        if kind in ("display_data", "execute_result"):
            data, metadata = _mime(item.get("data")), item.get("metadata", {})
            if data is None or not isinstance(metadata, dict):
                return None
            if kind == "display_data":
                return nbformat.v4.new_output(kind, data=data, metadata=metadata)
            count = item.get("execution_count")
            count = count if isinstance(count, int) and not isinstance(count, bool) else None
            return nbformat.v4.new_output(kind, data=data, metadata=metadata, execution_count=count)
        if kind == "error":
            traceback = item.get("traceback")
            if not (isinstance(traceback, list) and all(isinstance(t, str) for t in traceback)):
                return None
            return nbformat.v4.new_output(
                "error",
                ename=str(item.get("ename", ""))[:500],
                evalue=str(item.get("evalue", ""))[:5000],
                traceback=traceback[-50:],
            )
    except Exception:  # nbformat's validation of a malformed output: drop it
        return None
    return None
