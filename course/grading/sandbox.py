"""Launch a grading kernel in a sandbox.

Used as a kernelspec's argv: `python -m course.grading.sandbox [options] -- <kernel argv>`.

With root privileges and util-linux `unshare` (a CI machine, a JupyterHub grading container),
the kernel runs in new network, mount and PID namespaces:

- no network at all (a new network namespace has only a loopback that is down; the kernel talks
  to the grader over Unix sockets in its scratch folder);
- the filesystem is the machine's, read-only where it matters, with the course root, the
  grading scratch root, /home, /root and /tmp replaced by empty folders, except the paths the
  kernel needs (the Python installation, the course package, the data, and its own scratch
  folder, which is the only writable place);
- a PID namespace, so the kernel sees no other process and, when it ends, every process it
  started ends with it;
- an unprivileged uid of its own, so limits on processes apply to it alone.

Without root it falls back to resource limits, a new session and an environment marker by
which the grader can find and end leftover processes, and says so.

Resource limits apply in both modes: address space, processes, file size, open files, CPU
time, no core dumps.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import resource
import shutil
import signal
import sys
from pathlib import Path

MARKER = "COURSE_GRADING_SANDBOX"
# New network, mount and PID namespaces; the kernel's whole process tree ends with it.
UNSHARE = ["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc", "--kill-child"]


def full_isolation_available() -> bool:
    """Namespaces need root and util-linux's unshare and mount."""
    return os.geteuid() == 0 and bool(shutil.which("unshare")) and bool(shutil.which("mount"))


def _parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    if "--" not in argv:
        raise SystemExit("usage: python -m course.grading.sandbox [options] -- KERNEL ARGV")
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="course.grading.sandbox")
    parser.add_argument("--workdir", required=True, help="the only writable folder; the kernel starts here")
    parser.add_argument("--hide", action="append", default=[], help="folders replaced by an empty one")
    parser.add_argument("--keep", action="append", default=[], help="folders kept visible (read-only) inside hidden ones")
    parser.add_argument("--uid", type=int, default=65534)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--max-processes", type=int, default=256)
    parser.add_argument("--max-file-mb", type=int, default=64)
    parser.add_argument("--cpu-seconds", type=int, default=600)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv[:split]), argv[split + 1:]


def _limit(options: argparse.Namespace, own_uid: bool = True) -> None:
    """Resource limits. The process limit counts every process of the uid, so it is set only
    when the kernel runs under a uid of its own (never on a learner's laptop account)."""
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (options.memory_mb * mb, options.memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (options.max_file_mb * mb, options.max_file_mb * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (options.cpu_seconds, options.cpu_seconds))
    if own_uid:
        resource.setrlimit(resource.RLIMIT_NPROC, (options.max_processes, options.max_processes))


MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
_libc = None


def _mount(source: str | None, target: str, fstype: str | None = None, flags: int = 0, data: str | None = None) -> None:
    """mount(2) directly: a `mount` process per call would cost more than the kernel's start-up."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    encode = lambda v: v.encode() if v is not None else None  # noqa: E731
    if _libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {source} on {target}: {os.strerror(error)}")


def _build_filesystem(options: argparse.Namespace) -> None:
    """Inside the new mount namespace: hide folders, then re-expose what the kernel needs."""
    _mount(None, "/", flags=MS_REC | MS_PRIVATE)
    workdir = Path(options.workdir).resolve()
    keeps = {Path(k).resolve() for k in options.keep if Path(k).exists()}
    keeps = [k for k in keeps if not any(other in k.parents for other in keeps)]  # a kept folder shows its subfolders
    handles = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY) for path in [*keeps, workdir]}
    hidden = {Path(h).resolve() for h in options.hide if Path(h).is_dir()}
    outermost = [h for h in hidden if not any(other in h.parents for other in hidden)]  # /tmp covers /tmp/x
    for folder in outermost:
        _mount("tmpfs", str(folder), "tmpfs", data="mode=0755,size=16m")
    for path, fd in handles.items():
        path.mkdir(parents=True, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", str(path), flags=MS_BIND)
        if path != workdir:
            _mount(None, str(path), flags=MS_REMOUNT | MS_BIND | MS_RDONLY)
        os.close(fd)
    # Everything else stays visible but read-only to the kernel's uid; world-writable places such
    # as /var/tmp or /dev/shm could otherwise pass notes between kernels, so they are emptied.
    for shared in ("/var/tmp", "/dev/shm", "/run/lock"):
        if Path(shared).is_dir():
            _mount("tmpfs", shared, "tmpfs", data="mode=0755,size=1m")


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _run_as_init(kernel: list[str], options: argparse.Namespace) -> int:
    """PID 1 of the namespace: start the kernel, pass signals on, reap orphans, exit with it."""
    child = os.fork()
    if child == 0:
        os.chdir(options.workdir)
        if "-f" in kernel:  # the connection file, written 0600 by the grader: the kernel must read it
            os.chown(kernel[kernel.index("-f") + 1], options.uid, options.uid)
        _drop_privileges(options.uid)
        _limit(options)
        # ipykernel would compare this pid (the grader's, outside the namespace) with its parent
        # (our init, pid 1) and quit; the namespace already ends the kernel with the grader.
        os.environ.pop("JPY_PARENT_PID", None)
        os.execvp(kernel[0], kernel)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, _f: os.kill(child, s))
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 0
        if pid == child:
            return os.waitstatus_to_exitcode(status) if status else 0


def main(argv: list[str] | None = None) -> int:
    options, kernel = _parse(sys.argv[1:] if argv is None else argv)
    os.environ[MARKER] = "1"
    if options.inner:
        _build_filesystem(options)
        return _run_as_init(kernel, options)
    if full_isolation_available():
        os.execvp("unshare", [*UNSHARE, sys.executable, "-m", "course.grading.sandbox", "--inner", *sys.argv[1:]])
    # Fallback without namespaces: limits, a session of its own, the scratch folder as cwd.
    os.setsid()
    os.chdir(options.workdir)
    _limit(options, own_uid=False)
    os.execvp(kernel[0], kernel)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
