"""End the processes a grading kernel left behind (a background job, a forked child).

With namespaces, everything a kernel started runs under the kernel's own uid, so ending that uid's
processes is exact. Without them (no root: `course check` on a laptop, a JupyterHub pod) kernels
run under the grader's own uid, and two other traces are used instead:

- the kernel's session: the kernel starts one of its own, and its children stay in it unless
  they start another;
- the zygote's marker, an environment variable every kernel and program it runs carries (a
  child that starts a new session still has it). One marker is shared by every kernel of a
  batch, so it is swept only when no kernel of that zygote can still be running: at the end of
  the batch, or after `course check`'s single kernel.

The process table is read with psutil, which knows Linux's /proc and macOS alike.
"""

from __future__ import annotations

import os
import time

import psutil

from course.autograder.sandbox import MARKER

ENDED = frozenset({psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD, "gone"})


def state_and_session(pid: int) -> tuple[str, int]:
    """A process's state as psutil names it ("zombie": ended, awaiting collection) and its session
    id; ("gone", -1) once it no longer exists."""
    try:
        return psutil.Process(pid).status(), os.getsid(pid)
    except (psutil.Error, OSError):
        return "gone", -1


def has_ended(pid: int) -> bool:
    """Gone, or a zombie: nothing of it runs any more."""
    return state_and_session(pid)[0] in ENDED


def end_processes(
    uid: int | None = None, session: int | None = None, marker: str | None = None, spare: frozenset[int] = frozenset()
) -> int:
    """SIGKILL every process running as `uid`, or in `session`, or (among this user's processes)
    carrying `marker`; returns how many were signalled. Never touches this process or `spare`."""
    me, my_uid = os.getpid(), os.geteuid()
    ended = 0
    for process in psutil.process_iter(["uids"]):
        if process.pid == me or process.pid in spare or process.info["uids"] is None:
            continue
        try:
            owner = process.info["uids"].effective
            doomed = owner == uid
            if not doomed and owner == my_uid and session is not None:
                doomed = os.getsid(process.pid) == session
            if not doomed and owner == my_uid and marker:
                doomed = process.environ().get(MARKER) == marker
            if doomed:
                process.kill()
                ended += 1
        except (psutil.Error, OSError):
            continue
    return ended


def end_uid(uid: int, wait: float = 5.0) -> None:
    """End every process of a sandbox uid, and wait until the system has let go of them all.

    Waiting matters: the next kernel runs under the same uid with a limit on its processes, and
    processes that are still exiting (a namespace's init collects a fork bomb's children as it
    ends) count against it; a kernel started too soon would fail to start its threads."""
    deadline = time.monotonic() + wait
    while end_processes(uid=uid) and time.monotonic() < deadline:
        time.sleep(0.01)
