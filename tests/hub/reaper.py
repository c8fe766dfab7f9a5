"""Run one command and, when it ends (or on SIGTERM), end every process it left behind: only its own.

    python reaper.py REPORT.json GRACE -- COMMAND [ARG...]

The hub test starts JupyterHub, and the guide's commands that run as root, through this. It makes
itself a *child subreaper* (Linux prctl PR_SET_CHILD_SUBREAPER): every process COMMAND starts stays
its descendant even when the process in between exits or a new session is started (the hub's
servers, their kernels and terminals, `sudo course grade` and its sandboxes), so "what COMMAND
left behind" is exact: this process's descendants, found through their parents, never by user,
name or pattern. Other processes on the machine, other users' included, are never signalled.

SIGTERM (or SIGINT) is passed on to COMMAND; if COMMAND has not ended GRACE seconds later, it and
every descendant are killed. Once COMMAND has ended, what it started has SETTLE seconds to end by
itself (a multiprocessing forkserver ends when it reads its parent's exit, a moment later); whatever
is still running then is killed. REPORT.json then
says COMMAND's exit status, whether it had to be killed, and the other processes that had to be
({"status": .., "timed_out": .., "leftovers": ["pid user command", ...]}); this process exits
with COMMAND's status. It also ends everything if
the test that started it dies (PR_SET_PDEATHSIG), so a killed test run leaves nothing running.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

import psutil

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
SETTLE = 10.0


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def descendants() -> list[psutil.Process]:
    try:
        return psutil.Process().children(recursive=True)
    except psutil.Error:
        return []


def describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {process.username()} {' '.join(process.cmdline())[:200]}"
    except psutil.Error:
        return f"{process.pid} (gone)"


def reap() -> None:
    """Collect every child that has ended (orphans re-parented to us end up here too)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def kill_everything_left() -> list[str]:
    """SIGKILL every descendant until none is left; returns what was found running."""
    found: dict[int, str] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        left = [p for p in descendants() if running(p)]
        if not left:
            break
        for process in left:
            found.setdefault(process.pid, describe(process))
            try:
                process.kill()
            except psutil.Error:
                pass
        time.sleep(0.05)
        reap()
    reap()
    return list(found.values())


def main(argv: list[str]) -> int:
    report, grace, separator, *command = argv
    assert separator == "--" and command, __doc__
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    stopping: list[float] = []

    def on_signal(signum, _frame):
        if not stopping:
            stopping.append(time.monotonic())

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    child = subprocess.Popen(command)
    if os.getppid() == 1:  # the test died before PR_SET_PDEATHSIG took effect
        stopping.append(time.monotonic())
    passed_on = False
    while child.poll() is None:
        if stopping and not passed_on:
            child.send_signal(signal.SIGTERM)
            passed_on = True
        if stopping and time.monotonic() - stopping[0] > float(grace):
            break
        time.sleep(0.1)
        reap_others(child.pid)
    timed_out = child.poll() is None
    if timed_out:
        child.kill()
        child.wait()
    else:
        settled = time.monotonic() + SETTLE
        while any(running(p) for p in descendants()) and time.monotonic() < settled and not stopping:
            time.sleep(0.1)
            reap()
    leftovers = kill_everything_left()
    status = child.returncode
    with open(report, "w") as stream:
        json.dump({"status": status, "timed_out": timed_out, "leftovers": leftovers}, stream)
    return status if status >= 0 else 128 - status


def reap_others(keep: int) -> None:
    """Collect ended orphans without collecting COMMAND itself (Popen.poll does that)."""
    for process in descendants():
        if process.pid == keep:
            continue
        try:
            if process.ppid() == os.getpid() and process.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(process.pid, os.WNOHANG)
        except (psutil.Error, ChildProcessError):
            pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
