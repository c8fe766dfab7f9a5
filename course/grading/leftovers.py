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
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from course.grading.sandbox import MARKER


def state_and_session(process: Path) -> tuple[str, int]:
    """A /proc/<pid> entry's state letter ("Z": ended, awaiting collection) and session id;
    ("gone", -1) once it no longer exists."""
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()  # the name may hold spaces
        return fields[0], int(fields[3])  # state, ppid, pgrp, session
    except (OSError, ValueError, IndexError):
        return "gone", -1


def end_processes(uid: int | None = None, session: int | None = None, marker: str | None = None,
                  spare: frozenset[int] = frozenset()) -> int:
    """SIGKILL every process running as `uid`, or in `session`, or (among this user's processes)
    carrying `marker`; returns how many were signalled. Never touches this process or `spare`."""
    if not Path("/proc").is_dir():  # macOS: no process table to read; the session is what we know
        if session is not None:
            try:
                os.killpg(session, signal.SIGKILL)
            except OSError:
                pass
        return 0
    me, my_uid = os.getpid(), os.getuid()
    tag = f"{MARKER}={marker}".encode() if marker else None
    ended = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me or int(entry.name) in spare:
            continue
        try:
            owner = entry.stat().st_uid
            doomed = owner == uid
            if not doomed and owner == my_uid and session is not None:
                doomed = state_and_session(entry)[1] == session
            if not doomed and owner == my_uid and tag:
                doomed = tag in (entry / "environ").read_bytes().split(b"\0")
            if doomed:
                os.kill(int(entry.name), signal.SIGKILL)
                ended += 1
        except (OSError, ValueError):
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
