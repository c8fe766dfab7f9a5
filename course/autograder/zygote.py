"""The zygote: a process that has already imported the kernel's libraries and forks kernels.

Why: a grading kernel started the usual way spends about a second and a half on start-up
before the student's first cell runs (a Python interpreter, ipykernel, then pandas, matplotlib
and the course package), and every submission pays it again. The zygote pays it once per
grading batch: it imports all of that, loads the course data into the loaders' caches, and
then, for each submission, forks a child that enters the sandbox (course.autograder.sandbox) and
becomes the kernel. A fork costs milliseconds and shares the imported code copy-on-write.

Why it is safe: the zygote never runs student code, holds no secret (it starts with the
kernel's clean environment: no instructor tokens, no database URL) and keeps no state between
submissions, so every kernel starts from the same pristine image, exactly as a freshly started
one would. Each child closes every inherited file descriptor, takes the kernel's environment
from the request, and is isolated before it reads the student's notebook.

Protocol. The owner (the grading batch's parent, or `course check`) holds a socket pair to the
zygote: the zygote says {"listening": true}, then {"ready": true} or {"error": ...}, and exits
when the owner closes its end or dies. Workers connect to a SOCK_SEQPACKET Unix socket in the
zygote's private folder (only processes of the grader's uid are answered) and are greeted with
{"pid"} once everything is imported; for each request {"options": SandboxOptions,
"connection_file", "arguments", "env"} the zygote forks and replies {"pid": n} with a pidfd for
the child attached (SCM_RIGHTS), through which the worker watches and signals the kernel. The
zygote reaps its children itself.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import secrets
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path

import psutil

from course import settings
from course.autograder.sandbox import KERNEL_LOG, MARKER, SandboxOptions, run_sandboxed
from course.errors import ZygoteError
from course.paths import data_dir

# What ipykernel imports while it starts, and the libraries the course's notebooks use; the
# course's own student-facing modules are found by course_modules(), so a new widget is preloaded
# without a change here.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "jupyter_client.session",
    "comm",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.font_manager",
    "matplotlib_inline.backend_inline",
    "ipywidgets",
    # the exporter (student kernels) and the loader (verdict kernels): imported here, before any
    # student code runs, so its references to builtins, json and os are the pristine ones
    "course.autograder.reads",
    "course.autograder.values",
    "course.autograder.runner",
    "IPython.core.displayhook",
    "IPython.core.displaypub",
)


def course_modules() -> list[str]:
    """The course modules a notebook may import: everything but the instructor's side (the
    pipeline, the autograder itself and the command line), which no kernel needs."""
    import pkgutil

    import course

    instructor_side = ("course.pipeline", "course.autograder", "course.cli", "course.workspace", "course.nbgrader_run")
    return sorted(
        m.name for m in pkgutil.walk_packages(course.__path__, "course.") if not m.name.startswith(instructor_side)
    )


START_TIMEOUT = 120.0  # first start on a cold disk: imports and the data
REPLY_TIMEOUT = 30.0


def kernel_environment(home: Path) -> dict[str, str]:
    """A clean environment for a kernel (and the zygote): nothing of the instructor's (tokens,
    database URLs), per-kernel folders under `home`, one thread for numerical libraries."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    return keep | {
        "HOME": str(home),
        "TMPDIR": str(home),
        "NBGRADER_EXECUTION": "autograde",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        settings.DATA_DIR.name: str(data_dir()),
        "PYTHONNOUSERSITE": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
    }


# --- the zygote process ----------------------------------------------------------------------


def _preload() -> None:
    import importlib

    for module in (*PRELOAD, *course_modules()):
        importlib.import_module(module)
    from course import data

    for name in data.__all__:  # fill the loaders' caches: each kernel then gets the tables for free
        if name.startswith("load_"):
            getattr(data, name)()
    # Kernels share the zygote's memory until they write to it; the collector would write to
    # every object it scans. Frozen, the imported objects are never scanned in the kernels.
    gc.collect()
    gc.freeze()


def _run_kernel(connection_file: str, arguments: list[str]) -> int:
    """What `python -m ipykernel_launcher -f CONNECTION_FILE ARGUMENTS` does, in this process."""
    import ipykernel_launcher
    from ipykernel.kernelapp import IPKernelApp

    argv = ["-f", connection_file, *arguments]
    sys.argv = [ipykernel_launcher.__file__, *argv]
    IPKernelApp.launch_instance(argv=argv)
    return 0


def _start_child(request: dict, zygote_pid: int, passed: list[int]) -> None:
    """In the forked child: shed everything of the zygote's, then enter the sandbox. The student
    runner keeps the one descriptor its grader passed (its channel) as fd 3."""
    os.setsid()  # out of the terminal's process group: the instructor's Ctrl-C is not a student's KeyboardInterrupt
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    # errors (the sandbox's, the kernel's before it takes over its output) go to a log the grader
    # quotes when a kernel dies; the file size limit keeps it small
    workdir = json.loads(request["options"])["workdir"]
    os.dup2(_new_log(Path(workdir) / KERNEL_LOG), 2)
    first_closed = 3
    if request.get("runner") == "student" and passed:
        from course.autograder.runner import CHANNEL_FD

        os.dup2(passed[0], CHANNEL_FD, inheritable=False)
        first_closed = CHANNEL_FD + 1
    os.closerange(first_closed, os.sysconf("SC_OPEN_MAX"))  # the socket to the zygote, anything else inherited
    os.environ.clear()
    os.environ.update(request["env"])
    options = SandboxOptions.from_json(request["options"])
    if request.get("runner") == "student":  # the student's cells without a Jupyter kernel
        from course.autograder import runner

        body = lambda: runner.run_student(request["connection_file"])
    elif request.get("runner"):  # the verdict runner (course.autograder.runner), not a Jupyter kernel
        from course.autograder import runner

        body = lambda: runner.run(options.workdir)
    else:
        body = lambda: _run_kernel(request["connection_file"], request["arguments"])
    run_sandboxed(options, request["connection_file"], body, zygote_pid)


def _new_log(path: Path) -> int:
    """A fresh kernel log, opened here with the zygote's rights (root, outside any sandbox): an
    earlier kernel of the same submission may have left a link or a FIFO by that name, so it is
    removed (unlink follows nothing) and the log created anew, never through a link. Should
    something take the name again in between, the kernel's errors go nowhere."""
    try:
        os.unlink(path)
    except OSError:
        pass
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_APPEND, 0o600)
    except OSError:
        return os.open(os.devnull, os.O_WRONLY)


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


_TOKEN = ""  # the owner's secret, sent over the control socket (never in the environment, which kernels can read)


def _answer(connection: socket.socket) -> bool:
    """Serve one request on `connection`; False when the client has gone, or did not know the
    token (a process of the grader's uid is not enough: without namespaces, kernels have that uid).
    A descriptor passed with the request (the student runner's channel) is closed here whatever
    happens: the child has its own copy."""
    try:
        message, passed, _, _ = socket.recv_fds(connection, 1 << 20, 1)
    except OSError:
        return False
    try:
        return bool(message) and _fork_for(connection, message, passed)
    finally:
        for fd in passed:
            os.close(fd)


def _fork_for(connection: socket.socket, message: bytes, passed: list[int]) -> bool:
    import hmac

    try:
        request = json.loads(message)
        if not hmac.compare_digest(str(request.get("token", "")), _TOKEN):
            connection.send(json.dumps({"error": "not authorised"}).encode())
            return False
        zygote_pid = os.getpid()
        pid = os.fork()
    except Exception as exc:
        connection.send(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
        return True
    if pid == 0:
        try:
            _start_child(request, zygote_pid, passed)
        finally:
            os._exit(70)
    pidfd = os.pidfd_open(pid)
    try:
        socket.send_fds(connection, [json.dumps({"pid": pid}).encode()], [pidfd])
    except OSError:
        return False  # the worker went away; its kernel ends with the batch's clean-up
    finally:
        os.close(pidfd)
    return True


def serve(control: socket.socket, listener: socket.socket, hello: dict) -> int:
    """The zygote's loop: forks for every worker that connects, until its owner closes `control`.
    Reaping happens only here, so a child's pid cannot be reused between the fork and the pidfd
    that refers to it."""
    clients: list[socket.socket] = []
    while not _ending:
        _reap()
        readable = select.select([control, listener, *clients], [], [], 1.0)[0]
        if control in readable:
            return 0  # the owner closed its end, or died
        if listener in readable:
            connection, _ = listener.accept()
            uid = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
            if uid != os.getuid():  # only the grader's own processes, never a sandboxed kernel
                connection.close()
            else:
                connection.send(json.dumps(hello).encode())
                clients.append(connection)
        for connection in [c for c in clients if c in readable]:
            if not _answer(connection):
                clients.remove(connection)
                connection.close()
    return 0  # the owner has died (SIGTERM)


def main(argv: list[str]) -> int:
    # as ipykernel_launcher does: the working folder is not an import path while loading
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    control = socket.socket(fileno=int(argv[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader, which then closes us
    from course.autograder.sandbox import PR_SET_PDEATHSIG, _check, _libc

    # Ends with its owner, even one that exits without closing it (a pool worker), and removes
    # its private folder on the way out. Its kernels die with it (theirs is SIGKILL).
    # The handler only raises a flag, which the loop checks: an exception could interrupt the
    # clean-up below, and the owner's end usually comes twice at once (its socket closes, SIGTERM).
    signal.signal(signal.SIGTERM, _note_the_end)
    _check(_libc().prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0), "prctl")
    try:
        return _start(control, argv[1])
    finally:
        shutil.rmtree(Path(argv[1]).parent, ignore_errors=True)


_ending = False


def _note_the_end(_signal, _frame) -> None:
    global _ending
    _ending = True


def _start(control: socket.socket, address: str) -> int:
    global _TOKEN
    try:
        _TOKEN = json.loads(control.recv(4096))["token"]
        # listening first: workers may connect (and wait for the greeting) while it imports
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(address)
        listener.listen(64)
        control.send(json.dumps({"listening": True}).encode())
        _preload()
        # fork copies only the calling thread: anything that started a thread would break the kernels
        if threading.active_count() != 1 or psutil.Process().num_threads() != 1:
            raise ZygoteError("a preloaded library started a thread; the zygote cannot fork safely")
    except BaseException as exc:
        control.send(json.dumps({"error": "".join(traceback.format_exception_only(exc)).strip()[:2000]}).encode())
        return 1
    control.send(json.dumps({"ready": True}).encode())
    return serve(control, listener, {"pid": os.getpid()})


# --- the grader's side -------------------------------------------------------------------------


def _receive(channel: socket.socket, timeout: float, what: str) -> tuple[dict, list[int]]:
    if not select.select([channel], [], [], timeout)[0]:
        raise ZygoteError(f"the kernel zygote did not {what} within {timeout:.0f} s")
    try:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 16, 1)
    except OSError:  # reset: it died after we wrote to it
        message, fds = b"", []
    if not message:
        raise ZygoteError("the kernel zygote has ended")
    return json.loads(message), fds


class Zygote:
    """Starts and owns a zygote process; it lives until close() or until its owner ends.

    A grading batch starts one and its workers connect to it (by `address`, a Unix socket in a
    private folder that sandboxed kernels cannot see); `course check` starts its own."""

    def __init__(self, marker: str | None = None) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="course-zygote-"))  # 0700, under the hidden temp folder
        self.address = str(self.home / "zygote.sock")
        # The batch's marker: a kernel forked without exec shows the zygote's original environment
        # in /proc, so the zygote must carry it for leftovers to be found (course.autograder.leftovers).
        self.marker = marker or secrets.token_hex(8)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = kernel_environment(self.home) | {MARKER: self.marker}
        self.log = self.home / "zygote.log"  # libraries' chatter while importing; shown if it fails
        try:
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "course.autograder.zygote", str(theirs.fileno()), self.address],
                    pass_fds=[theirs.fileno()],
                    env=env,
                    cwd=self.home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
        finally:
            theirs.close()
        self.control = ours
        # the secret every request must carry: workers get it with the address (`ticket`), kernels never
        self.token = secrets.token_hex(16)
        try:
            self.control.send(json.dumps({"token": self.token}).encode())
        except OSError:
            pass  # it has already died: wait_ready says why
        self.ticket = f"{self.address}#{self.token}"
        self._stage = "started"

    def _wait_for(self, stage: str) -> None:
        while self._stage != stage and self._stage != "ready":
            try:
                reply, _ = _receive(self.control, START_TIMEOUT, "start")
            except ZygoteError as exc:
                reply = {"error": f"{exc}; its output ends: {self.log.read_text(errors='replace')[-1500:]}"}
            if "error" in reply:
                self.close()
                raise ZygoteError(f"the kernel zygote could not start: {reply['error']}")
            self._stage = "listening" if reply.get("listening") else "ready"

    def wait_listening(self) -> None:
        """Block until workers can connect (a few milliseconds after the start)."""
        self._wait_for("listening")

    def wait_ready(self) -> None:
        """Block until the zygote has imported everything; raise ZygoteError if it cannot."""
        self._wait_for("ready")

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        self.control.close()  # the zygote sees the end of its input and exits
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


class ZygoteClient:
    """A connection to a zygote: asks it to fork sandboxed kernels."""

    def __init__(self, ticket: str):
        address, _, self.token = ticket.partition("#")  # a Zygote's `ticket`: its address and its token
        self.address = address
        self.channel = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.channel.connect(address)
            hello, _ = _receive(self.channel, START_TIMEOUT, "greet")  # sent once it has imported everything
        except (OSError, ZygoteError) as exc:
            self.channel.close()
            raise ZygoteError(f"cannot reach the kernel zygote at {address}: {exc}") from exc
        self.pid = hello["pid"]

    def spawn(
        self,
        options: SandboxOptions,
        connection_file: str,
        arguments: list[str],
        env: dict[str, str],
        runner: str | None = None,
        channel: int | None = None,
    ) -> tuple[int, int]:
        """Fork a sandboxed kernel, or with `runner` "verdict" or "student" a runner
        (course.autograder.runner); returns its pid and a pidfd (the caller closes it). The student
        runner gets `channel` (a descriptor, passed to it as fd 3)."""
        request = {
            "options": options.to_json(),
            "connection_file": connection_file,
            "arguments": arguments,
            "env": env,
            "runner": runner,
            "token": self.token,
        }
        try:
            socket.send_fds(self.channel, [json.dumps(request).encode()], [channel] if channel is not None else [])
        except OSError as exc:
            raise ZygoteError(f"the kernel zygote is gone: {exc}") from exc
        reply, fds = _receive(self.channel, REPLY_TIMEOUT, "fork a kernel")
        if "error" in reply or not fds:
            for fd in fds:
                os.close(fd)
            raise ZygoteError(f"the kernel zygote could not fork: {reply.get('error', 'no process handle')}")
        return reply["pid"], fds[0]

    def healthy(self) -> bool:
        """The zygote never speaks unasked: a readable channel means it has closed."""
        return not select.select([self.channel], [], [], 0)[0]

    def close(self) -> None:
        self.channel.close()


# --- per process: which zygote this process's kernels come from ------------------------------------

_shared_address: str | None = None  # set in grading workers: the batch's zygote
_marker: str | None = None  # the batch's marker, for a zygote this process has to start itself
_own: Zygote | None = None  # started on demand when there is no shared one (course check)
_client: ZygoteClient | None = None
_owner_pid: int | None = None


def batch_marker() -> str:
    """The marker of this process's kernels: the batch's, or one of its own (`course check`)."""
    global _marker
    if _marker is None:
        _marker = secrets.token_hex(8)
    return _marker


def use_shared_zygote(address: str | None, marker: str | None = None) -> None:
    """Kernels of this process come from the zygote at `address` (a grading worker); should it
    be gone, the one this process starts carries the batch's `marker`."""
    global _shared_address, _marker
    _shared_address, _marker = address, marker


def zygote() -> ZygoteClient:
    """This process's connection to a zygote: the batch's shared one, or one of its own, started
    on first use; started again if it has died."""
    global _own, _client, _owner_pid
    if _owner_pid != os.getpid():  # inherited through a fork: not ours
        _own = _client = None
        _owner_pid = os.getpid()
    if _client is not None and _client.healthy() and (_own is None or _own.alive()):
        return _client
    if _client is not None:
        _client.close()
        _client = None
    if _shared_address and _own is None:
        try:
            _client = ZygoteClient(_shared_address)
            return _client
        except ZygoteError:
            pass  # the batch's zygote is gone: this process starts its own
    if _own is not None:
        _own.close()
    _own = Zygote(batch_marker())
    atexit.register(stop_zygote)  # its private folder is removed with it
    _own.wait_ready()
    _client = ZygoteClient(_own.ticket)
    return _client


def own_zygote() -> Zygote | None:
    """The zygote this process started for itself, if any (not a batch's shared one)."""
    return _own if _owner_pid == os.getpid() else None


def stop_zygote() -> None:
    """End this process's own zygote, if it started one."""
    global _own, _client
    if _owner_pid == os.getpid():
        if _client is not None:
            _client.close()
        if _own is not None:
            _own.close()
    _own = _client = None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
